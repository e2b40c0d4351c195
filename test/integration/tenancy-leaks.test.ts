import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../src/core/message.js';
import { GUILD, PRIVATE_CHANNEL, PUBLIC_CHANNEL } from '../fakes/discord.js';
import { type Asked, askAll } from '../helpers/tenancy-asking.js';
import { generateQueries, type Query } from '../helpers/tenancy-queries.js';
import { seedWorld, storedScopes } from '../helpers/tenancy-seed.js';
import { startTenancyService, type TenancyService } from '../helpers/tenancy-service.js';
import { CANARY, mayRead, type Place, tenancyWorld, type World } from '../helpers/tenancy-world.js';

// The trust promise, tested adversarially: questions from every kind of place in several Slack and
// Discord tenants, most of them worded after documents the asker may not read, must never show a
// canary from a scope the asker may not read: not in the answer, not in its sources, not from the cache.
const QUERIES = 1000;
const SEED = 20_260_611;
// Asked in Slack and in Discord through their adapters rather than directly, of each.
const THROUGH_EACH_PLATFORM = 30;
// Questions answered at once, as a server answers several people.
const LANES = 4;

let service: TenancyService;
let world: World;
let asked: Asked[] = [];

/** Questions that open a conversation or continue a DM or thread, spread over the run, per platform. */
function throughPlatforms(queries: Query[]): Set<Query> {
  const chosen = new Set<Query>();
  for (const platform of ['slack', 'discord']) {
    const eligible = queries.filter(
      (q) =>
        q.place.via?.kind === platform &&
        q.kind !== 'followUp' &&
        // The question is shown back (Slack's /ask, a Discord thread's name): no canary in it.
        (q.text.match(CANARY) ?? []).length === 0,
    );
    const step = Math.max(1, Math.floor(eligible.length / THROUGH_EACH_PLATFORM));
    for (const q of eligible.filter((_, i) => i % step === 0).slice(0, THROUGH_EACH_PLATFORM)) chosen.add(q);
  }
  return chosen;
}

beforeAll(async () => {
  service = await startTenancyService();
  const { discord } = service;
  world = tenancyWorld(GUILD, {
    privateThread: discord.createThread({ parentId: PUBLIC_CHANNEL, type: 12 }),
    publicThreadOfPrivate: discord.createThread({ parentId: PRIVATE_CHANNEL, type: 11 }),
    publicThreadOfPublic: discord.createThread({ parentId: PUBLIC_CHANNEL, type: 11 }),
  });
  await seedWorld(service, world);
}, 60_000);

afterAll(async () => {
  await service?.close();
});

describe('tenancy under 1,000 adversarial questions', () => {
  it('stores every document under the scope the place it was shared in gives it', async () => {
    const stored = await storedScopes(service, world.docs);
    const wrong = world.docs
      .filter((d) => stored.get(d.canary) !== d.scope)
      .map((d) => `${d.canary}: ${stored.get(d.canary) ?? 'not stored'}, expected ${d.scope}`);
    expect(wrong).toEqual([]);
    expect(new Set(world.docs.map((d) => d.tenantId)).size).toBeGreaterThanOrEqual(6);
  });

  it('never shows a canary from a scope the asker may not read', async () => {
    const queries = generateQueries(world, QUERIES, SEED);
    asked = await askAll(service, world, queries, throughPlatforms(queries), LANES);
    const leaks = asked
      .filter((a) => a.leaks.length > 0)
      .map(
        (a) =>
          `#${a.q.index} ${a.q.kind} via ${a.via} at ${a.q.place.name}: "${a.q.text}" showed ${a.leaks.join(', ')}`,
      );
    expect({ leaks: leaks.length, first: leaks.slice(0, 20) }).toEqual({ leaks: 0, first: [] });
    expect(asked).toHaveLength(QUERIES);
    // Most questions aim where the asker may not read, from every place.
    const barred = asked.filter((a) => !mayRead(a.q.place, a.q.target)).length;
    expect(barred / QUERIES).toBeGreaterThan(0.5);
    expect(new Set(asked.map((a) => a.q.place.name)).size).toBe(world.places.length);
  }, 120_000);

  it('finds the canary the asker may read, so silence cannot pass for safety', () => {
    const aimed = asked.filter(
      (a) => ['targeted', 'words', 'canary'].includes(a.q.kind) && mayRead(a.q.place, a.q.target),
    );
    expect(aimed.length).toBeGreaterThan(100);
    const found = aimed.filter((a) => a.foundTarget).length;
    expect(found / aimed.length).toBeGreaterThan(0.9);
  });

  it('serves cached answers, and never one cached for a scope the asker may not read', () => {
    expect(asked.filter((a) => a.cached).length).toBeGreaterThan(20);
    // Echoes of questions whose answer showed their canary where it could be read, asked where it cannot.
    const echoes = asked.filter(
      (a) => a.q.kind === 'echo' && a.q.wordsOf && asked[a.q.wordsOf.index]?.foundTarget,
    );
    expect(echoes.length).toBeGreaterThan(50);
    expect(echoes.filter((a) => a.leaks.length > 0).map((a) => a.q.index)).toEqual([]);
    const neighbours = echoes.filter((a) => a.q.wordsOf?.place.tenantId === a.q.place.tenantId);
    expect(neighbours.length).toBeGreaterThan(25);
  });

  it('takes tenant, channel, person and privacy from Slack’s and Discord’s events as the rules say', () => {
    const viaPlatforms = asked.filter((a) => a.via !== 'direct');
    expect(viaPlatforms.length).toBeGreaterThanOrEqual(50);
    expect(new Set(viaPlatforms.map((a) => a.via))).toEqual(new Set(['slack', 'discord']));
    const differ = viaPlatforms.filter((a) => !sameOrigin(a.inbound, a.q.place));
    expect(differ.map((a) => `${a.q.place.name}: ${JSON.stringify(origin(a.inbound))}`)).toEqual([]);
  });
});

const origin = (m: InboundMessage | Place | undefined) =>
  m && {
    platform: m.platform,
    tenantId: m.tenantId,
    channelId: m.channelId,
    userId: m.userId,
    isDirectMessage: m.isDirectMessage,
    isPrivateChannel: m.isPrivateChannel,
    isExternallyShared: m.isExternallyShared === true,
  };

const sameOrigin = (m: InboundMessage | undefined, place: Place) =>
  JSON.stringify(origin(m)) === JSON.stringify(origin(place));
