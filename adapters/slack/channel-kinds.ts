import type { WebClient } from '@slack/web-api';

/** What Docent needs to know of a channel from conversations.info. */
export interface ChannelFlags {
  isPrivate: boolean;
  /** Shared with another organisation (Slack Connect). */
  isExtShared: boolean;
  /** Shared with any other workspace, of this Enterprise Grid org or another. */
  isShared: boolean;
}

export interface ChannelKindsOptions {
  /** How long an answer from Slack is trusted: a channel made private or shared is seen within it. */
  ttlMs: number;
  maxEntries?: number;
  now?: () => number;
}

/**
 * Channel flags from conversations.info, remembered for a short while (and dropped at once when
 * Slack says the channel changed), in a bounded map. A failed lookup is not remembered.
 */
export class ChannelKinds {
  private readonly known = new Map<string, { flags: ChannelFlags; expiresAt: number }>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly client: WebClient,
    private readonly options: ChannelKindsOptions,
  ) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** The channel's flags, or undefined when Slack could not say (the caller assumes the worst). */
  async get(channelId: string): Promise<ChannelFlags | undefined> {
    const entry = this.known.get(channelId);
    if (entry && entry.expiresAt > this.now()) return entry.flags;
    this.known.delete(channelId);
    const flags = await this.lookUp(channelId);
    if (!flags) return undefined;
    if (this.known.size >= this.maxEntries) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
    this.known.set(channelId, { flags, expiresAt: this.now() + this.options.ttlMs });
    return flags;
  }

  /** Slack said the channel changed (made private or public, shared or unshared). */
  forget(channelId: string): void {
    this.known.delete(channelId);
  }

  private async lookUp(channelId: string): Promise<ChannelFlags | undefined> {
    const info = await this.client.conversations.info({ channel: channelId }).catch(() => undefined);
    const c = info?.channel as
      | { is_private?: boolean; is_mpim?: boolean; is_shared?: boolean; is_ext_shared?: boolean }
      | undefined;
    if (!c) return undefined;
    return {
      isPrivate: c.is_private === true || c.is_mpim === true,
      isExtShared: c.is_ext_shared === true,
      isShared: c.is_shared === true || c.is_ext_shared === true,
    };
  }
}
