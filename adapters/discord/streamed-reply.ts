import type { BaseMessageOptions, ChatInputCommandInteraction, Message } from 'discord.js';
import type { AnswerStream } from '../../src/core/ask.js';
import type { Logger } from '../../src/logger.js';
import { splitText } from '../shared/split-text.js';
import { CONTENT_LIMIT, plainPayload } from './render.js';

/** Discord rate-limits edits per channel; once a second per message keeps well within it. */
const EDIT_EVERY_MS = 1000;
// Shown in a message whose text was withdrawn, until the answer is written again.
const WITHDRAWN = '…';

/** A message of the reply that can be changed later. */
export interface SentMessage {
  edit(payload: BaseMessageOptions): Promise<unknown>;
  delete(): Promise<unknown>;
}

/** Where a reply's messages go: the first is the reply itself, the others follow it. */
export type DiscordOutlet = (payload: BaseMessageOptions) => Promise<SentMessage>;

/**
 * An answer shown in Discord while it is written: its first message is sent with the first text,
 * then edited as more comes, at most once a second; text past 2,000 characters continues in a
 * next message. The final answer (embed, sources, 👍/👎) replaces them in the same messages.
 */
export class StreamedDiscordReply implements AnswerStream {
  private text = '';
  private readonly sent: { message: SentMessage; content: string }[] = [];
  private writing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private lastWriteAt = 0;
  private finished = false;

  /** `outlet` is read when the first message is sent: the reply's place may be decided late. */
  constructor(
    private readonly outlet: () => DiscordOutlet,
    private readonly logger: Logger,
    private readonly editEveryMs = EDIT_EVERY_MS,
  ) {}

  onText(delta: string): void {
    this.text += delta;
    this.schedule();
  }

  onReset(): void {
    this.text = '';
    this.schedule();
  }

  /** Sends the final answer's messages, over the streamed ones where there are some. */
  async finish(payloads: BaseMessageOptions[]): Promise<void> {
    this.finished = true;
    clearTimeout(this.timer);
    await this.writing;
    // The final edit keeps to the pace too.
    const wait = this.sent.length > 0 ? this.lastWriteAt + this.editEveryMs - Date.now() : 0;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    for (const [i, payload] of payloads.entries()) {
      const streamed = this.sent[i];
      const edited =
        streamed &&
        (await streamed.message.edit(payload).then(
          () => true,
          () => false,
        ));
      if (!edited) await this.outlet()(payload);
    }
    for (const extra of this.sent.slice(payloads.length)) await extra.message.delete().catch(() => undefined);
  }

  private schedule(): void {
    if (this.writing || this.timer || this.finished) return;
    const wait = Math.max(0, this.lastWriteAt + this.editEveryMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writing = this.write()
        .catch((error: unknown) =>
          this.logger.warn({ err: error }, 'discord: a streamed answer could not be shown'),
        )
        .finally(() => {
          this.writing = undefined;
          this.lastWriteAt = Date.now();
          if (this.pieces().some((piece, i) => this.sent[i]?.content !== piece)) this.schedule();
        });
    }, wait);
  }

  private pieces(): string[] {
    const pieces = splitText(this.text, CONTENT_LIMIT);
    // Withdrawn text leaves the first message in place, waiting for the answer written again.
    return pieces.length > 0 ? pieces : this.sent.length > 0 ? [WITHDRAWN] : [];
  }

  private async write(): Promise<void> {
    const pieces = this.pieces();
    for (const [i, content] of pieces.entries()) {
      const streamed = this.sent[i];
      if (streamed?.content === content) continue;
      if (streamed) await streamed.message.edit(plainPayload(content));
      else this.sent.push({ message: await this.outlet()(plainPayload(content)), content });
      if (streamed) streamed.content = content;
    }
    // Messages past the text's end (it was withdrawn, and is shorter now) wait empty-handed.
    for (const extra of this.sent.slice(pieces.length).filter((s) => s.content !== WITHDRAWN)) {
      await extra.message.edit(plainPayload(WITHDRAWN));
      extra.content = WITHDRAWN;
    }
  }
}

/** The reply to /ask: the deferred reply first, then follow-ups, each edited through the interaction. */
export function interactionOutlet(interaction: ChatInputCommandInteraction): DiscordOutlet {
  let first = true;
  return async (payload) => {
    const isFirst = first;
    first = false;
    const sent: Message = isFirst
      ? await interaction.editReply(payload)
      : await interaction.followUp(payload);
    const ref = isFirst ? '@original' : sent.id;
    return {
      edit: (next) => interaction.editReply({ ...next, message: ref }),
      delete: () => interaction.deleteReply(ref),
    };
  };
}
