import type { InboundMessage } from '../../src/core/message.js';
import type { Scope } from '../../src/core/types.js';

/**
 * Tenants, the places people ask in, and documents that each hold a unique canary, for the
 * adversarial tenancy suite. Who may read what is written out here place by place, from the rules
 * in docs/security.md, not worked out by the code under test.
 */

/**
 * Where someone asks (and shares files): one person in one conversation of one tenant. The fields
 * of a message are what the platform adapter must make of an event here (compared with what it made).
 */
export interface Place
  extends Pick<InboundMessage, 'tenantId' | 'channelId' | 'userId' | 'isDirectMessage' | 'isPrivateChannel'> {
  name: string;
  platform: 'slack' | 'discord';
  isExternallyShared: boolean;
  /** The scopes of `tenantId` a question asked here may read. */
  reads: Scope[];
  /** The Discord thread this place is, when it is one: the conversation runs on there. */
  thread?: string;
  /** Documents shared here, and the scope they must be stored under. */
  shares: { count: number; scope: Scope };
  /** How the platform sees it; absent when the fake platform cannot stage it (asked directly). */
  via?: SlackVia | DiscordVia;
}

export interface SlackVia {
  kind: 'slack';
  /** The event's channel_type, when Slack gives one. */
  channelType: 'channel' | 'group' | 'im';
  /** What conversations.info says of the channel. */
  info?: { is_private?: boolean; is_shared?: boolean; is_ext_shared?: boolean };
  /** The author's own workspace, when it is not the installation's. */
  userTeam?: string;
  /** An org-wide install of Enterprise Grid org `tenantId`, event from workspace `team`. */
  orgWide?: { team: string };
}

export interface DiscordVia {
  kind: 'discord';
  /** The Discord channel or thread the message is written in. */
  channel: string;
  dm?: boolean;
}

export interface CanaryDoc {
  canary: string;
  tenantId: string;
  scope: Scope;
  /** The place it was shared in, or undefined for the operator's (admin API / CLI). */
  sharedIn?: Place;
  /** Words no other document has. */
  words: [string, string];
  topic: Topic;
  text: string;
}

export interface Topic {
  title: string;
  phrase: string;
}

/** Topics are shared by many documents across scopes and tenants, so one question matches several. */
export const TOPICS: Topic[] = [
  { title: 'Vault', phrase: 'vault access code' },
  { title: 'Escrow', phrase: 'escrow account number' },
  { title: 'Badges', phrase: 'badge override pin' },
  { title: 'Launch', phrase: 'launch passphrase' },
  { title: 'Guest wifi', phrase: 'guest wifi password' },
  { title: 'Budget', phrase: 'budget approval reference' },
];

const WORDS = (
  'zephyr quokka basalt marigold tundra saffron obsidian pelican juniper cobalt walrus paprika ' +
  'glacier lantern mosaic nebula orchid parsnip quartz rhubarb sequoia tamarind umber vortex wombat ' +
  'yarrow zinnia anchovy bramble cinder dahlia falcon garnet heron indigo jackal lichen mango nutmeg ' +
  'ocelot pumice quince raven sorrel thistle urchin violet willow yucca zircon acorn bison cactus ' +
  'dingo egret fennel gecko hazel ibis jasper koala lotus macaw olive puffin tapir'
).split(' ');

export const CANARY = /CANARY-[A-Za-z0-9]+-[A-Za-z0-9]+-\d+/g;

/** Discord threads get their ids from the platform when they are opened. */
export interface DiscordThreads {
  privateThread: string;
  publicThreadOfPrivate: string;
  publicThreadOfPublic: string;
}

/**
 * Each kind of place with what a question asked there reads and where a file shared there goes,
 * as docs/security.md says: a public conversation's files are everyone's in the tenant; a private
 * one's stay in it; where people outside the tenant read along, only that conversation's documents
 * answer; a DM's files are its person's.
 */
