import { type BaseMessageOptions, type Client, type Message, MessageType } from 'discord.js';
import { type AutoAnswerPolicy, isCovered } from '../../src/core/auto-answer.js';
import type { MessageHooks } from '../../src/core/handle-message.js';
import type { InboundMessage, MessageOutcome } from '../../src/core/message.js';
import { fromMessage } from './mappers.js';
import { answerPayloads } from './render.js';

/** Shown on the question while Docent works on it, and taken off whatever the outcome. */
export const WORKING_REACTION = '👀';
/** Left on a question the documents do not cover, with AUTO_ANSWER_UNCOVERED=react. */
export const UNCOVERED_REACTION = '❔';

export interface DiscordAutoAnswerDeps {
  client: Client<true>;
  policy: AutoAnswerPolicy;
  handle: (message: InboundMessage, hooks?: MessageHooks) => Promise<MessageOutcome>;
  /** Where the answer goes: a thread opened on the question when allowed, else a reply to it. */
  replyTarget: (message: Message) => Promise<{ send: (payload: BaseMessageOptions) => Promise<unknown> }>;
}

/**
 * A guild message that starts a conversation in its channel: a person's plain message with words
 * in it, not in a thread, not a reply to someone (people answering each other), not a webhook's
 * or a system message. Edits arrive as other events and never get here.
 */
export function isTopLevelQuestion(message: Message): boolean {
  return (
    message.inGuild() &&
    message.type === MessageType.Default &&
    !message.author.bot &&
    !message.webhookId &&
    !message.reference &&
    !message.channel.isThread() &&
    message.content.trim() !== ''
  );
}

/**
 * Answers a question nobody addressed to Docent, in a thread on it, only when the documents cover
 * it: until then only a reaction shows (taken off again), so an uncovered question leaves no trace,
 * or the configured reaction. Dedupe, limits and tenancy are a mention's: the same message handler
 * decides them. Over its asker's limits, the question is left alone: they never asked Docent.
 */
export async function autoAnswer(deps: DiscordAutoAnswerDeps, message: Message): Promise<void> {
  if (!message.inGuild() || !(await deps.policy.answersIn(message.guildId, message.channel.id))) return;
  const inbound = fromMessage(deps.client, message, message.content.trim(), []);
  // A thread opened on a message takes the message's id: its follow-ups continue this conversation.
  inbound.threadId = message.id;
  let working = false;
  const outcome = await deps.handle(inbound, {
    onAdmitted: async () => {
      working = await message
        .react(WORKING_REACTION)
        .then(() => true)
        .catch(() => false);
    },
  });
  if (working)
    await message.reactions
      .resolve(WORKING_REACTION)
      ?.users.remove(deps.client.user.id)
      .catch(() => undefined);
  if (outcome.kind !== 'answer') return;
  if (isCovered(outcome.result)) {
    const target = await deps.replyTarget(message);
    for (const payload of answerPayloads(outcome.result)) await target.send(payload);
  } else if (deps.policy.uncovered === 'react') {
    await message.react(UNCOVERED_REACTION).catch(() => undefined);
  }
}
