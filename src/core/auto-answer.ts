import { LRUCache } from 'lru-cache';
import type { AnswerResult } from './ask.js';
import type { AutoAnswerChannels } from './ports/auto-answer-channels.js';

/** What an auto-answer channel shows when the documents do not cover a question: nothing, or a reaction. */
export type UncoveredReply = 'silent' | 'react';

/** What a chat adapter asks before answering a message nobody addressed to Docent. */
export interface AutoAnswerPolicy {
  /** Whether top-level messages in this channel of this tenant are answered unasked; never throws. */
  answersIn(tenantId: string, channelId: string): Promise<boolean>;
  readonly uncovered: UncoveredReply;
}

export interface AutoAnswerSettingsOptions {
  /** Channels answered in for every tenant (AUTO_ANSWER_CHANNELS). */
  everywhere: readonly string[];
  uncovered: UncoveredReply;
  /** A tenant's channels not read within this long count as none: the message is left alone. */
  lookupTimeoutMs: number;
  /** How long a tenant's channels are trusted before they are read again (instances share the database). */
  maxAgeMs?: number;
  onError: (error: unknown) => void;
}

/**
 * Routes, models and failures that are not an answer from the documents: an auto-answer shows
 * none of them, whatever the adapter renders for a question put to Docent.
 */
const NOT_FROM_DOCUMENTS = new Set(['error', 'smalltalk', 'out_of_scope', 'no_passages']);

/**
 * An answer that cites the documents (or an admin's curated answer): the only kind posted in
 * reply to a question nobody asked Docent.
 */
export function isCovered(result: AnswerResult): boolean {
  return result.sources.length > 0 && !NOT_FROM_DOCUMENTS.has(result.route);
}

/**
 * Auto-answer channels as the service uses them: the configured ones for every tenant plus each
 * tenant's own, read from the store at most once per `maxAgeMs` per tenant. Every message in every
 * channel is checked, so the check costs a database round trip only now and then; a store that is
 * away makes it a "no" (the message is left alone, as it would be without the feature).
 */
export class AutoAnswerSettings implements AutoAnswerChannels, AutoAnswerPolicy {
  private readonly tenants: LRUCache<string, ReadonlySet<string>>;
  private readonly everywhere: ReadonlySet<string>;
  readonly uncovered: UncoveredReply;

  constructor(
    private readonly store: AutoAnswerChannels,
    private readonly options: AutoAnswerSettingsOptions,
  ) {
    this.everywhere = new Set(options.everywhere);
    this.uncovered = options.uncovered;
    this.tenants = new LRUCache({ max: 10_000, ttl: options.maxAgeMs ?? 10_000 });
  }

  /** The channels AUTO_ANSWER_CHANNELS names for every tenant. */
  get configured(): string[] {
    return [...this.everywhere].sort();
  }

  list(tenantId: string): Promise<string[]> {
    return this.store.list(tenantId);
  }

  async set(tenantId: string, channelIds: readonly string[]): Promise<string[]> {
    const stored = await this.store.set(tenantId, channelIds);
    this.tenants.set(tenantId, new Set(stored));
    return stored;
  }

  async answersIn(tenantId: string, channelId: string): Promise<boolean> {
    if (this.everywhere.has(channelId)) return true;
    const known = this.tenants.get(tenantId) ?? (await this.read(tenantId));
    return known?.has(channelId) ?? false;
  }

  /** A failed or late read is not kept: the next message reads again. */
  private async read(tenantId: string): Promise<ReadonlySet<string> | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.options.lookupTimeoutMs);
    });
    try {
      const channels = await Promise.race([this.store.list(tenantId), late]);
      if (!channels) return undefined;
      const set = new Set(channels);
      this.tenants.set(tenantId, set);
      return set;
    } catch (error) {
      this.options.onError(error);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
