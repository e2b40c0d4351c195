import type { ChatStreamer, WebClient } from '@slack/web-api';
import type { AnswerStream } from '../../src/core/ask.js';
import type { Logger } from '../../src/logger.js';
import type { SlackOrigin } from './mappers.js';
import { markdownToMrkdwn } from './mrkdwn.js';

/** The placeholder's words while an answer is made. */
export const THINKING = '_Looking through your documents…_';

/** Slack's guidance for editing one message: about once a second. */
const WRITE_EVERY_MS = 1000;
// A section of text holds 3,000 characters; the final answer, split over messages, holds all.
const PREVIEW_LIMIT = 2900;
// Errors that mean the message (or its stream) is no longer there to write to.
const GONE = /message_not_found|cant_update_message|channel_not_found|is_archived|not_in_channel|stream/;

export interface StreamedReplyOptions {
  channel: string;
  /** The thread the answer goes in: Slack's native streaming needs one. */
  threadTs?: string;
  /** Who asked: native streaming outside a DM is addressed to them. */
  recipient?: { teamId: string; userId: string };
  /** Shown in place of withdrawn text while the answer is made again (default THINKING). */
  waitingText?: string;
  logger: Logger;
  /** Least time between two writes to one message (tests shorten it). */
  writeEveryMs?: number;
}

type Mode = 'native' | 'update' | 'gone';

/**
 * An answer shown in Slack while it is written: appended to a native stream in a thread
 * (chat.startStream / appendStream / stopStream), or, where streaming is unavailable or refused,
 * edits of the placeholder. At most one write per message a second, each carrying all the text
 * that came since the last; the Web API client waits out a 429's Retry-After, while text keeps
 * gathering. A message deleted meanwhile ends the writes; the final answer is then posted anew.
 */
export class StreamedSlackReply implements AnswerStream {
  /** The placeholder the answer replaces, once it is posted. */
  placeholderTs?: string;
  private text = '';
  private written = '';
  private mode: Mode;
  private streamer?: ChatStreamer;
  /** The message the text is written to when it is not the placeholder: the stream's. */
  private messageTs?: string;
  private writing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private lastWriteAt = 0;
  private finished = false;
  private readonly writeEveryMs: number;

  constructor(
    private readonly client: WebClient,
    private readonly options: StreamedReplyOptions,
  ) {
    this.mode = options.threadTs ? 'native' : 'update';
    this.writeEveryMs = options.writeEveryMs ?? WRITE_EVERY_MS;
  }

  onText(delta: string): void {
    this.text += delta;
    this.schedule();
  }

  onReset(): void {
    this.text = '';
    this.schedule();
  }

  /**
   * Ends the writes (a native stream is stopped) and says which message the final answer
   * replaces: the one the text was written to, or none when it is gone. A placeholder that a
   * streamed message took over from is deleted.
   */
  async finish(): Promise<{ placeholderTs?: string }> {
    this.finished = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
    if (this.streamer && this.mode === 'native')
      await this.streamer.stop().catch((error: unknown) => this.failed('stopStream', error));
    const placeholder = this.placeholderTs;
    if (this.mode === 'gone') return {};
    if (this.messageTs === undefined) return { placeholderTs: placeholder };
    if (placeholder)
      await this.client.chat
        .delete({ channel: this.options.channel, ts: placeholder })
        .catch(() => undefined);
    return { placeholderTs: this.messageTs };
  }

  private schedule(): void {
    if (this.writing || this.timer || this.finished || this.mode === 'gone') return;
    const wait = Math.max(0, this.lastWriteAt + this.writeEveryMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writing = this.write().finally(() => {
        this.writing = undefined;
        this.lastWriteAt = Date.now();
        if (this.text !== this.written) this.schedule();
      });
    }, wait);
  }

  private async write(): Promise<void> {
    const text = this.text;
    if (text === this.written) return;
    if (this.mode === 'native') {
      if (text.startsWith(this.written)) return this.append(text);
      await this.endStream();
    }
    if (this.mode === 'update') await this.update(text);
  }

  private async append(text: string): Promise<void> {
    const { channel, threadTs, recipient } = this.options;
    try {
      // A buffer of one character: each append is sent now, the pacing is this class's.
      this.streamer ??= this.client.chatStream({
        channel,
        thread_ts: threadTs as string,
        ...(recipient ? { recipient_team_id: recipient.teamId, recipient_user_id: recipient.userId } : {}),
        buffer_size: 1,
      });
      await this.streamer.append({ markdown_text: text.slice(this.written.length) });
      this.messageTs = this.streamer.ts;
      this.written = text;
    } catch (error) {
      this.failed('appendStream', error);
      if (this.streamer?.ts === undefined) {
        // Refused from the start (no streaming for this app or workspace): edit the placeholder.
        this.streamer = undefined;
        this.mode = 'update';
        await this.update(text);
      } else if (GONE.test(errorCode(error))) this.mode = 'gone';
      // Some other failure: the stream's message is edited from now on.
      else await this.endStream();
    }
  }

  /** Withdrawn text cannot be taken out of a stream: it ends, and its message is edited from now on. */
  private async endStream(): Promise<void> {
    await this.streamer?.stop().catch((error: unknown) => this.failed('stopStream', error));
    this.streamer = undefined;
    this.mode = 'update';
  }

  private async update(text: string): Promise<void> {
    const ts = this.messageTs ?? this.placeholderTs;
    // The placeholder is not posted yet: the next write will find it.
    if (ts === undefined) return;
    try {
      await this.client.chat.update({ channel: this.options.channel, ts, text: preview(text, this.options) });
      this.written = text;
    } catch (error) {
      this.failed('update', error);
      if (GONE.test(errorCode(error))) this.mode = 'gone';
    }
  }

  private failed(call: string, error: unknown): void {
    this.options.logger.warn(
      { err: error, call },
      'slack: a streamed answer could not be shown as it formed',
    );
  }
}

/** The text so far in Slack's own markup, cut where a section ends, or the waiting line when empty. */
function preview(text: string, options: StreamedReplyOptions): string {
  if (text === '') return options.waitingText ?? THINKING;
  const mrkdwn = markdownToMrkdwn(text);
  return mrkdwn.length > PREVIEW_LIMIT ? `${mrkdwn.slice(0, PREVIEW_LIMIT)}…` : mrkdwn;
}

const errorCode = (error: unknown) =>
  String((error as { data?: { error?: string } })?.data?.error ?? (error as Error)?.message ?? '');

/** The streamed reply to a question asked in a channel or DM, addressed to whoever asked it. */
export function streamedReply(
  client: WebClient,
  origin: SlackOrigin,
  where: { channel: string; threadTs?: string },
  logger: Logger,
): StreamedSlackReply {
  return new StreamedSlackReply(client, {
    ...where,
    recipient: { teamId: origin.tenantId, userId: origin.userId },
    logger,
  });
}
