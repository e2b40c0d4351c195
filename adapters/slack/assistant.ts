import {
  type App,
  Assistant,
  type AssistantThreadStartedMiddleware,
  type AssistantUserMessageMiddleware,
} from '@slack/bolt';
import type { HistoryStore } from '../../src/core/ports/history-store.js';
import { promptsFor, type SuggestedPrompt, threadTitle } from './assistant-prompts.js';
import { KnownThreads, type SlackListenerKit } from './listener-kit.js';
import { messageToInbound, type SlackMessageEvent, stripBotMention } from './mappers.js';
import { tenantOf, whereOf } from './origins.js';
import { deliver } from './replies.js';
import { streamedReply, THINKING } from './streamed-reply.js';

export interface SlackAssistantOptions {
  history: HistoryStore;
  /** SLACK_ASSISTANT_PROMPTS; absent: the tenant's most asked questions, else generic ones. */
  assistantPrompts?: SuggestedPrompt[];
}

type SlackAssistantDeps = SlackListenerKit & SlackAssistantOptions;

export const GREETING =
  "Hi! I answer questions from your team's documents, with their sources. Ask me anything, or try one of these.";
export const SEARCHING = 'is searching your documents…';
export const ESCALATING = 'is asking a stronger model…';

/**
 * Docent in Slack's assistant surface (the AI app's split view and the threads of its DM), through
 * Bolt's Assistant: a greeting and suggested prompts when a thread starts; each message answered
 * through the one message path as a DM (dedupe, limits, the asker's DM scope and the tenant's
 * documents), with a status line while it is worked on and the answer streamed into the thread.
 *
 * The channel the person is viewing (the thread's context) is never read: it would widen what an
 * answer may draw on beyond the asker's DM. So the context store keeps nothing; Bolt's default
 * one costs two Web API calls per channel switch and keeps the last context in one field shared
 * by every thread of the process.
 */
export function registerAssistant(app: App, kit: SlackListenerKit, options: SlackAssistantOptions): void {
  const deps: SlackAssistantDeps = {
    ...kit,
    history: options.history,
    assistantPrompts: options.assistantPrompts,
  };
  // Threads started here whose first question has not titled them yet.
  const untitled = new KnownThreads();
  const refusals = new Set<string>();
  const refused = (call: string) => (error: unknown) => {
    const code = errorCode(error);
    // Said once per kind: an app without the assistant feature is refused on every thread.
    const log = refusals.has(`${call}:${code}`) ? deps.logger.debug : deps.logger.warn;
    refusals.add(`${call}:${code}`);
    log.call(deps.logger, { err: error, call }, 'slack assistant: a thread call was refused');
  };
  app.assistant(
    new Assistant({
      threadContextStore: { get: async () => ({}), save: async () => {} },
      threadStarted: threadStarted(deps, untitled, refused),
      userMessage: userMessage(deps, untitled, refused),
    }),
  );
}

type Refused = (call: string) => (error: unknown) => void;

function threadStarted(deps: SlackAssistantDeps, untitled: KnownThreads, refused: Refused) {
  const started: AssistantThreadStartedMiddleware = async ({ event, context, say, setSuggestedPrompts }) => {
    const { channel_id: channel, thread_ts: threadTs } = event.assistant_thread;
    untitled.add(`${channel}:${threadTs}`);
    deps.detach(async () => {
      await say(GREETING);
      const { title, prompts } = await promptsFor(tenantOf(context), {
        configured: deps.assistantPrompts,
        history: deps.history,
        logger: deps.logger,
      });
      await setSuggestedPrompts({ title, prompts }).catch(refused('setSuggestedPrompts'));
    });
  };
  return started;
}

function userMessage(deps: SlackAssistantDeps, untitled: KnownThreads, refused: Refused) {
  const onMessage: AssistantUserMessageMiddleware = async (args) => {
    const { client, context, body, setStatus, setTitle } = args;
    const e = args.message as unknown as SlackMessageEvent;
    const user = e.user;
    if (e.bot_id || !user || !e.thread_ts) return;
    const where = whereOf(e, user, body as { is_ext_shared_channel?: boolean });
    if (e.subtype === 'file_share' && e.files?.length) {
      // Slack hears back once the files are recorded, as for any DM.
      const origin = await deps.origin(context, where);
      await deps.ingestShare(client, origin, e, stripBotMention(e.text ?? '', deps.botUserId()));
      return;
    }
    const text = (e.text ?? '').trim();
    if (!text || e.subtype) return;
    const threadTs = e.thread_ts;
    deps.detach(async () => {
      // A DM with Docent: the asker's own documents and the tenant's, whatever channel is in view.
      const origin = await deps.origin(context, where);
      const titled = untitled.delete(`${e.channel}:${threadTs}`)
        ? setTitle(threadTitle(text)).catch(refused('setTitle'))
        : undefined;
      const status = new StatusLine((line) => setStatus(line), refused('setStatus'));
      const streamed = streamedReply(client, origin, { channel: e.channel, threadTs }, deps.logger);
      const outcome = await deps.handle(messageToInbound(e, origin, text), {
        stream: streamed,
        onAdmitted: async () => {
          if (await status.show(SEARCHING)) return;
          // No status line for this app (no assistant feature): the usual placeholder instead.
          const placeholder = await deps.poster.post({
            channel: e.channel,
            thread_ts: threadTs,
            text: THINKING,
          });
          streamed.placeholderTs = placeholder.ts as string;
        },
        onStep: (step) => void status.show(step === 'escalating' ? ESCALATING : SEARCHING),
      });
      await deliver(client, deps.poster, origin, outcome, { channel: e.channel, threadTs, streamed });
      await Promise.all([titled, status.clear()]);
    });
  };
  return onMessage;
}

/**
 * The thread's status line, written in the order it changes and never failing the answer. Once
 * Slack refuses it, it is not tried again for this answer.
 */
class StatusLine {
  private shown = '';
  private refused = false;
  private last: Promise<boolean> = Promise.resolve(true);

  constructor(
    private readonly set: (status: string) => Promise<unknown>,
    private readonly onRefused: (error: unknown) => void,
  ) {}

  /** Resolves to whether the line is shown. */
  show(status: string): Promise<boolean> {
    if (status === this.shown || this.refused) return this.last;
    this.shown = status;
    this.last = this.last.then(() =>
      this.refused
        ? false
        : this.set(status).then(
            () => true,
            (error: unknown) => {
              this.refused = true;
              this.onRefused(error);
              return false;
            },
          ),
    );
    return this.last;
  }

  /** Slack clears it when the answer is posted; an answer that only edited a message needs it cleared. */
  async clear(): Promise<void> {
    if (this.shown !== '') await this.show('');
  }
}

const errorCode = (error: unknown) =>
  String((error as { data?: { error?: string } })?.data?.error ?? (error as Error)?.message ?? 'unknown');
