import type { AnswerResult } from './ask.js';

export type Platform = 'slack' | 'discord' | 'terminal' | 'http';

/** A file someone shared; the bytes are fetched only when ingestion runs, with the platform's credentials inside the closure. */
export interface SharedFile {
  name: string;
  /** Declared size, when the platform says it: lets an oversized file be refused before download. */
  size?: number;
  fetchData: (maxBytes: number) => Promise<Uint8Array>;
}

/** What every platform adapter turns its events into. Identity comes from verified envelopes only. */
export interface InboundMessage {
  platform: Platform;
  /** Unique per delivery of the same event: retries carry the same id. */
  eventId: string;
  tenantId: string;
  channelId: string;
  userId: string;
  /** The conversation a follow-up belongs to. */
  threadId: string;
  isDirectMessage: boolean;
  /** A channel not everyone in the tenant can read: its files stay in that channel. */
  isPrivateChannel: boolean;
  text: string;
  files: SharedFile[];
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
