import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackFileFetcher, slackSharedFile } from '../../adapters/slack/files.js';
import { createPlatforms, type RunningPlatform } from '../../src/composition/platforms.js';
import { createServices, type Services } from '../../src/composition/services.js';
import { loadConfig } from '../../src/config.js';
import { createMetrics } from '../../src/http/metrics.js';
import { buildHttpServer } from '../../src/http/server.js';
import { fetchUrl } from '../../src/ingestion/fetch-url.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai-server.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.js';
import { makePdf } from '../helpers/make-files.js';
import { scriptQuotingModel } from '../helpers/model-brain.js';
import { answersIn, eventCallback, slackSignature } from '../helpers/slack-events.js';
import { bytesOf } from '../helpers/temp-kb.js';
import { until } from '../helpers/until.js';

const SECRET = 'signing-secret';
let slack: FakeSlack;
let openai: FakeOpenAI;
let services: Services;
let platforms: RunningPlatform[];
let app: FastifyInstance;
let url: string;
let dir: string;
let eventCounter = 0;

async function send(body: string, contentType: string, headers: Record<string, string> = {}) {
  const ts = Math.floor(Date.now() / 1000);
  const signature = slackSignature(SECRET, ts, body);
  return fetch(`${url}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature,
      ...headers,
    },
    body,
  });
}

const sendEvent = (event: Record<string, unknown>, options: { eventId?: string; retry?: number } = {}) =>
  send(
    JSON.stringify(eventCallback(event, options.eventId ?? `Ev${++eventCounter}`)),
    'application/json',
    options.retry
      ? { 'x-slack-retry-num': String(options.retry), 'x-slack-retry-reason': 'http_timeout' }
      : {},
  );

const answersInChannel = (channel: string) => answersIn(slack, channel);

beforeAll(async () => {
  slack = await startFakeSlack();
  openai = await startFakeOpenAI();
  scriptQuotingModel(openai);
  dir = await mkdtemp(path.join(tmpdir(), 'docent-slack-'));
  const config = loadConfig({
    DATA_DIR: dir,
    LOG_LEVEL: process.env.DEBUG_SLACK ? 'debug' : 'silent',
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    OPENAI_API_KEY: 'test',
    OPENAI_BASE_URL: openai.url,
    EMBEDDINGS: 'local',
    // Longer than the slowest scripted model (30 s), which must answer rather than time out.
    LLM_TIMEOUT_MS: '45000',
    ANSWER_DEADLINE_MS: '45000',
  });
  const metrics = createMetrics();
  services = await createServices(config, { observers: [metrics.observer] });
  await services.knowledgeBase.ingest({
    tenantId: 'T1',
    scope: 'tenant',
    source: 'keys.md',
    fetchData: bytesOf(
      '# API keys\n\nRotate the production API key from Settings, then API, then Rotate.\n\n## Staging\n\nStaging keys rotate automatically every night.',
    ),
  });
  platforms = await createPlatforms(services);
  app = await buildHttpServer({
    services,
    metrics,
    plugins: platforms.flatMap((p) => (p.httpPlugin ? [p.httpPlugin] : [])),
  });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
  for (const p of platforms) await p.start();
});

afterAll(async () => {
  await app.close();
  for (const p of platforms) await p.stop();
  await services.close();
  await slack.close();
  await openai.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Slack through Bolt over HTTP', () => {
  it('refuses a request with a bad signature', async () => {
    const res = await fetch(`${url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-slack-signature': 'v0=bad',
      },
      body: '{}',
    });
    expect(res.status).toBe(401);
  });

  it('refuses a request whose timestamp is more than five minutes old', async () => {
    const body = '{"type":"event_callback"}';
    const ts = Math.floor(Date.now() / 1000) - 6 * 60;
    const signature = slackSignature(SECRET, ts, body);
    const res = await fetch(`${url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': signature,
      },
      body,
    });
    expect(res.status).toBe(401);
  });

  it('acknowledges /ask in well under 3 s even when the model takes 30 s, then answers', async () => {
    const form = new URLSearchParams({
      command: '/ask',
      text: 'rotate the API key glacially?',
      team_id: 'T1',
      channel_id: 'CSLOW',
      channel_name: 'general',
      user_id: 'U1',
      trigger_id: 'trig-slow',
      response_url: `${slack.apiUrl}response`,
    });
    const started = Date.now();
    const ack = await send(form.toString(), 'application/x-www-form-urlencoded');
    expect(ack.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    // The placeholder shows at once, while the model works.
    const placeholder = await until(() =>
      slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'CSLOW'),
    );
    expect(placeholder.at - started).toBeLessThan(2000);
    // The answer's text shows as it is written; the final answer replaces it.
    const update = await until(
      () =>
        slack.callsTo('chat.update').find((c) => c.args.channel === 'CSLOW' && Array.isArray(c.args.blocks)),
      40_000,
    );
    expect(update.at - started).toBeGreaterThanOrEqual(30_000);
    expect(answersInChannel('CSLOW')[0]).toContain('Rotate the production API key');
  }, 45_000);

  it('acknowledges /ask at once, shows a placeholder, then replaces it with the answer in Block Kit', async () => {
    const started = Date.now();
    const form = new URLSearchParams({
      command: '/ask',
      text: 'how do I rotate the API key?',
      team_id: 'T1',
      channel_id: 'CPUB',
      channel_name: 'general',
      user_id: 'U1',
      trigger_id: 'trig-1',
      response_url: `${slack.apiUrl}response`,
    });
    const ack = await send(form.toString(), 'application/x-www-form-urlencoded');
    expect(ack.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3000);
    // The acknowledgement tells the asker, and only them, that the answer is coming.
    expect(await ack.json()).toEqual({ response_type: 'ephemeral', text: 'Looking into it…' });
    // Text may show as it forms first; the final edit brings the Block Kit answer.
    const update = await until(() =>
      slack.callsTo('chat.update').find((c) => c.args.channel === 'CPUB' && c.args.blocks !== undefined),
    );
    const placeholder = slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'CPUB');
    expect(placeholder?.args.text).toContain('Looking through your documents');
    const blocks = update.args.blocks as {
      type: string;
      text?: { text: string };
      elements?: { text: string | { text: string }; action_id?: string }[];
    }[];
    expect(blocks[0]).toMatchObject({ type: 'section' });
    expect(blocks[0]?.text?.text).toContain('Rotate the production API key');
    expect(blocks[0]?.text?.text).toMatch(/\[1\]/);
    const sources = blocks.find((b) => b.type === 'context');
    expect((sources?.elements?.[0]?.text as string) ?? '').toContain('[1] API keys (keys.md)');
    const actions = blocks.find((b) => b.type === 'actions');
    expect(actions?.elements?.map((e) => e.action_id)).toEqual([
      'docent_feedback_up',
      'docent_feedback_down',
    ]);
  });

  it('answers a mention in its thread, once, although Slack sends it as message and app_mention, and retries it', async () => {
    const event = {
      type: 'app_mention',
      user: 'U1',
      text: '<@UBOT> how do staging keys rotate?',
      ts: '1800000000.000100',
      channel: 'CMENT',
    };
    await sendEvent(event, { eventId: 'EvMention' });
    await sendEvent({ ...event, type: 'message', channel_type: 'channel' }, { eventId: 'EvMessage' });
    await sendEvent(event, { eventId: 'EvMention', retry: 1 });
    const update = await until(() =>
      slack.callsTo('chat.update').find((c) => c.args.channel === 'CMENT' && c.args.blocks !== undefined),
    );
    expect(update.args.blocks).toBeDefined();
    await new Promise((r) => setTimeout(r, 300));
    const placeholders = slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'CMENT');
    expect(placeholders).toHaveLength(1);
    expect(placeholders[0]?.args.thread_ts).toBe('1800000000.000100');
    expect(answersInChannel('CMENT')[0]).toContain('Staging keys rotate automatically every night');
  });

  it('posts a cached answer to a mention straight into its thread, with no placeholder first', async () => {
    const mention = (ts: string) => ({
      type: 'app_mention',
      user: 'U1',
      text: '<@UBOT> where do I rotate the production API key?',
      ts,
      channel: 'CCACHED',
    });
    await sendEvent(mention('1800000100.000100'));
    await until(() =>
      slack.callsTo('chat.update').find((c) => c.args.channel === 'CCACHED' && c.args.blocks !== undefined),
    );
    await sendEvent(mention('1800000200.000100'));
    const second = await until(() =>
      slack
        .callsTo('chat.postMessage')
        .find((c) => c.args.channel === 'CCACHED' && c.args.thread_ts === '1800000200.000100'),
    );
    // The answer itself, not a placeholder to be replaced.
    expect(Array.isArray(second.args.blocks)).toBe(true);
    expect(answersInChannel('CCACHED').at(-1)).toContain('Rotate the production API key');
    expect(slack.callsTo('chat.update').filter((c) => c.args.channel === 'CCACHED')).toHaveLength(1);
  });

  it('follows up in a thread where it answered, without a mention, using the thread', async () => {
    await sendEvent({
      type: 'app_mention',
      user: 'U2',
      text: '<@UBOT> how do I rotate the API key?',
      ts: '1800000001.000100',
      channel: 'CTHREAD',
    });
    await until(() =>
      slack.callsTo('chat.update').find((c) => c.args.channel === 'CTHREAD' && c.args.blocks !== undefined),
    );
    await sendEvent({
      type: 'message',
      channel_type: 'channel',
      user: 'U2',
      text: 'what about it?',
      ts: '1800000002.000100',
      thread_ts: '1800000001.000100',
      channel: 'CTHREAD',
    });
    await until(() => (answersInChannel('CTHREAD').length >= 2 ? true : undefined));
    expect(answersInChannel('CTHREAD')[1]).toContain('Rotate the production API key');
    // A reply in a thread Docent never joined is left alone.
    await sendEvent({
      type: 'message',
      channel_type: 'channel',
      user: 'U2',
      text: 'lunch?',
      ts: '1800000003.000100',
      thread_ts: '1799999999.000100',
      channel: 'CTHREAD',
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(answersInChannel('CTHREAD')).toHaveLength(2);
  });

  it('answers a direct message in the DM', async () => {
    await sendEvent({
      type: 'message',
      channel_type: 'im',
      user: 'U3',
      text: 'how do I rotate the API key?',
      ts: '1800000004.000100',
      channel: 'DU3',
    });
    // The text shows as it forms, then the final edit brings the blocks with sources and buttons.
    const update = await until(() =>
      slack.callsTo('chat.update').find((c) => c.args.channel === 'DU3' && c.args.blocks !== undefined),
    );
    expect(JSON.stringify(update.args.blocks)).toContain('rotate');
    const placeholder = slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'DU3');
    expect(placeholder?.args.thread_ts).toBeUndefined();
  });

  it('ingests a file shared in a private channel once, answers in its thread, and keeps it in that channel', async () => {
    const pdf = makePdf([['Vault', 'The break-glass vault code is kept by the security lead.']]);
    slack.files.set('F1', {
      id: 'F1',
      name: 'vault.pdf',
      filetype: 'pdf',
      content: pdf,
      channel: 'GPRIV',
      ts: '1800000005.000100',
      private: true,
    });
    await sendEvent({
      type: 'message',
      subtype: 'file_share',
      channel_type: 'group',
      user: 'U4',
      text: '',
      ts: '1800000005.000100',
      channel: 'GPRIV',
      files: [{ id: 'F1' }],
    });
    await sendEvent({
      type: 'file_shared',
      file_id: 'F1',
      user_id: 'U4',
      channel_id: 'GPRIV',
      event_ts: '1800000005.000200',
    });
    const reply = await until(() =>
      slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'GPRIV'),
    );
    expect(reply.args).toMatchObject({
      text: 'Indexed vault.pdf: 1 passage.',
      thread_ts: '1800000005.000100',
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'GPRIV')).toHaveLength(1);
    const docs = await services.knowledgeBase.listDocuments('T1');
    expect(docs.find((d) => d.source === 'vault.pdf')?.scope).toBe('channel:GPRIV');
    // Asked elsewhere, the private file is invisible.
    await sendEvent({
      type: 'app_mention',
      user: 'U5',
      text: '<@UBOT> who keeps the break-glass vault code?',
      ts: '1800000006.000100',
      channel: 'COTHER',
    });
    await until(() =>
      slack.callsTo('chat.update').find((c) => c.args.channel === 'COTHER' && c.args.blocks !== undefined),
    );
    expect(answersInChannel('COTHER')[0]).not.toContain('security lead');
    // Asked in the private channel, it answers.
    await sendEvent({
      type: 'message',
      channel_type: 'group',
      user: 'U4',
      text: '<@UBOT> who keeps the break-glass vault code?',
      ts: '1800000007.000100',
      channel: 'GPRIV',
    });
    await sendEvent({
      type: 'app_mention',
      user: 'U4',
      text: '<@UBOT> who keeps the break-glass vault code?',
      ts: '1800000007.000100',
      channel: 'GPRIV',
    });
    await until(() =>
      slack.callsTo('chat.update').find((c) => c.args.channel === 'GPRIV' && c.args.blocks !== undefined),
    );
    expect(answersInChannel('GPRIV')[0]).toContain('security lead');
  });

  it('says clearly why a shared file could not be indexed', async () => {
    slack.files.set('F2', {
      id: 'F2',
      name: 'scan.png',
      // A PNG signature with no image after it: read with OCR, it is damaged.
      content: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
      channel: 'CFILES',
      ts: '1800000008.000100',
    });
    await sendEvent({
      type: 'message',
      subtype: 'file_share',
      channel_type: 'channel',
      user: 'U6',
      text: '',
      ts: '1800000008.000100',
      channel: 'CFILES',
      files: [{ id: 'F2' }],
    });
    const reply = await until(() =>
      slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'CFILES'),
    );
    expect(reply.args.text).toBe('Could not index scan.png: the image is damaged and could not be read.');
  });

  it('records 👍/👎 with the question and answer, and thanks the voter', async () => {
    const update = slack
      .callsTo('chat.update')
      .find((c) => c.args.channel === 'CPUB' && c.args.blocks !== undefined);
    const actions = ((update?.args.blocks ?? []) as { type: string; elements?: { value: string }[] }[]).find(
      (b) => b.type === 'actions',
    );
    const answerId = actions?.elements?.[0]?.value as string;
    const payload = {
      type: 'block_actions',
      team: { id: 'T1' },
      user: { id: 'U1' },
      channel: { id: 'CPUB' },
      api_app_id: 'A1',
      token: 'x',
      trigger_id: 'trig-2',
      actions: [
        {
          type: 'button',
          action_id: 'docent_feedback_down',
          block_id: `feedback:${answerId}`,
          value: answerId,
          action_ts: '1',
        },
      ],
    };
    const res = await send(
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      'application/x-www-form-urlencoded',
    );
    expect(res.status).toBe(200);
    await until(() => slack.callsTo('chat.postEphemeral').find((c) => c.args.user === 'U1'));
    const feedback = await services.history.feedback({ tenantId: 'T1' });
    expect(feedback[0]).toMatchObject({
      vote: 'down',
      question: 'how do I rotate the API key?',
    });
    expect(feedback[0]?.answer).toContain('Rotate the production API key');
    expect((await services.history.summary({ tenantId: 'T1' })).feedback).toMatchObject({ up: 0, down: 1 });
  });

  it('waits out a 429 from Slack and still posts', async () => {
    slack.rateLimitNext(1);
    await sendEvent({
      type: 'app_mention',
      user: 'U7',
      text: '<@UBOT> how do I rotate the API key?',
      ts: '1800000009.000100',
      channel: 'CRATE',
    });
    await until(
      () =>
        slack.callsTo('chat.update').find((c) => c.args.channel === 'CRATE' && c.args.blocks !== undefined),
      10_000,
    );
    const limited = slack.calls.find(
      (c) => c.method === 'chat.postMessage:429' && c.args.channel === 'CRATE',
    );
    const posted = slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'CRATE');
    expect(limited).toBeDefined();
    expect((posted?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(900);
  });
});

describe('Slack file downloads', () => {
  it('treats Slack’s sign-in page as an auth error, not a document', async () => {
    slack.files.set('F3', { id: 'F3', name: 'notes.txt', content: 'real notes' });
    const base = slack.apiUrl.replace('/api/', '');
    const file = { id: 'F3', name: 'notes.txt', filetype: 'text', url_private_download: `${base}/files/F3` };
    const fakeSlack = { apiUrl: slack.apiUrl, download: fetchUrl };
    await expect(slackFileFetcher('xoxb-wrong', fakeSlack)(slackSharedFile(file), 1_000_000)).rejects.toThrow(
      'notes.txt: Slack sent its sign-in page instead of the file; the bot token needs the files:read scope.',
    );
    const bytes = await slackFileFetcher(slack.botToken, fakeSlack)(slackSharedFile(file), 1_000_000);
    expect(new TextDecoder().decode(bytes)).toBe('real notes');
  });
});
