import type { ChannelKinds } from './channel-kinds.js';
import { privacyOf, type SlackMessageEvent, type SlackOrigin } from './mappers.js';

/** What Bolt's context says about the installation an event came through (from the verified envelope). */
export interface SlackContext {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
}

/** Where a message was written and by whom, as the event or command gives it. */
export interface SlackWhere {
  channelId: string;
  userId: string;
  channelType?: string;
  channelName?: string;
  /** The author's own workspace, when the event says (`user_team`, or `team` on messages). */
  userTeam?: string;
  /** The envelope's `is_ext_shared_channel`. */
  extSharedChannel?: boolean;
}

/**
 * The tenant: the Enterprise Grid org for an org-wide install (its workspaces share one set of
 * documents), otherwise the workspace.
 */
export function tenantOf(context: SlackContext): string {
  const id = context.isEnterpriseInstall
    ? (context.enterpriseId ?? context.teamId)
    : (context.teamId ?? context.enterpriseId);
  return id ?? 'unknown';
}

/** A DM with Docent: the event or command says so, or the channel id does (D…). */
export function isDirectMessageChannel(where: Omit<SlackWhere, 'userId'>): boolean {
  return (
    where.channelType === 'im' || where.channelName === 'directmessage' || where.channelId.startsWith('D')
  );
}

/**
 * Who and where, for deciding what a message may read and where its files go. A conversation is
 * externally shared when the envelope says so, when its author belongs to another workspace than
 * the installation's, or when conversations.info says it is shared beyond the tenant (for an
 * org-wide install, beyond the org). When Slack cannot say, the answer is the cautious one:
 * private and shared.
 */
export async function resolveOrigin(
  channels: ChannelKinds,
  context: SlackContext,
  where: SlackWhere,
): Promise<SlackOrigin> {
  const { channelId, userId } = where;
  const tenantId = tenantOf(context);
  const orgWide = context.isEnterpriseInstall === true;
  // An org-wide install sees users of every workspace in the org: their team says nothing then.
  const foreignAuthor =
    !orgWide &&
    where.userTeam !== undefined &&
    context.teamId !== undefined &&
    where.userTeam !== context.teamId;
  const sharedByEnvelope = where.extSharedChannel === true || foreignAuthor;
  const isDirectMessage = isDirectMessageChannel(where);
  if (isDirectMessage)
    return {
      tenantId,
      channelId,
      userId,
      isDirectMessage,
      isPrivateChannel: false,
      isExternallyShared: sharedByEnvelope,
    };
  const flags = await channels.get(channelId);
  const shared = flags ? flags.isExtShared || (!orgWide && flags.isShared) : true;
  return {
    tenantId,
    channelId,
    userId,
    isDirectMessage: false,
    isPrivateChannel: privacyOf(where.channelType)?.isPrivateChannel === true || (flags?.isPrivate ?? true),
    isExternallyShared: sharedByEnvelope || shared,
  };
}

/** Where a message event was written, with what the envelope says about who can read there. */
export function whereOf(
  e: SlackMessageEvent,
  user: string,
  body: { is_ext_shared_channel?: boolean },
): SlackWhere {
  return {
    channelId: e.channel,
    userId: user,
    channelType: e.channel_type,
    userTeam: e.user_team ?? e.team,
    extSharedChannel: body.is_ext_shared_channel,
  };
}
