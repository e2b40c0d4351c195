import type { AnswerResult } from './ask.js';
import type { ThreadMessage } from './thread-context.js';

export type Platform = 'slack' | 'discord' | 'terminal' | 'http' | 'mcp';

/**
 * A file someone shared, as plain data: it is stored in an ingestion job, and the platform's
 * fetcher downloads it with the platform's credentials when the job runs.
 */
export interface SharedFile {
  name: string;
  /** Declared size, when the platform says it: lets an oversized file be refused before download. */
  size?: number;
  /** Where the platform's fetcher reads it from (a download link, or a local path in the terminal). */
  url: string;
  /** The platform's own word for the type (Slack's `filetype`), when it gives one. */
  type?: string;
}

/** What every platform adapter turns its events into. Identity comes from verified envelopes only. */
export interface InboundMessage {
  platform: Platform;
  /**
   * Unique per event, and the same on each redelivery of it. Absent where nothing is ever
   * delivered twice (the HTTP API answers on the request itself): there is nothing to deduplicate.
   */
  eventId?: string;
  tenantId: string;
  channelId: string;
  userId: string;
  /** The conversation a follow-up belongs to. */
  threadId: string;
  /** The message starts a new conversation (a slash command, a mention outside any thread). */
  opensThread?: boolean;
  isDirectMessage: boolean;
  /** A channel not everyone in the tenant can read: its files stay in that channel. */
  isPrivateChannel: boolean;
  /**
   * People outside the tenant can read here (a Slack Connect channel or DM): questions read only
   * this conversation's documents, never the tenant-wide ones, and its files stay in it.
   */
  isExternallyShared?: boolean;
  text: string;
  files: SharedFile[];
  /** Earlier messages of the thread it was written in, when the adapter read them (bounded, bots left out). */
  thread?: ThreadMessage[];
}

export interface FileOutcome {
  name: string;
  status: 'indexed' | 'unchanged' | 'failed';
  passages?: number;
  reason?: string;
}

export type MessageOutcome =
  | { kind: 'duplicate' }
  | { kind: 'ignored' }
  | { kind: 'throttled'; retryAfterMs: number }
  | { kind: 'answer'; result: AnswerResult }
  | { kind: 'ingested'; files: FileOutcome[]; answer?: AnswerResult };
