import type { WebClient } from '@slack/web-api';
import type { AnswerResult } from '../../src/core/ask.js';
import { describeFileOutcome } from '../../src/core/handle-message.js';
import type { FileOutcome, MessageOutcome } from '../../src/core/message.js';
import type { IngestJob } from '../../src/core/ports/job-queue.js';
import { answerMessages } from './blocks.js';
import type { SlackOrigin } from './mappers.js';
import { escapeMrkdwn } from './mrkdwn.js';
import type { ChannelPoster } from './poster.js';
import type { StreamedSlackReply } from './streamed-reply.js';

/** Where an outcome goes: the channel, the thread, and the placeholder the answer replaces. */
export interface ReplyTarget {
  channel: string;
  threadTs?: string;
  placeholderTs?: string;
  /** The answer's text shown as it formed: its message is the one the answer replaces. */
  streamed?: StreamedSlackReply;
}

/** "Indexed X: n passages" or why not, with the file's name (chosen by whoever shared it) escaped. */
export function fileOutcomeText(file: FileOutcome): string {
  return escapeMrkdwn(describeFileOutcome(file));
}

/** Posts an outcome: ingestion results, the answer (replacing the placeholder), or a polite wait. */
export async function deliver(
  client: WebClient,
  poster: ChannelPoster,
  origin: SlackOrigin,
  outcome: MessageOutcome,
  where: ReplyTarget,
): Promise<void> {
  const { channel, threadTs } = where;
  const placeholderTs = where.streamed ? (await where.streamed.finish()).placeholderTs : where.placeholderTs;
  if (outcome.kind === 'duplicate' || outcome.kind === 'ignored') {
    if (placeholderTs) await client.chat.delete({ channel, ts: placeholderTs }).catch(() => undefined);
    return;
  }
  if (outcome.kind === 'throttled') {
    if (placeholderTs) await client.chat.delete({ channel, ts: placeholderTs }).catch(() => undefined);
    await client.chat.postEphemeral({
      channel,
      user: origin.userId,
      thread_ts: threadTs,
      text: throttledText(outcome.retryAfterMs),
    });
    return;
  }
  if (outcome.kind === 'ingested') {
    await poster.post({ channel, thread_ts: threadTs, text: outcome.files.map(fileOutcomeText).join('\n') });
    if (!outcome.answer) return;
  }
  const result = outcome.kind === 'answer' ? outcome.result : (outcome.answer as AnswerResult);
  const [first, ...rest] = answerMessages(result);
  // A placeholder deleted meanwhile does not lose the answer: it is posted anew.
  const replaced =
    placeholderTs && first
      ? await poster.update({ channel, ts: placeholderTs, ...first }).then(
          () => true,
          () => false,
        )
      : false;
  if (!replaced && first) await poster.post({ channel, thread_ts: threadTs, ...first });
  for (const message of rest)
    await poster.post({ channel, thread_ts: threadTs ?? placeholderTs, ...message });
}

/** How a file went, in its thread, when its job resumed after a restart. */
export async function notifyIngest(
  poster: ChannelPoster,
  job: IngestJob,
  outcome: FileOutcome,
): Promise<void> {
  const { channelId, threadId } = job.replyTo;
  const ts = threadId?.slice(channelId.length + 1);
  const threadTs = ts && ts !== 'dm' ? ts : undefined;
  await poster.post({ channel: channelId, thread_ts: threadTs, text: fileOutcomeText(outcome) });
}

/** An outcome only the asker sees (SLACK_EPHEMERAL). */
export async function replyEphemeral(
  client: WebClient,
  origin: SlackOrigin,
  outcome: MessageOutcome,
): Promise<void> {
  if (outcome.kind === 'throttled') {
    await client.chat.postEphemeral({
      channel: origin.channelId,
      user: origin.userId,
      text: throttledText(outcome.retryAfterMs),
    });
  } else if (outcome.kind === 'answer') {
    for (const message of answerMessages(outcome.result)) {
      await client.chat.postEphemeral({ channel: origin.channelId, user: origin.userId, ...message });
    }
  }
}

function throttledText(retryAfterMs: number): string {
  const at = new Date(Date.now() + retryAfterMs);
  return `You're asking faster than I can answer. Please try again in ${Math.ceil(retryAfterMs / 1000)} s (at ${at.toISOString().slice(11, 19)} UTC).`;
}

export function failureResult(): AnswerResult {
  return {
    id: 'error',
    answer: 'Sorry, something went wrong while answering. Please try again in a moment.',
    sources: [],
    route: 'error',
    model: 'none',
    cached: false,
    latency_ms: 0,
    tokens: { input: 0, output: 0 },
    cost_usd: 0,
  };
}
