import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App, HTTPReceiver, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Config } from '../../src/config.js';
import type { AutoAnswerPolicy } from '../../src/core/auto-answer.js';
import type { MessageHandler, MessageHooks } from '../../src/core/handle-message.js';
import type { FileOutcome, InboundMessage, MessageOutcome } from '../../src/core/message.js';
import type { HistoryStore } from '../../src/core/ports/history-store.js';
import type { IngestJob } from '../../src/core/ports/job-queue.js';
import type { ThreadMessage } from '../../src/core/thread-context.js';
import type { Logger } from '../../src/logger.js';
import { registerAssistant } from './assistant.js';
import { registerAutoAnswer } from './auto-answer.js';
import { createBoltApp } from './bolt-app.js';
import { ChannelKinds } from './channel-kinds.js';
import { registerFeedback } from './feedback.js';
import { fileSharedIn, type SlackFile, slackSharedFile } from './files.js';
import { KnownThreads, type SlackListenerKit } from './listener-kit.js';
import {
  commandToInbound,
  messageToInbound,
  type SlackMessageEvent,
  type SlackOrigin,
  stripBotMention,
} from './mappers.js';
import { escapeMrkdwn } from './mrkdwn.js';
import {
  isDirectMessageChannel,
  resolveOrigin,
  type SlackContext,
  type SlackWhere,
  whereOf,
} from './origins.js';
import { ChannelPoster } from './poster.js';
import { deliver, failureResult, notifyIngest, replyEphemeral } from './replies.js';
import { streamedReply, THINKING } from './streamed-reply.js';
import { threadOfMention } from './thread-context.js';

/** The Slack settings of the configuration (Socket Mode when `appToken` is set), and what the bot calls. */
export interface SlackBotOptions extends SlackConfig {
  handleMessage: MessageHandler;
  history: HistoryStore;
  logger: Logger;
  /** Channels whose top-level questions are answered unasked, when covered. */
  autoAnswer?: AutoAnswerPolicy;
}

type SlackConfig = NonNullable<Config['slack']>;

const ACKNOWLEDGED = 'Looking into it…';

