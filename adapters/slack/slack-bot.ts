import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, type SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Config } from '../../src/config.js';
import type { AnswerResult } from '../../src/core/ask.js';
import {
  describeFileOutcome,
  type MessageHandler,
  type MessageHooks,
} from '../../src/core/handle-message.js';
import type { IngestJob } from '../../src/core/ingest-jobs.js';
import type { FileOutcome, InboundMessage, MessageOutcome } from '../../src/core/message.js';
import type { Logger } from '../../src/logger.js';
import type { StatsStore } from '../../src/stores/stats-store.js';
import { answerMessages, FEEDBACK_ACTION } from './blocks.js';
import { type SlackFile, slackSharedFile } from './files.js';
import {
  commandToInbound,
  messageToInbound,
  privacyOf,
  type SlackMessageEvent,
  type SlackOrigin,
  stripBotMention,
} from './mappers.js';
import { ChannelPoster } from './poster.js';

/** The Slack settings of the configuration (Socket Mode when `appToken` is set), and what the bot calls. */
export interface SlackBotOptions extends SlackConfig {
  handleMessage: MessageHandler;
  stats: StatsStore;
  logger: Logger;
}

type SlackConfig = NonNullable<Config['slack']>;

const THINKING = '_Looking through your documents…_';
const ACKNOWLEDGED = 'Looking into it…';
const MAX_KNOWN_THREADS = 50_000;

