import type { WebClient } from '@slack/web-api';
import { boundThread, THREAD_LIMITS, type ThreadMessage } from '../../src/core/thread-context.js';
import type { Logger } from '../../src/logger.js';
import { stripBotMention } from './mappers.js';

/** Replies are read a page at a time; a thread longer than this many pages is read from its start only. */
const MAX_PAGES = 3;
const PAGE_SIZE = 200;

interface SlackReply {
  ts?: string;
  user?: string;
  bot_id?: string;
  subtype?: string;
  text?: string;
}

// A reply that is a person's words: a plain message, one shared to the channel too, or one with files.
const PEOPLE_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share']);

/**
 * The earlier messages of the thread a mention was written in (conversations.replies, which needs
 * channels:history or groups:history): people's messages only, before the mention, bounded by
 * THREAD_LIMITS. Bots' messages, Docent's own included, are left out: its answers are already the
 * thread's history. Slack that cannot be read (a missing scope, an error) gives no context rather
 * than no answer.
 */
export async function readSlackThread(
  client: WebClient,
  where: { channel: string; threadTs: string; beforeTs: string },
  botUserId: string | undefined,
  onError: (error: unknown) => void,
): Promise<ThreadMessage[]> {
  const messages: ThreadMessage[] = [];
  try {
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const reply = await client.conversations.replies({
        channel: where.channel,
        ts: where.threadTs,
        latest: where.beforeTs,
        inclusive: false,
        limit: PAGE_SIZE,
        cursor,
      });
      for (const m of (reply.messages ?? []) as SlackReply[]) {
        if (!isPersonBefore(m, where.beforeTs, botUserId)) continue;
        messages.push({ author: m.user as string, text: stripBotMention(m.text ?? '', botUserId) });
      }
      cursor = reply.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
  } catch (error) {
    onError(error);
    return [];
  }
  return boundThread(messages, THREAD_LIMITS);
}

function isPersonBefore(m: SlackReply, beforeTs: string, botUserId: string | undefined): boolean {
  if (m.bot_id || !m.user || m.user === botUserId || !PEOPLE_SUBTYPES.has(m.subtype)) return false;
  return m.ts !== undefined && Number(m.ts) < Number(beforeTs);
}

/** The thread a mention was written in, when it was written in a reply: what it may be asking about. */
export function threadOfMention(
  client: WebClient,
  e: { channel: string; ts: string; thread_ts?: string },
  botUserId: string | undefined,
  logger: Logger,
): Promise<ThreadMessage[]> {
  const onError = (err: unknown) => logger.warn({ err }, 'slack thread not read: answered without it');
  if (e.thread_ts === undefined || e.thread_ts === e.ts) return Promise.resolve([]);
  return readSlackThread(
    client,
    { channel: e.channel, threadTs: e.thread_ts, beforeTs: e.ts },
    botUserId,
    onError,
  );
}
