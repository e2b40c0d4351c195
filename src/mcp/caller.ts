import type { InboundMessage } from '../core/message.js';
import { audienceFor } from '../core/scope.js';
import type { Audience } from '../core/types.js';

/**
 * Whom an MCP connection speaks for, decided by whoever opened it (the operator's command line, an
 * API token), never by anything the client sends.
 */
export interface McpCaller {
  tenantId: string;
  /** The channel its questions count as asked in: with the tenant, what they may read. */
  channelId: string;
  /** Whose limits its questions count against. */
  userId: string;
  /** Keeps its conversations apart from another caller's naming the same session id. */
  conversationKey: string;
}

/** What the caller's questions may read: the audience the answer graph gives the same message. */
export function callerAudience(caller: McpCaller): Audience {
  return audienceFor({ tenantId: caller.tenantId, channelId: caller.channelId, userId: caller.userId });
}

/**
 * A question as every platform hands it to the message path. Without a session id it opens a
 * conversation of its own; with one, it may follow up the earlier questions of that session.
 */
export function callerMessage(
  caller: McpCaller,
  question: string,
  session: { id: string; isNew: boolean },
): InboundMessage {
  return {
    platform: 'mcp',
    tenantId: caller.tenantId,
    channelId: caller.channelId,
    userId: caller.userId,
    threadId: `${caller.conversationKey}:${session.id}`,
    opensThread: session.isNew,
    isDirectMessage: false,
    isPrivateChannel: false,
    text: question,
    files: [],
  };
}
