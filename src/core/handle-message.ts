import { randomUUID } from 'node:crypto';
import type { Answerer, AnswerRequest, AnswerResult } from './ask.js';
import { ThrottledError } from './errors.js';
import { type IngestJobs, ingestJobId } from './ingest-jobs.js';
import type { FileOutcome, InboundMessage, MessageOutcome } from './message.js';
import type { DedupeStore } from './ports/dedupe-store.js';
import type { IngestJob } from './ports/job-queue.js';
import type { Throttle } from './ports/throttle.js';
import type { Scope } from './types.js';

export interface MessageHandlerDeps {
  answerer: Answerer;
  jobs: IngestJobs;
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

const NOT_RECORDED =
  'the ingestion queue is unavailable right now, so nothing was stored; please share it again in a few minutes.';

// Slack retries for a few minutes at most; a day covers any redelivery.
const DEDUPE_TTL_MS = 24 * 3600_000;

/**
 * Where a shared file may be read: a DM stays with its person, a private or externally shared
 * channel with its members.
 */
export function scopeForShare(message: InboundMessage): Scope {
  if (message.isDirectMessage) return `user:${message.userId}`;
  if (message.isPrivateChannel || message.isExternallyShared) return `channel:${message.channelId}`;
  return 'tenant';
}

export interface MessageHooks {
  /**
   * Called once the message is known to be new and the person's limits admit it, before it waits
   * for the workspace's turn: show that an answer is coming. Not called for a cached answer,
   * which comes at once.
   */
  onAdmitted?: () => Promise<void>;
  /** Called when answering starts (the workspace's turn came, or the answer is cached): make it a home. */
  onStart?: () => Promise<void>;
  /** Called once its shared files are recorded as durable jobs: the platform may be acknowledged now. */
  onRecorded?: () => void;
  /** Shows the answer's text as the model writes it (see AnswerStream). */
  stream?: AnswerRequest['stream'];
  /** Told as answering reaches each step: a status line while someone waits (see AnswerStep). */
  onStep?: AnswerRequest['onStep'];
}

/**
 * The one path from every platform into Docent: deduplicate before any work, record shared
 * files as durable ingestion jobs and wait for them, then answer the question: from the cache at
 * once when it opens a conversation and is cached, otherwise within the user's limits.
 */
export function createMessageHandler(deps: MessageHandlerDeps) {
  return async function handleMessage(
    message: InboundMessage,
    hooks: MessageHooks = {},
  ): Promise<MessageOutcome> {
    const dedupeKey =
      message.eventId === undefined
        ? undefined
        : `${message.platform}:${message.tenantId}:${message.eventId}`;
    if (dedupeKey !== undefined && !(await deps.dedupe.claim(dedupeKey, DEDUPE_TTL_MS))) {
      hooks.onRecorded?.();
      return { kind: 'duplicate' };
    }
    try {
      let files: FileOutcome[] | undefined;
      if (message.files.length > 0 && deps.ingestsFrom(message)) {
        files = await ingest(deps, message, hooks);
        if (!files) return { kind: 'duplicate' };
      } else hooks.onRecorded?.();
      const question = message.text.trim();
      if (!question) return files ? { kind: 'ingested', files } : { kind: 'ignored' };
      const result = await deps.answerer.answer(
        answerRequest(
          message,
          question,
          (needsModels, answer) => startAnswering(deps, message, hooks, needsModels, answer),
          hooks,
        ),
      );
      return answered(deps, message, files, result);
    } catch (error) {
      if (error instanceof ThrottledError) {
        // Not handled: a retry of the same event after the wait should be answered.
        await release(deps, dedupeKey);
        deps.observer?.throttled?.(message, error.retryAfterMs);
        return { kind: 'throttled', retryAfterMs: error.retryAfterMs };
      }
      // The event was not handled: let the platform's retry try again.
      await release(deps, dedupeKey);
      throw error;
    }
  };
}

export type MessageHandler = ReturnType<typeof createMessageHandler>;

/**
 * Model work waits for the person's limits, then for the workspace's turn; a cached answer
 * costs no model call, so it is neither counted nor queued, and comes with no sign of a wait
 * (no onAdmitted).
 */
async function startAnswering<T>(
  deps: MessageHandlerDeps,
  message: InboundMessage,
  hooks: MessageHooks,
  needsModels: boolean,
  answer: () => Promise<T>,
): Promise<T> {
  if (!needsModels) {
    await hooks.onStart?.();
    return answer();
  }
  const throttled = await deps.throttle.run(
    `${message.tenantId}:${message.platform}:${message.userId}`,
    async () => {
      await hooks.onStart?.();
      return answer();
    },
    async () => hooks.onAdmitted?.(),
  );
  if (!throttled.ok) throw new ThrottledError(throttled.retryAfterMs);
  return throttled.value;
}

async function release(deps: MessageHandlerDeps, dedupeKey: string | undefined): Promise<void> {
  if (dedupeKey !== undefined) await deps.dedupe.release(dedupeKey);
}

function answered(
  deps: MessageHandlerDeps,
  message: InboundMessage,
  files: FileOutcome[] | undefined,
  result: AnswerResult,
): MessageOutcome {
  deps.observer?.answered?.(message, result);
  return files ? { kind: 'ingested', files, answer: result } : { kind: 'answer', result };
}

/** The outcome of each shared file, or undefined when they were all handled before. */
async function ingest(
  deps: MessageHandlerDeps,
  message: InboundMessage,
  hooks: MessageHooks,
): Promise<FileOutcome[] | undefined> {
  const scope = scopeForShare(message);
  const eventId = message.eventId ?? randomUUID();
  const jobs = message.files.map(
    (file, index): IngestJob => ({
      id: ingestJobId(message.platform, message.tenantId, eventId, index),
      platform: message.platform,
      tenantId: message.tenantId,
      scope,
      file,
      replyTo: { channelId: message.channelId, userId: message.userId, threadId: message.threadId },
    }),
  );
  // On disk (or in Redis) before anyone is told the file was received: a crash now loses nothing.
  // true: recorded now; false: already known; undefined: the queue could not record it.
  const added = await Promise.all(jobs.map((job) => deps.jobs.add(job).catch(() => undefined)));
  hooks.onRecorded?.();
  // Every job already known: the event was handled before a restart that forgot its dedupe key.
  if (added.every((isNew) => isNew === false)) return undefined;
  const outcomes = await Promise.all(
    jobs.map((job, i): FileOutcome | Promise<FileOutcome> =>
      added[i] === undefined
        ? { name: job.file.name, status: 'failed', reason: NOT_RECORDED }
        : deps.jobs.outcome(job),
    ),
  );
  deps.observer?.ingested?.(message, outcomes);
  return outcomes;
}

/** The question as the answerer takes it; its thread is read when answering starts. */
function answerRequest(
  message: InboundMessage,
  question: string,
  start: AnswerRequest['start'],
  { stream, onStep }: MessageHooks,
): AnswerRequest {
  return {
    question,
    start,
    ...(stream ? { stream } : {}),
    ...(onStep ? { onStep } : {}),
    // Showing progress may move a new conversation into a thread of its own (see MessageHooks.onStart).
    get threadId() {
      return `${message.platform}:${message.tenantId}:${message.threadId}`;
    },
    opensThread: message.opensThread,
    thread: message.thread,
    context: {
      tenantId: message.tenantId,
      channelId: message.channelId,
      userId: message.userId,
      isDirectMessage: message.isDirectMessage,
      isExternallyShared: message.isExternallyShared,
    },
  };
}

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
