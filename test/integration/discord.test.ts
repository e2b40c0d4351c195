import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerPayloads } from '../../adapters/discord/render.js';
import { createPlatforms, type RunningPlatform } from '../../src/composition/platforms.js';
import { createServices, type Services } from '../../src/composition/services.js';
import { loadConfig } from '../../src/config.js';
import type { AnswerResult } from '../../src/core/ask.js';
import {
  APP_ID,
  type FakeDiscord,
  GUILD,
  PRIVATE_CHANNEL,
  PUBLIC_CHANNEL,
  startFakeDiscord,
} from '../fakes/discord.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai-server.js';
import { scriptQuotingModel } from '../helpers/model-brain.js';
import { bytesOf } from '../helpers/temp-kb.js';
import { until } from '../helpers/until.js';

let discord: FakeDiscord;
let openai: FakeOpenAI;
let services: Services;
let platforms: RunningPlatform[];
let dir: string;

const posted = (channelId: string) =>
  discord.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${channelId}/messages`);
const threadsCreated = () => discord.calls.filter((c) => c.method === 'POST' && /\/threads$/.test(c.path));

beforeAll(async () => {
  discord = await startFakeDiscord();
  openai = await startFakeOpenAI();
  scriptQuotingModel(openai);
  dir = await mkdtemp(path.join(tmpdir(), 'docent-discord-'));
  services = await createServices(
    loadConfig({
      DATA_DIR: dir,
      LOG_LEVEL: process.env.DEBUG_DISCORD ? 'debug' : 'silent',
      DISCORD_TOKEN: 'bot-token',
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_GUILD_IDS: GUILD,
      DISCORD_API_URL: discord.apiUrl,
      OPENAI_API_KEY: 'test',
      OPENAI_BASE_URL: openai.url,
      EMBEDDINGS: 'local',
    }),
  );
  await services.knowledgeBase.ingest({
    tenantId: GUILD,
    scope: 'tenant',
    source: 'keys.md',
    fetchData: bytesOf(
      '# API keys\n\nRotate the production API key from Settings, then API, then Rotate.\n\n## Staging\n\nStaging keys rotate automatically every night.',
    ),
  });
  platforms = await createPlatforms(services);
  for (const p of platforms) await p.start();
  await until(() => platforms[0] && (async () => true) && discord.connected());
  await platforms[0]?.ready();
});

afterAll(async () => {
  for (const p of platforms) await p.stop();
  await services.close();
  await discord.close();
  await openai.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Discord through discord.js', () => {
  it('registers /ask in the configured guild at start-up', () => {
    const put = discord.calls.find(
      (c) => c.method === 'PUT' && c.path === `/applications/${APP_ID}/guilds/${GUILD}/commands`,
    );
    expect(put?.body).toEqual([
      expect.objectContaining({
        name: 'ask',
        options: [expect.objectContaining({ name: 'question', required: true })],
      }),
    ]);
  });

  it('defers /ask, then edits in the answer with sources, buttons and no pings', async () => {
    const id = discord.slashCommand({
      channelId: PUBLIC_CHANNEL,
      userId: '1',
      question: 'how do I rotate the API key?',
    });
    // The answer's text shows as it is written; the final edit brings sources and buttons.
    const edit = await until(() =>
      discord.calls.find(
        (c) => c.method === 'PATCH' && c.path.includes('/messages/@original') && Boolean(c.body.embeds),
      ),
    );
    const defer = discord.calls.find((c) => c.path.startsWith(`/interactions/${id}/`));
    expect(defer?.body).toMatchObject({ type: 5 });
    expect((defer?.at ?? 0) <= edit.at).toBe(true);
    expect(edit.body.content).toContain('Rotate the production API key');
    expect(edit.body.allowed_mentions).toEqual({ parse: [] });
    const embed = (edit.body.embeds as { title?: string; description?: string }[])[0];
    expect(embed).toMatchObject({ title: 'Sources' });
    expect(embed?.description).toContain('[1] API keys (keys.md)');
    const buttons = (edit.body.components as { components: { custom_id: string }[] }[])[0]?.components.map(
      (c) => c.custom_id,
    );
    expect(buttons?.[0]).toMatch(/^docent_feedback:up:/);
  });

  it('defers a slash command within Discord’s 3 seconds even when the model takes 4', async () => {
    const sent = Date.now();
    const id = discord.slashCommand({
      channelId: PUBLIC_CHANNEL,
      userId: '9',
      question: 'please rotate the API key slowly?',
    });
    const defer = await until(() => discord.calls.find((c) => c.path.startsWith(`/interactions/${id}/`)));
    expect(defer.at - sent).toBeLessThan(3000);
    const edit = await until(
      () => discord.calls.find((c) => c.method === 'PATCH' && c.path.includes(`token-${id}`)),
      15_000,
    );
    expect(edit.at - sent).toBeGreaterThanOrEqual(4000);
    expect(String(edit.body.content)).toContain('Rotate the production API key');
  }, 20_000);

  it('answers a mention in a new thread and follows up there without a mention', async () => {
    discord.postMessage({
      channelId: PUBLIC_CHANNEL,
      authorId: '2',
      content: '<@100> how do I rotate the API key?',
      mentionBot: true,
    });
    await until(() => threadsCreated()[0]);
    const thread = await until(() =>
      discord.calls.find(
        (c) =>
          c.method === 'POST' &&
          /^\/channels\/\d+\/messages$/.test(c.path) &&
          !c.path.includes(PUBLIC_CHANNEL) &&
          String(c.body.content).includes('Rotate'),
      ),
    );
    const threadId = thread.path.split('/')[2] as string;
    discord.postMessage({ channelId: threadId, authorId: '2', content: 'what about it?' });
    const followUps = await until(() => (posted(threadId).length >= 2 ? posted(threadId) : undefined));
    expect(String(followUps[1]?.body.content)).toContain('Rotate the production API key');
  });

  it('keeps showing typing in the reply thread while a slow answer is written, and stops with the reply', async () => {
    const sent = Date.now();
    discord.postMessage({
      channelId: PUBLIC_CHANNEL,
      authorId: '6',
      content: '<@100> how do I rotate the API key haltingly?',
      mentionBot: true,
    });
    const typing = () =>
      discord.calls.filter((c) => c.at >= sent && /^\/channels\/\d+\/typing$/.test(c.path));
    const answer = await until(
      () =>
        discord.calls.find(
          (c) =>
            c.at >= sent &&
            c.method === 'POST' &&
            /^\/channels\/\d+\/messages$/.test(c.path) &&
            String(c.body.content).includes('Rotate'),
        ),
      15_000,
    );
    const threadId = answer.path.split('/')[2] as string;
    expect(threadId).not.toBe(PUBLIC_CHANNEL);
    const inThread = typing().filter((c) => c.path === `/channels/${threadId}/typing`);
    // Discord shows typing for about 10 s: renewed before it lapses during the 9 s answer.
    expect(inThread.length).toBeGreaterThanOrEqual(2);
    expect((inThread[1]?.at ?? 0) - (inThread[0]?.at ?? 0)).toBeLessThan(10_000);
    // Nothing renews it once the reply is there.
    await new Promise((r) => setTimeout(r, 9000));
    expect(typing().filter((c) => c.at > answer.at)).toEqual([]);
  }, 30_000);

  it('answers a direct message in the DM, from what that person shared with Docent', async () => {
    // A DM belongs to no guild: its tenant is the person, who first shares a file there.
    discord.postMessage({
      channelId: '555',
      authorId: '3',
      content: '',
      dm: true,
      files: [{ name: 'desk.md', content: '# Desks\n\nHot desks are booked in Officely the day before.' }],
    });
    expect((await until(() => posted('555')[0])).body.content).toBe('Indexed desk.md: 1 passage.');
    discord.postMessage({ channelId: '555', authorId: '3', content: 'how are hot desks booked?', dm: true });
    const reply = await until(() => posted('555')[1]);
    expect(String(reply.body.content)).toContain('Hot desks are booked in Officely');
    expect((await services.knowledgeBase.listDocuments('dm-3'))[0]?.scope).toBe('user:3');
  });

  it('ingests an attachment in a channel @everyone cannot see, and keeps it there', async () => {
    discord.postMessage({
      channelId: PRIVATE_CHANNEL,
      authorId: '4',
      content: '',
      files: [
        { name: 'vault.md', content: '# Vault\n\nThe break-glass vault code is kept by the security lead.' },
      ],
    });
    const reply = await until(() => posted(PRIVATE_CHANNEL)[0]);
    expect(reply.body.content).toBe('Indexed vault.md: 1 passage.');
    const docs = await services.knowledgeBase.listDocuments(GUILD);
    expect(docs.find((d) => d.source === 'vault.md')?.scope).toBe(`channel:${PRIVATE_CHANNEL}`);
    const asked = discord.slashCommand({
      channelId: PUBLIC_CHANNEL,
      userId: '5',
      question: 'who keeps the break-glass vault code?',
    });
    const edit = await until(() =>
      discord.calls.find((c) => c.method === 'PATCH' && c.path.includes(`token-${asked}`)),
    );
    expect(String(edit.body.content)).not.toContain('security lead');
  });

  it('keeps a file shared in a private thread to that thread, though its channel is public', async () => {
    const thread = discord.createThread({ parentId: PUBLIC_CHANNEL, type: 12 });
    discord.postMessage({
      channelId: thread,
      authorId: '7',
      content: '',
      files: [
        { name: 'bonus.md', content: '# Bonus\n\nThe bonus pool this year is four percent of salary.' },
      ],
    });
    expect((await until(() => posted(thread)[0])).body.content).toBe('Indexed bonus.md: 1 passage.');
    const docs = await services.knowledgeBase.listDocuments(GUILD);
    expect(docs.find((d) => d.source === 'bonus.md')?.scope).toBe(`channel:${thread}`);
    // Asked in the public channel, by someone not in the thread: not a word of it.
    const asked = discord.slashCommand({
      channelId: PUBLIC_CHANNEL,
      userId: '8',
      question: 'how big is the bonus pool?',
    });
    const edit = await until(() =>
      discord.calls.find((c) => c.method === 'PATCH' && c.path.includes(`token-${asked}`)),
    );
    expect(String(edit.body.content)).not.toContain('four percent');
    // Asked in the thread itself: answered from it.
    discord.postMessage({
      channelId: thread,
      authorId: '7',
      content: '<@100> how big is the bonus pool?',
      mentionBot: true,
    });
    expect(String((await until(() => posted(thread)[1])).body.content)).toContain('four percent');
  });

  it('keeps a file shared in a public thread of a private channel to that channel', async () => {
    const thread = discord.createThread({ parentId: PRIVATE_CHANNEL, type: 11 });
    discord.postMessage({
      channelId: thread,
      authorId: '4',
      content: '',
      files: [{ name: 'audit.md', content: '# Audit\n\nThe external audit starts on the third of March.' }],
    });
    expect((await until(() => posted(thread)[0])).body.content).toBe('Indexed audit.md: 1 passage.');
    const docs = await services.knowledgeBase.listDocuments(GUILD);
    expect(docs.find((d) => d.source === 'audit.md')?.scope).toBe(`channel:${PRIVATE_CHANNEL}`);
  });

  it('waits out a 429 from REST and still posts', async () => {
    discord.rateLimitNext(1);
    discord.postMessage({
      channelId: '556',
      authorId: '6',
      content: 'how do I rotate the API key?',
      dm: true,
    });
    const reply = await until(() => posted('556')[0], 10_000);
    const limited = discord.calls.find((c) => c.method === 'POST:429' && c.path === '/channels/556/messages');
    expect(limited).toBeDefined();
    expect(reply.at - (limited?.at ?? 0)).toBeGreaterThanOrEqual(400);
  });

  it('resumes after a gateway disconnect and keeps answering', async () => {
    discord.dropConnections();
    await until(() => discord.resumes > 0 || discord.identifies > 1);
    await until(() => discord.connected());
    discord.postMessage({ channelId: '555', authorId: '3', content: 'when are hot desks booked?', dm: true });
    const reply = await until(() => posted('555')[2], 10_000);
    expect(String(reply.body.content)).toContain('the day before');
  });

  it('records feedback from the buttons', async () => {
    // The answer's final edit carries the buttons; the edits before it show the text as it forms.
    const edit = discord.calls.find(
      (c) =>
        c.method === 'PATCH' &&
        c.path.includes('/messages/@original') &&
        Array.isArray(c.body.components) &&
        c.body.components.length > 0,
    );
    const customId = ((edit?.body.components ?? []) as { components: { custom_id: string }[] }[])[0]
      ?.components[1]?.custom_id as string;
    discord.pressButton({ channelId: PUBLIC_CHANNEL, userId: '1', customId });
    await until(() =>
      discord.calls.find((c) => c.path.includes('/callback') && (c.body as { type?: number }).type === 4),
    );
    const feedback = await services.history.feedback({ tenantId: GUILD });
    expect(feedback[0]).toMatchObject({
      vote: 'down',
      question: 'how do I rotate the API key?',
    });
  });
});

describe('Discord rendering', () => {
  it('splits a long answer at sentence ends under 2,000 characters and never pings', () => {
    const result: AnswerResult = {
      id: 'x',
      answer: 'This sentence is part of a long answer @everyone. '.repeat(120),
      sources: [],
      route: 'cheap',
      model: 'm',
      cached: false,
      latency_ms: 1,
      tokens: { input: 0, output: 0 },
      cost_usd: 0,
    };
    const payloads = answerPayloads(result);
    expect(payloads.length).toBeGreaterThan(2);
    for (const p of payloads) {
      expect((p.content ?? '').length).toBeLessThanOrEqual(2000);
      expect(p.content?.endsWith('.')).toBe(true);
      expect(p.allowedMentions).toEqual({ parse: [] });
    }
    expect(payloads.slice(0, -1).every((p) => p.components === undefined)).toBe(true);
  });
});
