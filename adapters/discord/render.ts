import {
  ActionRowBuilder,
  type BaseMessageOptions,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
} from 'discord.js';
import type { AnswerResult } from '../../src/core/ask.js';
import { answeredBy } from '../shared/answered-by.js';
import { splitText } from '../shared/split-text.js';

// Discord's limits: 2,000 characters of content, 4,096 in an embed description.
export const CONTENT_LIMIT = 2000;
const EMBED_LIMIT = 4096;
export const FEEDBACK_PREFIX = 'docent_feedback';

const isUrl = (s: string) => /^https?:\/\//.test(s);
// Never ping anyone, whatever the answer or a document says.
const NO_PINGS = { parse: [] };

/** An answer as Discord messages: text split at sentence or paragraph ends, then sources and 👍/👎 on the last. */
export function answerPayloads(result: AnswerResult): BaseMessageOptions[] {
  const text = result.answer + (result.note ? `\n\n*${result.note}*` : '');
  const payloads: BaseMessageOptions[] = splitText(text, CONTENT_LIMIT).map((content) => ({
    content,
    allowedMentions: NO_PINGS,
  }));
  const sources = result.sources.map(
    (s) => `[${s.n}] ${isUrl(s.source) ? `[${s.title}](${s.source})` : `${s.title} (${s.source})`}`,
  );
  const embed = new EmbedBuilder().setFooter({ text: answeredBy(result, ' · cached') });
  if (sources.length > 0) embed.setTitle('Sources').setDescription(sources.join('\n').slice(0, EMBED_LIMIT));
  const buttons = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(`${FEEDBACK_PREFIX}:up:${result.id}`)
      .setEmoji('👍')
      .setStyle(ButtonStyle.Secondary),
    new ButtonBuilder()
      .setCustomId(`${FEEDBACK_PREFIX}:down:${result.id}`)
      .setEmoji('👎')
      .setStyle(ButtonStyle.Secondary),
  );
  const last = payloads.length - 1;
  payloads[last] = { ...payloads[last], embeds: [embed], components: [buttons] };
  return payloads;
}

export function plainPayload(content: string): BaseMessageOptions {
  return { content: content.slice(0, CONTENT_LIMIT), allowedMentions: NO_PINGS };
}
