import { ChannelType, type Guild, PermissionFlagsBits } from 'discord.js';

/** The channel whose scope a guild message's files are stored under, and whether it is closed to part of the guild. */
export interface Place {
  channelId: string;
  isPrivate: boolean;
}

/**
 * Who can read what is shared in a guild channel. A private thread is seen only by the people added
 * to it (and moderators), whatever its parent allows: it is a scope of its own. A public thread is
 * seen by whoever sees its parent, so it shares the parent's scope, private when the parent is.
 * A channel, thread or parent not in the cache is private to itself.
 */
export function placeOf(guild: Guild | undefined, channelId: string): Place {
  const channel = guild?.channels.cache.get(channelId);
  if (!guild || !channel || channel.type === ChannelType.PrivateThread) return { channelId, isPrivate: true };
  const seenAs = channel.isThread() ? channel.parent : channel;
  if (!seenAs || !('permissionsFor' in seenAs)) return { channelId, isPrivate: true };
  const everyone = seenAs.permissionsFor(guild.roles.everyone);
  return { channelId: seenAs.id, isPrivate: !everyone?.has(PermissionFlagsBits.ViewChannel) };
}