const KINDS = {
  public: { private: false, external: false, dm: false, reads: ['tenant', 'own'], shareTo: 'tenant' },
  private: { private: true, external: false, dm: false, reads: ['tenant', 'own'], shareTo: 'own' },
  external: { private: false, external: true, dm: false, reads: ['own'], shareTo: 'own' },
  dm: { private: false, external: false, dm: true, reads: ['tenant', 'own'], shareTo: 'own' },
  externalDm: { private: false, external: true, dm: true, reads: ['own'], shareTo: 'own' },
} as const;

type Kind = keyof typeof KINDS;

function place(
  kind: Kind,
  name: string,
  [tenantId, channelId, userId]: [string, string, string],
  shares: number,
  via?: SlackVia | DiscordVia,
  thread?: string,
): Place {
  const k = KINDS[kind];
  const own: Scope = k.dm ? `user:${userId}` : `channel:${channelId}`;
  const scope = (s: 'tenant' | 'own'): Scope => (s === 'tenant' ? 'tenant' : own);
  return {
    name,
    platform: via?.kind ?? 'discord',
    tenantId,
    channelId,
    userId,
    isDirectMessage: k.dm,
    isPrivateChannel: k.private,
    isExternallyShared: k.external,
    reads: k.reads.map(scope),
    shares: { count: shares, scope: scope(k.shareTo) },
    via,
    thread,
  };
}

const slack = (channelType: SlackVia['channelType'], more: Omit<SlackVia, 'kind' | 'channelType'> = {}) => ({
  kind: 'slack' as const,
  channelType,
  ...more,
});
const PRIVATE = { info: { is_private: true } };
const CONNECT = { info: { is_shared: true, is_ext_shared: true } };
// Shared with another workspace of the same Enterprise Grid org.
const GRID = { info: { is_shared: true } };
const GUEST = { userTeam: 'TPARTNER' };
const ORG = { orgWide: { team: 'TE1A' } };

function slackPlaces(): Place[] {
  return [
    place('public', 'T1 #general', ['T1', 'C1GEN', 'U1'], 1, slack('channel')),
    place('public', 'T1 #random', ['T1', 'C1RND', 'U2'], 0, slack('channel')),
    place('private', 'T1 private #finance', ['T1', 'G1FIN', 'U1'], 2, slack('group', PRIVATE)),
    place('private', 'T1 private #legal', ['T1', 'G1LEG', 'U2'], 1, slack('group', PRIVATE)),
    place('external', 'T1 Connect #partner', ['T1', 'C1EXT', 'U1'], 1, slack('channel', CONNECT)),
    place(
      'external',
      'T1 Connect #partner, guest',
      ['T1', 'C1EXT', 'UG'],
      1,
      slack('channel', { ...CONNECT, ...GUEST }),
    ),
    // A workspace install: another workspace of its Grid org is outside the tenant.
    place('external', 'T1 #grid', ['T1', 'C1GRID', 'U2'], 1, slack('channel', GRID)),
    place('dm', 'T1 DM of U1', ['T1', 'D1U1', 'U1'], 1, slack('im')),
    place('dm', 'T1 DM of U2', ['T1', 'D1U2', 'U2'], 1, slack('im')),
    place('externalDm', 'T1 DM of a guest', ['T1', 'D1UG', 'UG'], 1, slack('im', GUEST)),
    place('public', 'E1 #all-hands', ['E1', 'CE1ALL', 'UE1'], 1, slack('channel', ORG)),
    // An org-wide install: the org's other workspaces are inside the tenant.
    place('public', 'E1 #grid', ['E1', 'CE1ORG', 'UE2'], 1, slack('channel', { ...ORG, ...GRID })),
    place('private', 'E1 private #board', ['E1', 'GE1BRD', 'UE1'], 1, slack('group', { ...ORG, ...PRIVATE })),
    // The same Slack Connect channel as T1's: both organisations installed Docent, each reads its own.
    place(
      'external',
      'E1 Connect #partner',
      ['E1', 'C1EXT', 'UE2'],
      1,
      slack('channel', { ...ORG, ...CONNECT }),
    ),
    place('dm', 'E1 DM of UE1', ['E1', 'DE1U1', 'UE1'], 1, slack('im', ORG)),
  ];
}

