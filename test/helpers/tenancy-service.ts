import type { InboundMessage } from '../../src/core/message.js';
import { APP_ID, GUILD, startFakeDiscord } from '../fakes/discord.js';
import { startSlackService } from './slack-service.js';
import type { Place, SlackVia } from './tenancy-world.js';
import { until } from './until.js';

let slackTs = 1_800_000_000;
const nextTs = () => `${++slackTs}.000100`;

/**
 * Docent as `docent serve` runs it with the offline defaults (no model key: the extractive
 * answerer; the local embedder), serving Slack over HTTP through Bolt and Discord through
 * discord.js, both against fakes on 127.0.0.1. Records the message every answered question became.
 */
export async function startTenancyService() {
  const discord = await startFakeDiscord();
  const answered: InboundMessage[] = [];
  const service = await startSlackService(
    {
      OPENAI_API_KEY: '',
      DISCORD_TOKEN: 'bot-token',
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_GUILD_IDS: GUILD,
      DISCORD_API_URL: discord.apiUrl,
      // A handful of people ask a thousand questions here: per-person limits have tests of their own.
      RATE_LIMIT_PER_MINUTE: '0',
    },
    { observers: [{ answered: (message) => void answered.push({ ...message }) }] },
  );
  await until(() => discord.connected());
  // Once ready, discord.js has the guild's channels: a message before that would be dropped.
  for (const platform of service.platforms) await readyWithin(platform.ready);
  return {
    ...service,
    discord,
    answered,
    /** Where the fake Discord serves attachments from. */
    discordBase: discord.apiUrl.replace(/\/api$/, ''),
    async close() {
      await service.close();
      await discord.close();
    },
  };
}

async function readyWithin(ready: () => Promise<void>, ms = 8000): Promise<void> {
  for (const deadline = Date.now() + ms; ; ) {
    try {
      return await ready();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

export type TenancyService = Awaited<ReturnType<typeof startTenancyService>>;

/** Every string in a value: message text, blocks, embeds. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

/** The outer fields of a Slack event for the place's installation. */
export function slackEnvelope(place: Place, via: SlackVia): Record<string, unknown> {
  if (!via.orgWide)
    return {
      team_id: place.tenantId,
      authorizations: [{ team_id: place.tenantId, user_id: 'UBOT', is_bot: true }],
    };
  return {
    team_id: via.orgWide.team,
    enterprise_id: place.tenantId,
    is_enterprise_install: true,
    authorizations: [
      {
        enterprise_id: place.tenantId,
        team_id: null,
        user_id: 'UBOT',
        is_bot: true,
        is_enterprise_install: true,
      },
    ],
  };
}

/** An event from the place's person in its conversation; resolves to the message's ts once Slack has its 200. */
export function sendSlackEvent(
  service: TenancyService,
  place: Place,
  via: SlackVia,
  event: Record<string, unknown>,
) {
  const ts = nextTs();
  const author = via.userTeam ? { user_team: via.userTeam, team: via.userTeam } : {};
  const full = { user: place.userId, channel: place.channelId, ts, ...author, ...event };
  return service.sendEvent(full, slackEnvelope(place, via)).then((res) => {
    if (res.status !== 200) throw new Error(`Slack answered an event with ${res.status}`);
    return ts;
  });
}
