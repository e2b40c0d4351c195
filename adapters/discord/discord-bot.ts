import {
  type BaseMessageOptions,
  ChannelType,
  Client,
  GatewayIntentBits,
  type Interaction,
  type Message,
  Partials,
} from 'discord.js';
import type { Config } from '../../src/config.js';
import type { AutoAnswerPolicy } from '../../src/core/auto-answer.js';
import {
  describeFileOutcome,
  type MessageHandler,
  type MessageHooks,
} from '../../src/core/handle-message.js';
import type { FileOutcome, InboundMessage, MessageOutcome, SharedFile } from '../../src/core/message.js';
import { type HistoryStore, VOTE_NOT_COUNTED } from '../../src/core/ports/history-store.js';
import type { IngestJob } from '../../src/core/ports/job-queue.js';
import type { Logger } from '../../src/logger.js';
import { autoAnswer, isTopLevelQuestion } from './auto-answer.js';
import { registerDiscordCommands } from './commands.js';
import { fromInteraction, fromMessage } from './mappers.js';
import { answerPayloads, FEEDBACK_PREFIX, plainPayload } from './render.js';
import { interactionOutlet, StreamedDiscordReply } from './streamed-reply.js';
import { threadOfMention } from './thread-context.js';

/** The Discord settings of the configuration, and what the bot calls. */
export interface DiscordBotOptions extends NonNullable<Config['discord']> {
  handleMessage: MessageHandler;
  history: HistoryStore;
  logger: Logger;
  /** Channels whose top-level questions are answered unasked, when covered. */
  autoAnswer?: AutoAnswerPolicy;
}

