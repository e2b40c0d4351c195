import type { WebClient } from '@slack/web-api';
import type { MessageHooks } from '../../src/core/handle-message.js';
import type { InboundMessage, MessageOutcome } from '../../src/core/message.js';
import type { Logger } from '../../src/logger.js';
import type { SlackMessageEvent, SlackOrigin } from './mappers.js';
import type { SlackContext, SlackWhere } from './origins.js';
import type { ChannelPoster } from './poster.js';

/**
 * What the bot lends the listeners registered from files of their own (auto-answer channels, the
 * assistant): its poster, the one message path, and its bookkeeping.
 */
export interface SlackListenerKit {
  poster: ChannelPoster;
  logger: Logger;
  origin: (context: SlackContext, where: SlackWhere) => Promise<SlackOrigin>;
  handle: (message: InboundMessage, hooks?: MessageHooks) => Promise<MessageOutcome>;
  /** Docent answers in this thread now: replies there are follow-ups. */
  rememberThread: (threadId: string) => void;
  /** Runs work after Slack is acknowledged; shutdown waits for it. */
  detach: (work: () => Promise<void>) => void;
  /** Files shared in a message: resolves once they are recorded as jobs, their outcome posted later. */
  ingestShare: (client: WebClient, origin: SlackOrigin, e: SlackMessageEvent, text: string) => Promise<void>;
  /** Docent's own user id in the workspace, once connected. */
  botUserId: () => string | undefined;
}

/** Thread ids remembered in memory, forgotten all at once past a bound. */
export class KnownThreads {
  private readonly ids = new Set<string>();

  constructor(private readonly max = 50_000) {}

  add(threadId: string): void {
    if (this.ids.size >= this.max) this.ids.clear();
    this.ids.add(threadId);
  }

  has(threadId: string): boolean {
    return this.ids.has(threadId);
  }

  /** Forgets it; says whether it was known. */
  delete(threadId: string): boolean {
    return this.ids.delete(threadId);
  }
}
