import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatforms, type RunningPlatform } from '../../src/composition/platforms.js';
import { createServices, type Services } from '../../src/composition/services.js';
import { loadConfig } from '../../src/config.js';
import { APP_ID, type FakeDiscord, GUILD, PUBLIC_CHANNEL, startFakeDiscord } from '../fakes/discord.js';
import { bytesOf } from '../helpers/temp-kb.js';
import { until } from '../helpers/until.js';

// Without a model: the offline classifier and quoted answers, so "covered" is the documents' say alone.
let discord: FakeDiscord;
let services: Services;
let platforms: RunningPlatform[];
let dir: string;

const sentTo = (channelId: string) =>
  discord.calls
    .filter((c) => c.method === 'POST' && c.path === `/channels/${channelId}/messages`)
    .map((c) => JSON.stringify(c.body));
const threadOn = (messageId: string) =>
  discord.calls.find(
    (c) => c.method === 'POST' && c.path === `/channels/${PUBLIC_CHANNEL}/messages/${messageId}/threads`,
  );
const reactions = (method: 'PUT' | 'DELETE', messageId: string) =>
  discord.calls.filter(
    (c) =>
      c.method === method &&
      c.path.startsWith(`/channels/${PUBLIC_CHANNEL}/messages/${messageId}/reactions/`),
  );
const post = (content: string, extra: Partial<Parameters<FakeDiscord['postMessage']>[0]> = {}) =>
  discord.postMessage({ channelId: PUBLIC_CHANNEL, authorId: '1', content, ...extra });

beforeAll(async () => {
  discord = await startFakeDiscord();
  dir = await mkdtemp(path.join(tmpdir(), 'docent-discord-auto-'));
  services = await createServices(
    loadConfig({
      DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      DISCORD_TOKEN: 'bot-token',
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_GUILD_IDS: GUILD,
      DISCORD_API_URL: discord.apiUrl,
      EMBEDDINGS: 'local',
    }),
  );
  const docs: Record<string, string> = {
    'keys.md':
      '# API keys\n\nRotate the production API key from Settings, then API, then Rotate.\n\n## Staging\n\nStaging keys rotate automatically every night.',
    'lunch.md': '# Lunch\n\nLunch is served at noon in the canteen.',
  };
  for (const [source, text] of Object.entries(docs))
    await services.knowledgeBase.ingest({
      tenantId: GUILD,
      scope: 'tenant',
      source,
      fetchData: bytesOf(text),
    });
  await services.autoAnswer.set(GUILD, [PUBLIC_CHANNEL]);
  platforms = await createPlatforms(services);
  for (const p of platforms) await p.start();
  await until(() => discord.connected() && services);
});

afterAll(async () => {
  for (const p of platforms ?? []) await p.stop();
  await services?.close();
  await discord?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('auto-answer channels in Discord', () => {
  let answered: string;

  it('answers a covered question in a thread on it, without a mention', async () => {
    answered = post('how do I rotate the production API key?');
    const reply = await until(() => sentTo(answered)[0]);
    expect(reply).toContain('Settings, then API, then Rotate');
    expect(threadOn(answered)).toBeDefined();
    // Only a reaction showed while it worked, and it was taken off.
    await until(() => reactions('DELETE', answered)[0]);
    expect(reactions('PUT', answered)).toHaveLength(1);
    expect(sentTo(PUBLIC_CHANNEL)).toEqual([]);
  });

  it('stays silent on a question the documents do not cover', async () => {
    const uncovered = post('will it snow in Lisbon tomorrow?');
    await until(() => reactions('DELETE', uncovered)[0]);
    expect(reactions('PUT', uncovered)).toHaveLength(1);
    expect(threadOn(uncovered)).toBeUndefined();
    expect(sentTo(PUBLIC_CHANNEL)).toEqual([]);
  });

  it("ignores bots and people's replies to each other, but answers a follow-up in its own thread", async () => {
    const fromBot = post('how do I rotate the production API key?', { authorId: '7', fromBot: true });
    const reply = post('how do I rotate the production API key?', { authorId: '2', replyTo: fromBot });
    const thread = discord.createThread({ parentId: PUBLIC_CHANNEL, type: 11 });
    discord.postMessage({
      channelId: thread,
      authorId: '2',
      content: 'how do I rotate the production API key?',
    });
    discord.postMessage({ channelId: answered, authorId: '1', content: 'and for staging?' });
    await until(() => sentTo(answered).find((m) => m.includes('every night')));
    for (const ignored of [fromBot, reply]) {
      expect(reactions('PUT', ignored)).toEqual([]);
      expect(threadOn(ignored)).toBeUndefined();
    }
    expect(sentTo(thread)).toEqual([]);
  });
});

describe("a mention in people's conversation", () => {
  it("answers the thread's question, read from the thread without bots' messages", async () => {
    const thread = discord.createThread({ parentId: PUBLIC_CHANNEL, type: 11 });
    discord.postMessage({ channelId: thread, authorId: '1', content: 'Where is lunch served?' });
    discord.postMessage({ channelId: thread, authorId: '2', content: 'not sure' });
    discord.postMessage({
      channelId: thread,
      authorId: '7',
      fromBot: true,
      content: 'How do I rotate the production API key?',
    });
    discord.postMessage({
      channelId: thread,
      authorId: '2',
      content: '<@100> can you answer this?',
      mentionBot: true,
    });
    expect(await until(() => sentTo(thread)[0])).toContain('noon in the canteen');
  });

  it('answers the message a mention replies to', async () => {
    const asked = post('Where is lunch served?', { authorId: '3' });
    const mention = post('<@100> can you answer this?', { authorId: '4', replyTo: asked, mentionBot: true });
    expect(await until(() => sentTo(mention)[0] ?? sentTo(PUBLIC_CHANNEL)[0])).toContain(
      'noon in the canteen',
    );
  });
});
