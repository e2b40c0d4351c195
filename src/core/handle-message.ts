import { describeError } from '../errors.js';
import type { DedupeStore } from '../stores/dedupe-store.js';
import type { Throttle } from '../stores/throttle.js';
import type { Answerer, AnswerResult } from './ask.js';
import type { KnowledgeBase } from './knowledge-base.js';
import type { FileOutcome, InboundMessage, MessageOutcome } from './message.js';
import type { Scope } from './types.js';

export interface MessageHandlerDeps {
  answerer: Answerer;
  knowledgeBase: KnowledgeBase;
  dedupe: DedupeStore;
  throttle: Throttle;
  /** Whether files shared in this channel are ingested (all, an allowlist, none). */
  ingestsFrom: (message: InboundMessage) => boolean;
  observer?: MessageObserver;
}

/** Told what happened, for statistics and metrics; never changes the outcome. */
export interface MessageObserver {
  answered?(message: InboundMessage, result: AnswerResult): void;
  ingested?(message: InboundMessage, files: FileOutcome[]): void;
  throttled?(message: InboundMessage, retryAfterMs: number): void;
}

// Slack retries for a few minutes at most; a day covers any redelivery.
const DEDUPE_TTL_MS = 24 * 3600_000;

/** Where a shared file may be read: a DM stays with its person, a private channel with its members. */
export function scopeForShare(message: InboundMessage): Scope {
  if (message.isDirectMessage) return `user:${message.userId}`;
  if (message.isPrivateChannel) return `channel:${message.channelId}`;
  return 'tenant';
}

/**
 * The one path from every platform into Docent: deduplicate before any work, then ingest the
 * files and/or answer the question, within the user's limits.
 */
export function createMessageHandler(deps: MessageHandlerDeps) {
  return async function handleMessage(
    message: InboundMessage,
    /** Called once the message is known to be new and admitted, before the slow part: show progress here. */
    onStart?: () => Promise<void>,
  ): Promise<MessageOutcome> {
    const dedupeKey = `${message.platform}:${message.tenantId}:${message.eventId}`;
    if (!(await deps.dedupe.claim(dedupeKey, DEDUPE_TTL_MS))) return { kind: 'duplicate' };
    try {
      const files = message.files.length > 0 && deps.ingestsFrom(message) ? await ingest(message) : undefined;
      const question = message.text.trim();
      if (!question) return files ? { kind: 'ingested', files } : { kind: 'ignored' };
      const throttled = await deps.throttle.run(
        `${message.tenantId}:${message.platform}:${message.userId}`,
        async () => {
          await onStart?.();
          return deps.answerer.answer({
            question,
            threadId: `${message.platform}:${message.tenantId}:${message.threadId}`,
            context: {
              tenantId: message.tenantId,
              channelId: message.channelId,
              userId: message.userId,
              isDirectMessage: message.isDirectMessage,
            },
          });
        },
      );
      if (!throttled.ok) {
        // Not handled: a retry of the same event after the wait should be answered.
        await deps.dedupe.release(dedupeKey);
        deps.observer?.throttled?.(message, throttled.retryAfterMs);
        return { kind: 'throttled', retryAfterMs: throttled.retryAfterMs };
      }
      deps.observer?.answered?.(message, throttled.value);
      return files
        ? { kind: 'ingested', files, answer: throttled.value }
        : { kind: 'answer', result: throttled.value };
    } catch (error) {
      // The event was not handled: let the platform's retry try again.
      await deps.dedupe.release(dedupeKey);
      throw error;
    }
  };

  async function ingest(message: InboundMessage): Promise<FileOutcome[]> {
    const scope = scopeForShare(message);
    const outcomes: FileOutcome[] = [];
    for (const file of message.files) {
      try {
        const outcome = await deps.knowledgeBase.ingest({
          tenantId: message.tenantId,
          scope,
          source: file.name,
          fetchData: file.fetchData,
        });
        outcomes.push({ name: file.name, status: outcome.status, passages: outcome.document.passages });
      } catch (error) {
        outcomes.push({ name: file.name, status: 'failed', reason: describeError(error) });
      }
    }
    deps.observer?.ingested?.(message, outcomes);
    return outcomes;
  }
}

export type MessageHandler = ReturnType<typeof createMessageHandler>;

/** The one sentence a person reads about a shared file. */
export function describeFileOutcome(file: FileOutcome): string {
  if (file.status === 'indexed')
    return `Indexed ${file.name}: ${file.passages} passage${file.passages === 1 ? '' : 's'}.`;
  if (file.status === 'unchanged') return `${file.name} is already indexed and unchanged.`;
  const reason = file.reason?.startsWith(`${file.name}: `)
    ? file.reason.slice(file.name.length + 2)
    : file.reason;
  return `Could not index ${file.name}: ${reason}`;
}