/** Docent in Discord through discord.js: /ask, mentions, DMs, threads, attachments and feedback. */
export class DiscordBot {
  readonly client: Client;
  // Threads Docent started or answered in: messages there are follow-ups.
  private readonly threads = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: DiscordBotOptions) {
    const intents = [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.DirectMessages,
    ];
    if (options.messageContent) intents.push(GatewayIntentBits.MessageContent);
    this.client = new Client({
      intents,
      // DMs arrive for channels the cache has never seen.
      partials: [Partials.Channel],
      rest: options.apiUrl ? { api: options.apiUrl } : {},
      allowedMentions: { parse: [] },
    });
    this.client.on('interactionCreate', (interaction) => void this.track(this.onInteraction(interaction)));
    this.client.on('messageCreate', (message) => void this.track(this.onMessage(message)));
    this.client.on('error', (error) => options.logger.error({ err: error }, 'discord client error'));
  }

  async start(): Promise<void> {
    if (!this.options.messageContent) {
      this.options.logger.warn(
        'Discord MESSAGE_CONTENT intent is off: /ask works, but mentions and attachments arrive empty. Enable "Message Content Intent" under Bot in the Developer Portal and set DISCORD_MESSAGE_CONTENT=true.',
      );
    }
    await registerDiscordCommands(this.options);
    await this.client.login(this.options.token);
    this.options.logger.info({ user: this.client.user?.tag }, 'discord connected');
  }

  async ready(): Promise<void> {
    if (!this.client.isReady()) throw new Error('gateway not connected');
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await this.client.destroy();
  }

  private async track(work: Promise<unknown>): Promise<void> {
    this.inFlight.add(work);
    try {
      await work;
    } catch (error) {
      this.options.logger.error({ err: error }, 'discord event failed');
    } finally {
      this.inFlight.delete(work);
    }
  }

  private async onInteraction(interaction: Interaction): Promise<void> {
    if (interaction.isButton() && interaction.customId.startsWith(`${FEEDBACK_PREFIX}:`)) {
      const [, vote, answerId = ''] = interaction.customId.split(':');
      const counted = await this.options.history.recordVote({
        answerId,
        atMs: Date.now(),
        tenantId: interaction.guildId ?? `dm-${interaction.user.id}`,
        voterId: interaction.user.id,
        vote: vote === 'up' ? 'up' : 'down',
      });
      await interaction.reply({
        content: !counted ? VOTE_NOT_COUNTED : vote === 'up' ? 'Thanks, glad it helped.' : 'Thanks, noted.',
        ephemeral: true,
      });
      return;
    }
    if (!interaction.isChatInputCommand() || interaction.commandName !== 'ask') return;
    // Discord allows 3 s to answer an interaction; deferring buys 15 minutes.
    await interaction.deferReply();
    const outlet = interactionOutlet(interaction);
    const streamed = new StreamedDiscordReply(() => outlet, this.options.logger);
    const outcome = await this.handle(fromInteraction(this.client, interaction), { stream: streamed });
    if (outcome.kind === 'throttled') {
      await interaction.editReply(plainPayload(throttledText(outcome.retryAfterMs)));
      return;
    }
    if (outcome.kind !== 'answer') {
      await interaction.deleteReply().catch(() => undefined);
      return;
    }
    await streamed.finish(answerPayloads(outcome.result));
  }

  private async onMessage(message: Message): Promise<void> {
    if (message.author.bot || !this.client.user) return;
    const isDm = message.channel.type === ChannelType.DM;
    const mentioned = message.mentions.users.has(this.client.user.id);
    const inOurThread = message.channel.isThread() && this.threads.has(message.channel.id);
    const files = [...message.attachments.values()].map(
      (a): SharedFile => ({ name: a.name, size: a.size, url: a.url }),
    );
    if (!isDm && !mentioned && !inOurThread && files.length === 0) {
      if (this.options.autoAnswer && isTopLevelQuestion(message)) await this.autoAnswer(message);
      return;
    }
    const text = message.content.replace(new RegExp(`<@!?${this.client.user.id}>`, 'g'), '').trim();
    // In channels, attachments are ingested; the text is a question only when Docent is addressed.
    const question = isDm || mentioned || inOurThread ? text : '';
    const inbound = fromMessage(this.client, message, question, files);
    if (mentioned) inbound.thread = await threadOfMention(message, this.options.logger);
    let target: ReplyTarget | undefined;
    let stopTyping = () => {};
    const streamed = new StreamedDiscordReply(() => (target as ReplyTarget).send, this.options.logger);
    try {
      const outcome = await this.handle(inbound, {
        // With files, their outcomes come first: the answer is sent whole after them.
        ...(files.length === 0 && { stream: streamed }),
        // Once the message is known to be new and admitted: "Docent is typing…" until the reply.
        onAdmitted: async () => {
          if ('sendTyping' in message.channel) stopTyping = keepTyping(message.channel);
        },
        // When answering starts: open the reply thread (its id becomes the conversation's, so
        // follow-ups there share history), and type there instead.
        onStart: async () => {
          target = await this.replyTarget(message, isDm || inOurThread || !mentioned);
          if (target.threadId) inbound.threadId = target.threadId;
          if (target.channel) {
            stopTyping();
            stopTyping = keepTyping(target.channel);
          }
        },
      });
      if (outcome.kind === 'duplicate' || outcome.kind === 'ignored') return;
      if (outcome.kind === 'throttled') {
        await message.reply(plainPayload(throttledText(outcome.retryAfterMs)));
        return;
      }
      target ??= await this.replyTarget(message, true);
      if (outcome.kind === 'ingested') {
        await target.send(plainPayload(outcome.files.map(describeFileOutcome).join('\n')));
        if (!outcome.answer) return;
      }
      const result = outcome.kind === 'answer' ? outcome.result : outcome.answer;
      if (!result) return;
      await streamed.finish(answerPayloads(result));
    } finally {
      stopTyping();
    }
  }

  /** Where a reply goes: a new thread on a mention (when allowed), else the message's channel as a reply. */
  private async replyTarget(message: Message, inPlace: boolean): Promise<ReplyTarget> {
    const canThread =
      this.options.replyInThread && !inPlace && message.channel.type === ChannelType.GuildText;
    if (canThread) {
      try {
        const thread = await message.startThread({
          name:
            message.content
              .replace(/<@!?\d+>/g, '')
              .trim()
              .slice(0, 90) || 'Docent',
        });
        this.threads.add(thread.id);
        return { threadId: thread.id, channel: thread, send: (p) => thread.send(p) };
      } catch {
        // No permission to create threads: reply in the channel instead.
      }
    }
    if (message.channel.isThread()) this.threads.add(message.channel.id);
    let first = true;
    return {
      send: async (p) => {
        const sent = first
          ? await message.reply(p)
          : await (message.channel as { send: (p: unknown) => Promise<Message> }).send(p);
        first = false;
        return sent;
      },
    };
  }

  private autoAnswer(message: Message): Promise<void> {
    const { client, options } = this;
    if (!options.autoAnswer || !client.isReady()) return Promise.resolve();
    const handle = (inbound: InboundMessage, hooks?: MessageHooks) => this.handle(inbound, hooks);
    const replyTarget = (m: Message) => this.replyTarget(m, false);
    return autoAnswer({ client, policy: options.autoAnswer, handle, replyTarget }, message);
  }

  private async handle(message: InboundMessage, hooks?: MessageHooks): Promise<MessageOutcome> {
    return this.options.handleMessage(message, hooks);
  }

  /** Says how a file went when its job resumed after a restart and no conversation waits for it. */
  async notifyIngest(job: IngestJob, outcome: FileOutcome): Promise<void> {
    // A thread is its own channel; otherwise the conversation id starts with the channel's.
    const channelId = job.replyTo.threadId?.split(':')[0] ?? job.replyTo.channelId;
    const channel = await this.client.channels.fetch(channelId);
    if (channel && 'send' in channel) await channel.send(plainPayload(describeFileOutcome(outcome)));
  }
}

interface ReplyTarget {
  /** Set when the reply opened a thread: the conversation continues there. */
  threadId?: string;
  /** The opened thread, to show typing in. */
  channel?: { sendTyping(): Promise<unknown> };
  send: (payload: BaseMessageOptions) => Promise<Message>;
}

function throttledText(retryAfterMs: number): string {
  return `You're asking faster than I can answer. Please try again in ${Math.ceil(retryAfterMs / 1000)} s.`;
}

/** Discord shows "typing" for about 10 s after each request: renewed until the reply is sent. */
const TYPING_RENEW_MS = 8_000;

/** Shows typing in a channel now and every few seconds; returns what stops it. */
function keepTyping(channel: { sendTyping(): Promise<unknown> }): () => void {
  const send = () => void channel.sendTyping().catch(() => undefined);
  send();
  const timer = setInterval(send, TYPING_RENEW_MS);
  timer.unref();
  return () => clearInterval(timer);
}