function discordPlaces(guild: string, threads: DiscordThreads): Place[] {
  const discord = (channel: string, dm?: boolean): DiscordVia => ({ kind: 'discord', channel, dm });
  const { privateThread: pt, publicThreadOfPrivate: tp, publicThreadOfPublic: tg } = threads;
  return [
    place('public', `${guild} #general`, [guild, '301', '11'], 1, discord('301')),
    place('private', `${guild} private #secret`, [guild, '302', '12'], 2, discord('302')),
    place('private', `${guild} private thread`, [guild, pt, '13'], 2, discord(pt), pt),
    // A public thread is as visible as its channel: it reads, and shares to, the channel's scope.
    place('private', `${guild} public thread in #secret`, [guild, '302', '14'], 1, discord(tp), tp),
    place('public', `${guild} public thread in #general`, [guild, '301', '15'], 1, discord(tg), tg),
    // A Discord DM belongs to no guild: its tenant is the person.
    place('dm', 'Discord DM of 501', ['dm-501', '5501', '501'], 1, discord('5501', true)),
    place('dm', 'Discord DM of 502', ['dm-502', '5502', '502'], 1, discord('5502', true)),
    // A guild the fake gateway does not serve, whose id starts like the other's: asked directly.
    place('public', '3000 #lobby', ['3000', '3001', '31'], 1),
    place('private', '3000 private #ops', ['3000', '3002', '32'], 1),
    place('private', '3000 private thread', ['3000', '3003', '33'], 1, undefined, '3003'),
    place('dm', 'Discord DM of 311', ['dm-311', '3311', '311'], 1),
  ];
}

/** The operator's documents (admin API, CLI) per tenant. */
const ADMIN_DOCS: Record<string, number> = { T1: 2, E1: 1, '300': 2, '3000': 1 };

export interface World {
  places: Place[];
  docs: CanaryDoc[];
}

export function tenancyWorld(discordGuild: string, threads: DiscordThreads): World {
  const places = [...slackPlaces(), ...discordPlaces(discordGuild, threads)];
  const docs: CanaryDoc[] = [];
  const words = [...WORDS];
  const add = (tenantId: string, scope: Scope, sharedIn?: Place) => {
    const n = docs.filter((d) => d.tenantId === tenantId).length;
    // Every tenant goes through the topics in the same order: each topic is in many scopes and tenants.
    const topic = TOPICS[n % TOPICS.length] as Topic;
    const pair = [words.shift(), words.shift()] as [string, string];
    const canary = `CANARY-${tenantId.replace(/\W/g, '')}-${scope.replace(/\W/g, '')}-${n + 1}`;
    const text = `# ${topic.title} ${canary}\n\nThe ${pair[0]} ${pair[1]} ${topic.phrase} is ${canary}. Only the ${pair[0]} team may change the ${topic.phrase}.\n`;
    docs.push({ canary, tenantId, scope, sharedIn, words: pair, topic, text });
  };
  for (const [tenantId, count] of Object.entries(ADMIN_DOCS))
    for (let i = 0; i < count; i++) add(tenantId, 'tenant');
  for (const p of places) for (let i = 0; i < p.shares.count; i++) add(p.tenantId, p.shares.scope, p);
  return { places, docs };
}

/** Whether a question asked at `place` may read `doc`. */
export const mayRead = (place: Place, doc: CanaryDoc) =>
  doc.tenantId === place.tenantId && place.reads.includes(doc.scope);

/** Every canary in `text` that `place` may not read (an unknown one counts: it is not ours to show). */
export function leaksIn(world: World, place: Place, text: string): string[] {
  const found = text.match(CANARY) ?? [];
  return found.filter((canary) => {
    const doc = world.docs.find((d) => d.canary === canary);
    return !doc || !mayRead(place, doc);
  });
}
