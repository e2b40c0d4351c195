import type { InboundMessage, SharedFile } from '../../src/core/message.js';
import type { ThreadMessage } from '../../src/core/thread-context.js';

/** Who and where, from Bolt's verified context and the event: never from message text. */
export interface SlackOrigin {
  tenantId: string;
  channelId: string;
  userId: string;
  isDirectMessage: boolean;
  isPrivateChannel: boolean;
  /** People from another organisation can read here (Slack Connect). */
  isExternallyShared: boolean;
}

export interface SlackMessageEvent {
  ts: string;
  thread_ts?: string;
  channel: string;
  channel_type?: string;
  user?: string;
  text?: string;
  subtype?: string;
  bot_id?: string;
  files?: { id: string }[];
  /** The author's workspace: in a Slack Connect channel, possibly not the installation's. */
  team?: string;
  user_team?: string;
}

/** Removes the bot's own mention so the question reads as the person wrote it. */
export function stripBotMention(text: string, botUserId?: string): string {
  const own = botUserId ? new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g') : /<@[A-Z0-9]+(\|[^>]*)?>/;
  return text.replace(own, '').replace(/\s+/g, ' ').trim();
}

/** Channel type from an event when it says, else from conversations.info's flags. */
export function privacyOf(
  channelType: string | undefined,
): { isDirectMessage: boolean; isPrivateChannel: boolean } | undefined {
  if (channelType === 'im') return { isDirectMessage: true, isPrivateChannel: false };
  if (channelType === 'group' || channelType === 'mpim')
    return { isDirectMessage: false, isPrivateChannel: true };
  if (channelType === 'channel') return { isDirectMessage: false, isPrivateChannel: false };
  return undefined;
}

/**
 * A message or mention. One message can arrive twice (as `message` and as `app_mention`), so the
 * dedupe id is the message itself (channel and ts), not the event envelope.
 */
export function messageToInbound(
  event: SlackMessageEvent,
  origin: SlackOrigin,
  text: string,
  files: SharedFile[] = [],
  /** The earlier messages of the people's thread it was written in, when read. */
  thread?: ThreadMessage[],
): InboundMessage {
  return {
    platform: 'slack',
    eventId:
      files.length > 0
        ? `files:${event.files?.map((f) => f.id).join(',')}`
        : `msg:${event.channel}:${event.ts}`,
    ...origin,
    // A DM is one running conversation; in channels each thread is its own.
    threadId:
      origin.isDirectMessage && !event.thread_ts
        ? `${event.channel}:dm`
        : `${event.channel}:${event.thread_ts ?? event.ts}`,
    opensThread: !origin.isDirectMessage && !event.thread_ts,
    text,
    files,
    ...(thread?.length ? { thread } : {}),
  };
}

export function commandToInbound(
  command: { trigger_id: string; text: string },
  origin: SlackOrigin,
  threadTs: string,
): InboundMessage {
  return {
    platform: 'slack',
    eventId: `cmd:${command.trigger_id}`,
    ...origin,
    threadId: `${origin.channelId}:${threadTs}`,
    opensThread: true,
    text: command.text,
    files: [],
  };
}
