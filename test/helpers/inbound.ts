import { randomUUID } from 'node:crypto';
import type { InboundMessage } from '../../src/core/message.js';

/** A new Slack question from `userId` in a public channel of tenant acme, opening a thread of its own. */
export function slackQuestion(userId: string, text: string): InboundMessage {
  return {
    platform: 'slack',
    eventId: randomUUID(),
    tenantId: 'acme',
    channelId: 'C1',
    userId,
    threadId: randomUUID(),
    opensThread: true,
    isDirectMessage: false,
    isPrivateChannel: false,
    text,
    files: [],
  };
}
