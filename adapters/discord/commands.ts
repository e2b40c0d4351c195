import { REST, Routes, SlashCommandBuilder } from 'discord.js';

export const ASK_COMMAND = new SlashCommandBuilder()
  .setName('ask')
  .setDescription('Ask Docent a question about your documents')
  .addStringOption((o) => o.setName('question').setDescription('What do you want to know?').setRequired(true))
  .toJSON();

/** Registers /ask: per guild when guild ids are given (instant), otherwise globally. */
export async function registerDiscordCommands(options: {
  token: string;
  applicationId: string;
  guildIds: string[];
  apiUrl?: string;
}): Promise<void> {
  const rest = new REST(options.apiUrl ? { api: options.apiUrl } : {}).setToken(options.token);
  if (options.guildIds.length === 0) {
    await rest.put(Routes.applicationCommands(options.applicationId), { body: [ASK_COMMAND] });
    return;
  }
  for (const guildId of options.guildIds) {
    await rest.put(Routes.applicationGuildCommands(options.applicationId, guildId), { body: [ASK_COMMAND] });
  }
}
