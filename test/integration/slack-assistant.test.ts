import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESCALATING, GREETING, SEARCHING } from '../../adapters/slack/assistant.js';
import { GENERIC_PROMPTS } from '../../adapters/slack/assistant-prompts.js';
import { THINKING } from '../../adapters/slack/streamed-reply.js';
import type { Scope } from '../../src/core/types.js';
import type { SlackCall } from '../fakes/slack-api.js';
import { grounded, scriptModel } from '../helpers/model-brain.js';
import { type SlackService, startSlackService, textsSentTo } from '../helpers/slack-service.js';
import { bytesOf } from '../helpers/temp-kb.js';
import { until } from '../helpers/until.js';

// Docent's DM with U1, where Slack keeps the assistant's threads.
const DM = 'DASSIST1';
const ANSWER = 'File expenses in the finance portal within thirty days, with the receipt attached [1].';

let service: SlackService;
let counter = 0;
const nextTs = () => `18000090${String(++counter).padStart(2, '0')}.000100`;

/** Slack's event when U1 opens a new assistant thread, viewing `channel` when given. */
async function startThread(on: SlackService, channel?: string): Promise<string> {
  const threadTs = nextTs();
  await on.sendEvent({
    type: 'assistant_thread_started',
    assistant_thread: {
      user_id: 'U1',
      context: { team_id: 'T1', enterprise_id: null, ...(channel ? { channel_id: channel } : {}) },
      channel_id: DM,
      thread_ts: threadTs,
    },
    event_ts: threadTs,
  });
  return threadTs;
}

/** U1 writes in the assistant thread; resolves with the answer's final Block Kit message. */
async function ask(threadTs: string, text: string): Promise<SlackCall> {
  const ts = nextTs();
  const before = finals().length;
  await service.sendEvent({
    type: 'message',
    channel: DM,
    channel_type: 'im',
    user: 'U1',
    text,
    ts,
    thread_ts: threadTs,
  });
  return until(() => finals()[before]);
}

// Answers as they end: the streamed message turned into Block Kit, or a message posted whole.
const finals = (channel = DM) =>
  service.slack.calls.filter(
    (c) =>
      (c.method === 'chat.update' || c.method === 'chat.postMessage') &&
      c.args.channel === channel &&
      Array.isArray(c.args.blocks),
  );
const threadCalls = (method: string, threadTs: string) =>
  service.slack.callsTo(method).filter((c) => c.args.thread_ts === threadTs);
const promptsOf = async (threadTs: string) =>
  (await until(() => threadCalls('assistant.threads.setSuggestedPrompts', threadTs)[0])).args;