/** Docent in Slack through Bolt: /ask, mentions, DMs, thread follow-ups, file shares and feedback. */
export class SlackBot {
  readonly app: App;
  private readonly receiver?: HTTPReceiver;
  private readonly poster: ChannelPoster;
  private readonly channels: ChannelKinds;
  // Threads Docent answered in: replies there are follow-ups even without a mention.
  private readonly threads = new KnownThreads();
  private botUserId?: string;
  private connected = false;
  // Work acknowledged to Slack but not yet answered: shutdown waits for it.
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: SlackBotOptions) {
    const { app, receiver } = createBoltApp(options, options.logger);
    this.app = app;
    this.receiver = receiver;
    this.poster = new ChannelPoster(this.app.client);
    this.channels = new ChannelKinds(this.app.client, { ttlMs: options.channelInfoTtlMs });
    this.registerListeners();
  }

  /** For the HTTP server: Slack's events, commands and interactions at /slack/events. */
  get requestListener(): ((req: IncomingMessage, res: ServerResponse) => void) | undefined {
    return this.receiver?.requestListener;
  }

  async start(): Promise<void> {
    const auth = await this.app.client.auth.test();
    this.botUserId = auth.user_id;
    if (this.options.appToken) await this.app.start();
    this.connected = true;
    this.options.logger.info(
      { team: auth.team, mode: this.options.appToken ? 'socket' : 'http' },
      'slack connected',
    );
  }

  async ready(): Promise<void> {
    if (!this.connected) throw new Error('not connected');
  }

  async stop(): Promise<void> {
    this.connected = false;
    await Promise.allSettled([...this.inFlight]);
    await this.poster.stop();
    if (this.options.appToken) await this.app.stop();
  }

  private registerListeners(): void {
    this.listenForQuestions();
    this.listenForChannelChanges();
    registerFeedback(this.app, this.options.history);
    const kit: SlackListenerKit = {
      poster: this.poster,
      logger: this.options.logger,
      origin: (context, where) => this.origin(context, where),
      handle: (message, hooks) => this.handle(message, hooks),
      rememberThread: (threadId) => this.threads.add(threadId),
      detach: (work) => this.detach(work),
      ingestShare: (client, origin, e, text) => this.ingestShare(client, origin, e, text),
      botUserId: () => this.botUserId,
    };
    // Global middleware to Bolt: messages in the threads of Docent's DM go to it, not to listeners.
    registerAssistant(this.app, kit, this.options);
    if (this.options.autoAnswer) registerAutoAnswer(this.app, { ...kit, policy: this.options.autoAnswer });
  }

  /** Slash command, mentions, DMs and follow-ups in Docent's threads; files shared in a message. */
  private listenForQuestions(): void {
    const app = this.app;

    app.command(this.options.command, async ({ command, ack, context, client }) => {
      // The acknowledgement itself tells the asker the answer is coming (only they see it): no
      // extra call to Slack, however busy the workspace. The channel's placeholder follows when
      // the question's turn comes.
      await ack(command.text.trim() ? { response_type: 'ephemeral', text: ACKNOWLEDGED } : undefined);
      this.detach(() => this.answerCommand(command, context, client));
    });

    app.event('app_mention', async ({ event, body, context, client }) => {
      const e = event as unknown as SlackMessageEvent;
      const user = e.user;
      if (e.bot_id || !user) return;
      this.detach(async () => {
        const origin = await this.origin(context, whereOf(e, user, body));
        const thread = await threadOfMention(client, e, this.botUserId, this.options.logger);
        await this.answerInThread(client, origin, e, stripBotMention(e.text ?? '', this.botUserId), thread);
      });
    });

    app.event('message', async ({ event, body, context, client }) => {
      const e = event as unknown as SlackMessageEvent;
      if (e.subtype === 'channel_convert_to_private' || e.subtype === 'channel_convert_to_public')
        return this.channels.forget(e.channel);
      const user = e.user;
      if (e.bot_id || !user || (e.subtype && e.subtype !== 'file_share')) return;
      if (e.subtype === 'file_share' && e.files?.length) {
        const origin = await this.origin(context, whereOf(e, user, body));
        const text = origin.isDirectMessage ? stripBotMention(e.text ?? '', this.botUserId) : '';
        await this.ingestShare(client, origin, e, text);
        return;
      }
      // Mentions in channels are answered from app_mention; here: DMs and follow-ups in Docent's
      // threads. Other chatter costs nothing, not even a look at the channel.
      const where = whereOf(e, user, body);
      const isDirectMessage = isDirectMessageChannel(where);
      const mentionsBot = this.botUserId !== undefined && (e.text ?? '').includes(`<@${this.botUserId}`);
      const followUp = e.thread_ts !== undefined && this.threads.has(`${e.channel}:${e.thread_ts}`);
      if (!isDirectMessage && (mentionsBot || !followUp)) return;
      this.detach(async () => {
        const origin = await this.origin(context, where);
        await this.answerInThread(client, origin, e, (e.text ?? '').trim());
      });
    });
  }

  /** Channels that change who can read them, and files shared without a message. */
  private listenForChannelChanges(): void {
    const app = this.app;
    // A channel shared with another organisation, or no longer, reads differently from now on.
    app.event('channel_shared', async ({ event }) => this.channels.forget(event.channel));
    app.event('channel_unshared', async ({ event }) => this.channels.forget(event.channel));

    app.event('file_shared', async ({ event, body, context, client }) => {
      const shared = await fileSharedIn(client, event, body);
      if (!shared) return;
      const share = { ts: shared.ts, channel: event.channel_id, files: [{ id: shared.file.id }] };
      await this.ingestShare(client, await this.origin(context, shared.where), share, '', [shared.file]);
    });
  }

  private async answerCommand(
    command: SlashCommand,
    context: SlackContext,
    client: WebClient,
  ): Promise<void> {
    const origin = await this.origin(context, {
      channelId: command.channel_id,
      userId: command.user_id,
      channelName: command.channel_name,
    });
    if (this.options.ephemeral) {
      const outcome = await this.handle(commandToInbound(command, origin, command.trigger_id));
      await replyEphemeral(client, origin, outcome);
      return;
    }
    // When the question's turn comes, a placeholder gives the answer a thread to live in (its ts
    // names the conversation, so replies there are follow-ups) and the channel something to see.
    const inbound = commandToInbound(command, origin, command.trigger_id);
    const streamed = streamedReply(client, origin, { channel: command.channel_id }, this.options.logger);
    const outcome = await this.handle(inbound, {
      stream: streamed,
      onStart: async () => {
        const placeholder = await this.poster.post({
          channel: command.channel_id,
          // The question is quoted as typed, escaped: /ask must not ping a channel on someone's behalf.
          text: `> ${escapeMrkdwn(command.text)}\n${THINKING}`,
        });
        streamed.placeholderTs = placeholder.ts as string;
        inbound.threadId = `${command.channel_id}:${placeholder.ts}`;
        this.threads.add(inbound.threadId);
      },
    });
    await deliver(client, this.poster, origin, outcome, { channel: command.channel_id, streamed });
  }

  private async answerInThread(
    client: WebClient,
    origin: SlackOrigin,
    e: SlackMessageEvent,
    text: string,
    thread?: ThreadMessage[],
  ): Promise<void> {
    if (!text) return;
    const threadTs = origin.isDirectMessage && !e.thread_ts ? undefined : (e.thread_ts ?? e.ts);
    const streamed = streamedReply(client, origin, { channel: e.channel, threadTs }, this.options.logger);
    // The placeholder appears only once the event is known to be new: a Slack retry shows nothing twice.
    const outcome = await this.handle(messageToInbound(e, origin, text, [], thread), {
      stream: streamed,
      onAdmitted: async () => {
        const placeholder = await this.poster.post({
          channel: e.channel,
          thread_ts: threadTs,
          text: THINKING,
        });
        streamed.placeholderTs = placeholder.ts as string;
        if (threadTs) this.threads.add(`${e.channel}:${threadTs}`);
      },
    });
    await deliver(client, this.poster, origin, outcome, { channel: e.channel, threadTs, streamed });
  }

  private async ingestShare(
    client: WebClient,
    origin: SlackOrigin,
    e: SlackMessageEvent,
    text: string,
    known?: SlackFile[],
  ): Promise<void> {
    let files = known;
    if (!files) {
      const infos = await Promise.all((e.files ?? []).map((f) => client.files.info({ file: f.id })));
      files = infos.map((i) => i.file as SlackFile).filter(Boolean);
    }
    const inbound = messageToInbound(e, origin, text, files.map(slackSharedFile));
    const threadTs = origin.isDirectMessage ? e.thread_ts : e.ts;
    // Slack is answered once the files are recorded as jobs; their outcome is posted when ingested.
    await new Promise<void>((recorded) => {
      this.detach(async () => {
        const outcome = await this.handle(inbound, { onRecorded: recorded });
        recorded();
        await deliver(client, this.poster, origin, outcome, { channel: e.channel, threadTs });
      });
    });
  }

  /** Says how a file went when its job resumed after a restart and no conversation waits for it. */
  notifyIngest(job: IngestJob, outcome: FileOutcome): Promise<void> {
    return notifyIngest(this.poster, job, outcome);
  }

  /** Runs the rest of a listener after Slack is acknowledged; shutdown waits for it. */
  private detach(work: () => Promise<void>): void {
    const running: Promise<void> = work()
      .catch((error) => this.options.logger.error({ err: error }, 'slack listener failed'))
      .finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
  }

  private async handle(message: InboundMessage, hooks?: MessageHooks): Promise<MessageOutcome> {
    const work = this.options.handleMessage(message, hooks).catch((error) => {
      this.options.logger.error({ err: error }, 'slack message failed');
      return { kind: 'answer', result: failureResult() } satisfies MessageOutcome;
    });
    this.inFlight.add(work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  private origin(context: SlackContext, where: SlackWhere): Promise<SlackOrigin> {
    return resolveOrigin(this.channels, context, where);
  }
}
