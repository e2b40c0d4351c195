import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { type AutoAnswerPolicy, isCovered } from '../../src/core/auto-answer.js';
import type { SlackListenerKit } from './listener-kit.js';
import { messageToInbound, type SlackMessageEvent, type SlackOrigin } from './mappers.js';
import { isDirectMessageChannel, tenantOf, whereOf } from './origins.js';
import { deliver } from './replies.js';

/** Shown on the question while Docent works on it, and taken off whatever the outcome. */
export const WORKING_REACTION = 'eyes';
/** Left on a question the documents do not cover, with AUTO_ANSWER_UNCOVERED=react. */
export const UNCOVERED_REACTION = 'grey_question';

/** What the bot lends the auto-answer listener, and the channels it answers in. */
export interface SlackAutoAnswerDeps extends SlackListenerKit {
  policy: AutoAnswerPolicy;
}

/**
 * A message that starts a conversation in its channel: not a thread reply (a reply also sent to
 * the channel is one), not an edit, a deletion or a bot's message, and with words in it.
 */
export function isTopLevelQuestion(e: SlackMessageEvent): boolean {
  if (e.bot_id || e.subtype || !e.user || !(e.text ?? '').trim()) return false;
  return e.thread_ts === undefined || e.thread_ts === e.ts;
}

/**
 * Answers top-level questions in auto-answer channels without a mention. A message that mentions
 * Docent is the mention listener's, a DM or a thread reply the follow-up listener's; everything
 * else in a channel not listed costs one in-memory lookup.
 */
export function registerAutoAnswer(app: App, deps: SlackAutoAnswerDeps): void {
  app.event('message', async ({ event, body, context, client }) => {
    const e = event as unknown as SlackMessageEvent;
    if (
      !isTopLevelQuestion(e) ||
      isDirectMessageChannel({ channelId: e.channel, channelType: e.channel_type })
    )
      return;
    // Bolt's context names the bot user (from auth.test): a mention is the mention listener's.
    const botUserId = context.botUserId;
    if (botUserId === undefined || (e.text ?? '').includes(`<@${botUserId}`)) return;
    if (!(await deps.policy.answersIn(tenantOf(context), e.channel))) return;
    const where = whereOf(e, e.user as string, body);
    deps.detach(async () => autoAnswer(deps, client, await deps.origin(context, where), e));
  });
}

/**
 * Answers a question nobody addressed to Docent, in a thread under it, only when the documents
 * cover it. Until that is known, nothing but a reaction shows (taken off again): no placeholder,
 * so a question the documents do not cover leaves no trace, or the configured reaction. Dedupe,
 * limits and tenancy are the mentioned question's: the same message handler decides them. A
 * question over its asker's limits is left alone, since the asker never asked Docent.
 */
async function autoAnswer(
  deps: SlackAutoAnswerDeps,
  client: WebClient,
  origin: SlackOrigin,
  e: SlackMessageEvent,
): Promise<void> {
  const onQuestion = { channel: e.channel, timestamp: e.ts };
  let working = false;
  const outcome = await deps.handle(messageToInbound(e, origin, (e.text ?? '').trim()), {
    onAdmitted: async () => {
      working = await client.reactions
        .add({ ...onQuestion, name: WORKING_REACTION })
        .then(() => true)
        .catch(() => false);
    },
  });
  if (working)
    await client.reactions.remove({ ...onQuestion, name: WORKING_REACTION }).catch(() => undefined);
  if (outcome.kind !== 'answer') return;
  if (isCovered(outcome.result)) {
    deps.rememberThread(`${e.channel}:${e.ts}`);
    await deliver(client, deps.poster, origin, outcome, { channel: e.channel, threadTs: e.ts });
  } else if (deps.policy.uncovered === 'react') {
    await client.reactions.add({ ...onQuestion, name: UNCOVERED_REACTION }).catch(() => undefined);
  }
}
