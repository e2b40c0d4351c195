import { ChannelType, type ChatInputCommandInteraction, type Client, type Message } from 'discord.js';
import type { InboundMessage, SharedFile } from '../../src/core/message.js';
import { placeOf } from './place.js';

// Discord events as Docent's inbound messages: the tenant is the guild (a DM is its user's own),
// and privacy is judged from the place itself, a private thread included (see place.ts).

export function fromInteraction(client: Client, interaction: ChatInputCommandInteraction): InboundMessage {
  const isDm = !interaction.guildId;
  const place = isDm
    ? undefined
    : placeOf(client.guilds.cache.get(interaction.guildId as string), interaction.channelId);
  return {
    platform: 'discord',
    eventId: `interaction:${interaction.id}`,
    tenantId: interaction.guildId ?? `dm-${interaction.user.id}`,
    channelId: place?.channelId ?? interaction.channelId,
    userId: interaction.user.id,
    threadId: `${interaction.channelId}:${interaction.id}`,
    opensThread: true,
    isDirectMessage: isDm,
    isPrivateChannel: place?.isPrivate ?? false,
    text: interaction.options.getString('question', true),
    files: [],
  };
}

export function fromMessage(
  client: Client,
  message: Message,
  text: string,
  files: SharedFile[],
): InboundMessage {
  const isDm = message.channel.type === ChannelType.DM;
  const threadId = message.channel.isThread()
    ? message.channel.id
    : isDm
      ? `${message.channel.id}:dm`
      : `${message.channel.id}:${message.id}`;
  const place = isDm
    ? undefined
    : placeOf(client.guilds.cache.get(message.guildId as string), message.channel.id);
  return {
    platform: 'discord',
    eventId: `message:${message.id}`,
    tenantId: message.guildId ?? `dm-${message.author.id}`,
    channelId: place?.channelId ?? message.channel.id,
    userId: message.author.id,
    threadId,
    // A mention outside any thread starts one; DMs and threads continue theirs.
    opensThread: !isDm && !message.channel.isThread(),
    isDirectMessage: isDm,
    isPrivateChannel: place?.isPrivate ?? false,
    text,
    files,
  };
}