beforeAll(async () => {
  service = await startSlackService();
  const quote = (prompt: string) =>
    grounded(
      /<passage n="1"[^\n]*\n([\s\S]*?)\n<\/passage>/
        .exec(prompt)?.[1]
        ?.replace(/^#.*$/gm, '')
        .replace(/\s+/g, ' ')
        .trim() ?? '',
    );
  scriptModel(service.openai, 'gpt-4o-mini', {
    answer: (prompt) => {
      if (/Question: .*unsure/.test(prompt))
        return { covered: true, confidence: 'low', answer: 'Perhaps the portal.', cited: [] };
      if (/Question: .*expenses/.test(prompt)) return { structured: grounded(ANSWER), chunkDelayMs: 5 };
      return quote(prompt);
    },
  });
  scriptModel(service.openai, 'gpt-4o', { answer: () => grounded(ANSWER) });
  const kb = service.services.knowledgeBase;
  const add = (scope: Scope, source: string, text: string) =>
    kb.ingest({ tenantId: 'T1', scope, source, fetchData: bytesOf(text) });
  await add('tenant', 'expenses.md', '# Expenses\n\nFile expenses in the finance portal within 30 days.');
  await add('user:U1', 'parking.md', '# Parking\n\nYour parking spot is P-42 on level two.');
  await add('user:U2', 'bonus.md', '# Bonus\n\nThe bonus code for U2 is ORCHID-77.');
  await add('channel:CPRIV', 'merger.md', '# Merger\n\nThe merger codename is BLUEHERON.');
});
afterAll(async () => service?.close());

describe("Slack's assistant", () => {
  it('greets a new thread and suggests generic prompts while nothing was asked in the tenant', async () => {
    const thread = await startThread(service);
    expect(await promptsOf(thread)).toMatchObject({
      channel_id: DM,
      title: 'Try asking',
      prompts: GENERIC_PROMPTS,
    });
    const greeting = threadCalls('chat.postMessage', thread)[0];
    expect(greeting?.args).toMatchObject({ channel: DM, text: GREETING });
  });

  it('answers with a status line first, titles the thread, streams the answer and ends it with sources and buttons', async () => {
    const thread = await startThread(service);
    const final = await ask(thread, 'how do I file expenses?');

    const statuses = threadCalls('assistant.threads.setStatus', thread);
    const start = threadCalls('chat.startStream', thread)[0] as SlackCall;
    expect(statuses[0]?.args.status).toBe(SEARCHING);
    expect((statuses[0] as SlackCall).at).toBeLessThanOrEqual(start.at);
    expect(start.args).toMatchObject({ channel: DM, recipient_user_id: 'U1', recipient_team_id: 'T1' });
    expect(threadCalls('assistant.threads.setTitle', thread).map((c) => c.args.title)).toEqual([
      'how do I file expenses?',
    ]);
    // The streamed message becomes the usual answer: its text, its source, 👍/👎.
    const stop = service.slack.callsTo('chat.stopStream').filter((c) => c.args.channel === DM);
    expect(final.args.ts).toBe(stop.at(-1)?.args.ts);
    const blocks = JSON.stringify(final.args.blocks);
    expect(blocks).toContain('finance portal');
    expect(blocks).toContain('expenses.md');
    expect(blocks).toContain('docent_feedback_up');

    // A follow-up keeps the first question's title.
    await ask(thread, 'and which expenses need a receipt?');
    expect(threadCalls('assistant.threads.setTitle', thread)).toHaveLength(1);
  });

  it('says when the answer goes up to the stronger model, and clears the status at the end', async () => {
    const thread = await startThread(service);
    const final = await ask(thread, 'I am unsure where expenses go?');
    expect(JSON.stringify(final.args.blocks)).toContain('finance portal');
    const statuses = () => threadCalls('assistant.threads.setStatus', thread).map((c) => c.args.status);
    await until(() => statuses().length === 3);
    expect(statuses()).toEqual([SEARCHING, ESCALATING, '']);
  });

  it('shows the usual placeholder where the status line is refused, and titles no thread it did not see start', async () => {
    service.slack.failNext('assistant.threads.setStatus', 'missing_scope');
    const thread = nextTs();
    const final = await ask(thread, 'where is the finance portal for expenses?');
    const placeholder = threadCalls('chat.postMessage', thread).find((c) => c.args.text === THINKING);
    expect(placeholder).toBeDefined();
    expect(JSON.stringify(final.args.blocks)).toContain('finance portal');
    expect(threadCalls('assistant.threads.setStatus', thread)).toHaveLength(0);
    expect(threadCalls('assistant.threads.setTitle', thread)).toHaveLength(0);
  });

  it('indexes a file shared in the thread for the asker alone, and says so in the thread', async () => {
    const thread = await startThread(service);
    service.slack.files.set('FASSIST', {
      id: 'FASSIST',
      name: 'desk.md',
      content: '# Desk\n\nYour desk is D-17.',
    });
    const ts = nextTs();
    const share = { type: 'message', subtype: 'file_share', channel: DM, channel_type: 'im', user: 'U1' };
    await service.sendEvent({ ...share, text: '', ts, thread_ts: thread, files: [{ id: 'FASSIST' }] });
    const reply = await until(() =>
      threadCalls('chat.postMessage', thread).find((c) => c.args.text !== GREETING),
    );
    expect(reply.args.text).toBe('Indexed desk.md: 1 passage.');
    const docs = await service.services.knowledgeBase.listDocuments('T1');
    expect(docs.find((d) => d.source === 'desk.md')).toMatchObject({ scope: 'user:U1' });
  });

  it("reads the asker's DM documents and the tenant's, never another DM's nor the private channel in view", async () => {
    const thread = await startThread(service, 'CPRIV');
    await service.sendEvent({
      type: 'assistant_thread_context_changed',
      assistant_thread: {
        user_id: 'U1',
        context: { channel_id: 'CPRIV', team_id: 'T1' },
        channel_id: DM,
        thread_ts: thread,
      },
      event_ts: nextTs(),
    });
    const parking = await ask(thread, 'where is my parking spot?');
    expect(JSON.stringify(parking.args.blocks)).toContain('P-42');
    await ask(thread, 'what are the merger codename and the bonus code for U2?');
    // Neither the model nor the person saw a word of the other DM's or the private channel's documents.
    const read = JSON.stringify(service.openai.requests) + textsSentTo(service.slack, DM).join('\n');
    expect(read).toContain('P-42');
    expect(read).not.toContain('BLUEHERON');
    expect(read).not.toContain('ORCHID');
    // The channel in view is not even looked at.
    expect(service.slack.calls.some((c) => c.args.channel === 'CPRIV')).toBe(false);
  });

  it("suggests the tenant's most asked answered questions, never one asked in a DM", async () => {
    // Asked in public channels (each its own, so Slack's pace per channel does not queue them).
    const asked = ['how do I file expenses?', 'How do I file expenses', 'where is the finance portal?'];
    await Promise.all(
      asked.map(async (text, i) => {
        const channel = `CPUBLIC${i}`;
        await service.sendEvent({
          type: 'app_mention',
          channel,
          user: 'U3',
          text: `<@UBOT> ${text}`,
          ts: nextTs(),
        });
        await until(() => finals(channel)[0]);
      }),
    );
    const prompts = await promptsOf(await startThread(service));
    expect(prompts.title).toBe('Often asked');
    const messages = (prompts.prompts as { message: string }[]).map((p) => p.message);
    expect(messages).toEqual(['How do I file expenses', 'where is the finance portal?']);
    expect(messages.join(' ')).not.toMatch(/parking|merger|bonus/);
  });
});

describe('SLACK_ASSISTANT_PROMPTS', () => {
  let configured: SlackService;
  beforeAll(async () => {
    configured = await startSlackService({
      SLACK_ASSISTANT_PROMPTS: 'How do I file expenses?|Where is the VPN guide?',
    });
  });
  afterAll(async () => configured?.close());

  it('offers the configured prompts', async () => {
    const thread = await startThread(configured);
    const call = await until(() =>
      configured.slack
        .callsTo('assistant.threads.setSuggestedPrompts')
        .find((c) => c.args.thread_ts === thread),
    );
    expect(call.args.prompts).toEqual([
      { title: 'How do I file expenses?', message: 'How do I file expenses?' },
      { title: 'Where is the VPN guide?', message: 'Where is the VPN guide?' },
    ]);
  });
});
