import type { WebClient } from '@slack/web-api';
import Bottleneck from 'bottleneck';

/**
 * Slack allows about one message a second per channel. Posts to one channel queue behind each
 * other (delayed, never dropped); the Web API client waits out any 429's Retry-After itself.
 */
export class ChannelPoster {
  private readonly channels = new Bottleneck.Group({ maxConcurrent: 1, minTime: 1000 });

  constructor(private readonly client: WebClient) {}

  post(args: Parameters<WebClient['chat']['postMessage']>[0] & { channel: string }) {
    return this.channels.key(args.channel).schedule(() => this.client.chat.postMessage(args));
  }

  update(args: Parameters<WebClient['chat']['update']>[0] & { channel: string }) {
    return this.channels.key(args.channel).schedule(() => this.client.chat.update(args));
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.channels.limiters().map(({ limiter }) => limiter.stop({ dropWaitingJobs: false })),
    );
  }
}