/** Docent in Slack through Bolt: /ask, mentions, DMs, thread follow-ups, file shares and feedback. */
export class SlackBot {
  readonly app: App;
  private readonly receiver?: HTTPReceiver;
  private readonly poster: ChannelPoster;
  private readonly privacy = new Map<string, { isDirectMessage: boolean; isPrivateChannel: boolean }>();
  // Threads Docent answered in: replies there are follow-ups even without a mention.
  private readonly threads = new Set<string>();
  private botUserId?: string;
  private connected = false;
  // Work acknowledged to Slack but not yet answered: shutdown waits for it.
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: SlackBotOptions) {
    const logger = boltLogger(options.logger);
    const common = {
      token: options.botToken,
      logger,
      clientOptions: options.apiUrl ? { slackApiUrl: options.apiUrl } : undefined,
      // Docent keeps its own thread memory: Bolt's conversation store would be work on every event.
      convoStore: false as const,
    };
    if (options.appToken) {
      this.app = new App({ ...common, appToken: options.appToken, socketMode: true });
    } else {
      this.receiver = new HTTPReceiver({
        signingSecret: options.signingSecret ?? '',
        endpoints: '/slack/events',
        // Slack hears back when the listener returns: at once for questions (the answer follows,
        // however slow the model), and for a shared file once its job is on disk.
        processBeforeResponse: true,
        logger,
      });
      this.app = new App({ ...common, receiver: this.receiver });
    }
    this.poster = new ChannelPoster(this.app.client);
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
    const app = this.app;

    app.command(this.options.command, async ({ command, ack, context, client }) => {
      // The acknowledgement itself tells the asker the answer is coming (only they see it): no
      // extra call to Slack, however busy the workspace. The channel's placeholder follows when
      // the question's turn comes.
      await ack(command.text.trim() ? { response_type: 'ephemeral', text: ACKNOWLEDGED } : undefined);
      this.detach(() => this.answerCommand(command, context, client));
    });

    app.event('app_mention', async ({ event, context, client }) => {
      const e = event as unknown as SlackMessageEvent;
      const user = e.user;
      if (e.bot_id || !user) return;
      this.detach(async () => {
        const origin = await this.origin(client, context, e.channel, user, e.channel_type);
        await this.answerInThread(client, origin, e, stripBotMention(e.text ?? '', this.botUserId));
      });
    });

    app.event('message', async ({ event, context, client }) => {
      const e = event as unknown as SlackMessageEvent;
      const user = e.user;
      if (e.bot_id || !user || (e.subtype && e.subtype !== 'file_share')) return;
      if (e.subtype === 'file_share' && e.files?.length) {
        const origin = await this.origin(client, context, e.channel, user, e.channel_type, undefined, true);
        const text = origin.isDirectMessage ? stripBotMention(e.text ?? '', this.botUserId) : '';
        await this.ingestShare(client, origin, e, text);
        return;
      }
      this.detach(async () => {
        const origin = await this.origin(client, context, e.channel, user, e.channel_type);
        // Mentions in channels are answered from app_mention; here: DMs and follow-ups in Docent's threads.
        const mentionsBot = this.botUserId !== undefined && (e.text ?? '').includes(`<@${this.botUserId}`);
        if (mentionsBot && !origin.isDirectMessage) return;
        const followUp = e.thread_ts !== undefined && this.threads.has(`${e.channel}:${e.thread_ts}`);
        if (origin.isDirectMessage || followUp)
          await this.answerInThread(client, origin, e, (e.text ?? '').trim());
      });
    });

    app.event('file_shared', async ({ event, context, client }) => {
      const info = await client.files.info({ file: event.file_id });
      const file = info.file as
        | (SlackFile & { shares?: Record<string, Record<string, { ts: string }[]>> })
        | undefined;
      if (!file) return;
      const origin = await this.origin(
        client,
        context,
        event.channel_id,
        event.user_id,
        undefined,
        undefined,
        true,
      );
      const share =
        file.shares?.public?.[event.channel_id]?.[0] ?? file.shares?.private?.[event.channel_id]?.[0];
      const ts = share?.ts ?? event.event_ts;
      await this.ingestShare(
        client,
        origin,
        { ts, channel: event.channel_id, files: [{ id: file.id }] },
        '',
        [file],
      );
    });

    app.action(FEEDBACK_ACTION, async ({ ack, body, action, context, client }) => {
      await ack();
      const vote = (action as { action_id: string }).action_id.endsWith('_up') ? 'up' : 'down';
      const answerId = (action as { value?: string }).value ?? '';
      const answered = await this.options.stats.findAnswer(answerId);
      const tenantId = context.teamId ?? context.enterpriseId ?? '';
      await this.options.stats.recordFeedback({
        answerId,
        at: new Date().toISOString(),
        tenantId: answered?.tenantId ?? tenantId,
        userId: body.user.id,
        vote,
        question: answered?.question ?? '',
        answer: answered?.answer ?? '',
      });
      const channel = (body as { channel?: { id: string } }).channel?.id;
      if (channel)
        await client.chat.postEphemeral({
          channel,
          user: body.user.id,
          text: vote === 'up' ? 'Thanks, glad it helped.' : 'Thanks, noted: this helps us fix the docs.',
        });
    });
  }

  private async answerCommand(
    command: SlashCommand,
    context: { teamId?: string; enterpriseId?: string },
    client: WebClient,
  ): Promise<void> {
    const origin = await this.origin(
      client,
      context,
      command.channel_id,
      command.user_id,
      undefined,
      command.channel_name,
    );
    if (this.options.ephemeral) {
      const outcome = await this.handle(commandToInbound(command, origin, command.trigger_id));
      await this.replyEphemeral(client, origin, outcome);
      return;
    }
    // When the question's turn comes, a placeholder gives the answer a thread to live in (its ts
    // names the conversation, so replies there are follow-ups) and the channel something to see.
    const inbound = commandToInbound(command, origin, command.trigger_id);
    let placeholderTs: string | undefined;
    const outcome = await this.handle(inbound, {
      onStart: async () => {
        const placeholder = await this.poster.post({
          channel: command.channel_id,
          text: `> ${command.text}\n${THINKING}`,
        });
        placeholderTs = placeholder.ts as string;
        inbound.threadId = `${command.channel_id}:${placeholderTs}`;
        this.threads.add(inbound.threadId);
      },
    });
    await this.deliver(client, origin, outcome, { channel: command.channel_id, placeholderTs });
  }

  private async answerInThread(
    client: WebClient,
    origin: SlackOrigin,
    e: SlackMessageEvent,
    text: string,
  ): Promise<void> {
    if (!text) return;
    const threadTs = origin.isDirectMessage && !e.thread_ts ? undefined : (e.thread_ts ?? e.ts);
    let placeholderTs: string | undefined;
    // The placeholder appears only once the event is known to be new: a Slack retry shows nothing twice.
    const outcome = await this.handle(messageToInbound(e, origin, text), {
      onAdmitted: async () => {
        const placeholder = await this.poster.post({
          channel: e.channel,
          thread_ts: threadTs,
          text: THINKING,
        });
        placeholderTs = placeholder.ts as string;
        if (threadTs) this.threads.add(`${e.channel}:${threadTs}`);
      },
    });
    await this.deliver(client, origin, outcome, { channel: e.channel, threadTs, placeholderTs });
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
    const threadTs = origin.isDirectMessage ? undefined : e.ts;
    // Slack is answered once the files are recorded as jobs; their outcome is posted when ingested.
    await new Promise<void>((recorded) => {
      this.detach(async () => {
        const outcome = await this.handle(inbound, { onRecorded: recorded });
        recorded();
        await this.deliver(client, origin, outcome, { channel: e.channel, threadTs });
      });
    });
  }

  /** Says how a file went when its job resumed after a restart and no conversation waits for it. */
  async notifyIngest(job: IngestJob, outcome: FileOutcome): Promise<void> {
    const { channelId, threadId } = job.replyTo;
    const ts = threadId?.slice(channelId.length + 1);
    const threadTs = ts && ts !== 'dm' ? ts : undefined;
    await this.poster.post({ channel: channelId, thread_ts: threadTs, text: describeFileOutcome(outcome) });
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

  /** Posts an outcome: ingestion results, the answer (replacing the placeholder), or a polite wait. */
  private async deliver(
    client: WebClient,
    origin: SlackOrigin,
    outcome: MessageOutcome,
    where: { channel: string; threadTs?: string; placeholderTs?: string },
  ): Promise<void> {
    const { channel, threadTs, placeholderTs } = where;
    if (outcome.kind === 'duplicate' || outcome.kind === 'ignored') {
      if (placeholderTs) await client.chat.delete({ channel, ts: placeholderTs }).catch(() => undefined);
      return;
    }
    if (outcome.kind === 'throttled') {
      if (placeholderTs) await client.chat.delete({ channel, ts: placeholderTs }).catch(() => undefined);
      await client.chat.postEphemeral({
        channel,
        user: origin.userId,
        thread_ts: threadTs,
        text: throttledText(outcome.retryAfterMs),
      });
      return;
    }
    if (outcome.kind === 'ingested') {
      const text = outcome.files.map(describeFileOutcome).join('\n');
      await this.poster.post({ channel, thread_ts: threadTs, text });
      if (!outcome.answer) return;
    }
    const result = outcome.kind === 'answer' ? outcome.result : (outcome.answer as AnswerResult);
    const [first, ...rest] = answerMessages(result);
    if (placeholderTs && first) await this.poster.update({ channel, ts: placeholderTs, ...first });
    else if (first) await this.poster.post({ channel, thread_ts: threadTs, ...first });
    for (const message of rest)
      await this.poster.post({ channel, thread_ts: threadTs ?? placeholderTs, ...message });
  }

  private async replyEphemeral(
    client: WebClient,
    origin: SlackOrigin,
    outcome: MessageOutcome,
  ): Promise<void> {
    if (outcome.kind === 'throttled') {
      await client.chat.postEphemeral({
        channel: origin.channelId,
        user: origin.userId,
        text: throttledText(outcome.retryAfterMs),
      });
    } else if (outcome.kind === 'answer') {
      for (const message of answerMessages(outcome.result)) {
        await client.chat.postEphemeral({ channel: origin.channelId, user: origin.userId, ...message });
      }
    }
  }

  /** Tenant from Bolt's verified context; channel privacy from the event or conversations.info (cached). */
  private async origin(
    client: WebClient,
    context: { teamId?: string; enterpriseId?: string },
    channelId: string,
    userId: string,
    channelType?: string,
    channelName?: string,
    forFiles = false,
  ): Promise<SlackOrigin> {
    const tenantId = context.teamId ?? context.enterpriseId ?? 'unknown';
    let privacy =
      privacyOf(channelType) ??
      (channelName === 'directmessage' ? privacyOf('im') : undefined) ??
      this.privacy.get(channelId);
    if (this.threads.size > MAX_KNOWN_THREADS) this.threads.clear();
    // A question's scopes depend only on whether it is a DM (a D… channel); where a file may be
    // read is the only thing that needs the channel's privacy, so a question skips the lookup.
    if (!privacy && !forFiles)
      return {
        tenantId,
        channelId,
        userId,
        isDirectMessage: channelId.startsWith('D'),
        isPrivateChannel: true,
      };
    privacy ??= await this.lookUpPrivacy(client, channelId);
    this.privacy.set(channelId, privacy);
    return { tenantId, channelId, userId, ...privacy };
  }

  private async lookUpPrivacy(
    client: WebClient,
    channelId: string,
  ): Promise<{ isDirectMessage: boolean; isPrivateChannel: boolean }> {
    const info = await client.conversations.info({ channel: channelId }).catch(() => undefined);
    const c = info?.channel as { is_im?: boolean; is_private?: boolean; is_mpim?: boolean } | undefined;
    // Unknown privacy is treated as private: a file must never leak to the whole workspace.
    return {
      isDirectMessage: c?.is_im === true,
      isPrivateChannel: c ? c.is_private === true || c.is_mpim === true : true,
    };
  }
}

function throttledText(retryAfterMs: number): string {
  const at = new Date(Date.now() + retryAfterMs);
  return `You're asking faster than I can answer. Please try again in ${Math.ceil(retryAfterMs / 1000)} s (at ${at.toISOString().slice(11, 19)} UTC).`;
}

function failureResult(): AnswerResult {
  return {
    id: 'error',
    answer: 'Sorry, something went wrong while answering. Please try again in a moment.',
    sources: [],
    route: 'error',
    model: 'none',
    cached: false,
    latency_ms: 0,
    tokens: { input: 0, output: 0 },
    cost_usd: 0,
  };
}

/** Bolt's logger interface over pino. */
function boltLogger(logger: Logger) {
  const child = logger.child({ component: 'slack' });
  return {
    debug: (...m: unknown[]) => child.debug(m.map(String).join(' ')),
    info: (...m: unknown[]) => child.info(m.map(String).join(' ')),
    warn: (...m: unknown[]) => child.warn(m.map(String).join(' ')),
    error: (...m: unknown[]) => child.error(m.map(String).join(' ')),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}
