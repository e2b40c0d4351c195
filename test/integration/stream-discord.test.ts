import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatforms, type RunningPlatform } from '../../src/composition/platforms.js';
import { createServices, type Services } from '../../src/composition/services.js';
import { loadConfig } from '../../src/config.js';
import { APP_ID, type FakeDiscord, GUILD, PUBLIC_CHANNEL, startFakeDiscord } from '../fakes/discord.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai-server.js';
import { grounded, scriptModel } from '../helpers/model-brain.js';
import { bytesOf } from '../helpers/temp-kb.js';
import { until } from '../helpers/until.js';

// Longer than one Discord message: the streamed text continues in a second one.
const SENTENCE = 'Staging keys rotate every night and production keys rotate from Settings, then API. ';
const ANSWER = `${SENTENCE.repeat(28).trim()} [1]`;

let discord: FakeDiscord;
let openai: FakeOpenAI;
let services: Services;
let platforms: RunningPlatform[];
let dir: string;

beforeAll(async () => {
  discord = await startFakeDiscord();
  openai = await startFakeOpenAI();
  // About 2 s of writing: 300 chunks of eight characters.
  scriptModel(openai, 'gpt-4o-mini', { answer: () => ({ structured: grounded(ANSWER), chunkDelayMs: 6 }) });
  dir = await mkdtemp(path.join(tmpdir(), 'docent-discord-stream-'));
  services = await createServices(
    loadConfig({
      DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      DISCORD_TOKEN: 'bot-token',
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_GUILD_IDS: GUILD,
      DISCORD_API_URL: discord.apiUrl,
      OPENAI_API_KEY: 'test',
      OPENAI_BASE_URL: openai.url,
      INGEST_THREADS: '0',
    }),
  );
  await services.knowledgeBase.ingest({
    tenantId: GUILD,
    scope: 'tenant',
    source: 'keys.md',
    fetchData: bytesOf('# API keys\n\nRotate the production API key from Settings, then API, then Rotate.'),
  });
  platforms = await createPlatforms(services);
  for (const p of platforms) await p.start();
  await until(() => discord.connected());
});

afterAll(async () => {
  for (const p of platforms ?? []) await p.stop();
  await services?.close();
  await discord?.close();
  await openai?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('answers streamed into Discord', { timeout: 40_000 }, () => {
  it('edits the /ask reply as the answer is written, a second apart, spilling into a follow-up', async () => {
    const id = discord.slashCommand({
      channelId: PUBLIC_CHANNEL,
      userId: '1',
      question: 'how do keys rotate?',
    });
    const ofReply = (c: { path: string }) => c.path.includes(`token-${id}`);
    const hasEmbed = (c: { body: Record<string, unknown> }) =>
      Array.isArray(c.body.embeds) && c.body.embeds.length > 0;
    await until(() => discord.calls.find((c) => ofReply(c) && c.method === 'PATCH' && hasEmbed(c)), 30_000);

    const edits = discord.calls.filter((c) => ofReply(c) && c.method === 'PATCH');
    const original = edits.filter((c) => c.path.endsWith('/messages/@original'));
    const previews = original.filter((c) => !hasEmbed(c)).map((c) => String(c.body.content));
    expect(previews.length).toBeGreaterThan(1);
    for (let i = 1; i < previews.length; i++)
      expect(String(previews[i]).length).toBeGreaterThanOrEqual(String(previews[i - 1]).length);
    // One edit a second per message at most, the final one included (less a little for the clock's grain).
    for (let i = 1; i < original.length; i++)
      expect(
        (original[i] as (typeof original)[number]).at - (original[i - 1] as { at: number }).at,
      ).toBeGreaterThan(900);

    // Past 2,000 characters the text went on in a follow-up, which the final answer's end replaced.
    const followUp = discord.calls.find((c) => ofReply(c) && c.method === 'POST');
    expect(String(followUp?.body.content).length).toBeGreaterThan(0);
    const finalPieces = edits.filter(
      (c) => !c.path.endsWith('/@original') || hasEmbed(c) || c === original.at(-1),
    );
    expect(finalPieces.map((c) => String(c.body.content)).join(' ')).toContain('[1]');
    expect(previews.every((text) => text.length <= 2000)).toBe(true);
  });
});
