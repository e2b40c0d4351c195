import type { AnswerResult } from '../../src/core/ask.js';
import type { InboundMessage } from '../../src/core/message.js';
import type { Query } from './tenancy-queries.js';
import { inboundAt } from './tenancy-seed.js';
import { sendSlackEvent, slackEnvelope, stringsIn, type TenancyService } from './tenancy-service.js';
import { type DiscordVia, leaksIn, type SlackVia, type World } from './tenancy-world.js';
import { until } from './until.js';

const BOT_MENTION = '<@UBOT>';

export interface Asked {
  q: Query;
  via: 'direct' | 'slack' | 'discord';
  /** Canaries the answer showed that the asker may not read. */
  leaks: string[];
  /** The target's canary came back (a success only where the asker may read it). */
  foundTarget: boolean;
  /** Served from the answer cache (known for questions asked directly). */
  cached?: boolean;
  /** The message the platform adapter made of the event. */
  inbound?: InboundMessage;
}

/**
 * Asks every query, `lanes` at a time, each after the ones it builds on: the earlier question whose
 * words it repeats, the conversation's previous turn, and (to tell replies apart) the previous
 * question asked in the same Slack channel or anywhere in Discord.
 */
export async function askAll(
  service: TenancyService,
  world: World,
  queries: Query[],
  throughPlatform: Set<Query>,
  lanes: number,
): Promise<Asked[]> {
  const asked = new Map<Query, Promise<Asked>>();
  const last = new Map<string, Promise<unknown>>();
  const lane = lanesOf(lanes);
  for (const q of queries) {
    const platform = throughPlatform.has(q);
    const keys = [`${q.place.platform}:${q.place.tenantId}:${q.threadId}`];
    if (platform) keys.push(q.place.platform === 'slack' ? `slack:${q.place.channelId}` : 'discord');
    const after = [...keys.map((k) => last.get(k)), q.wordsOf && asked.get(q.wordsOf)];
    // A platform question mostly waits (Slack takes a message a second per channel): it takes no lane.
    const run = Promise.all(after).then(() =>
      platform ? ask(service, world, q, true) : lane(() => ask(service, world, q, false)),
    );
    asked.set(q, run);
    for (const k of keys)
      last.set(
        k,
        run.catch(() => undefined),
      );
  }
  return Promise.all(queries.map((q) => asked.get(q) as Promise<Asked>));
}

/** Runs work at most `count` at a time. */
function lanesOf(count: number) {
  let free = count;
  const waiting: (() => void)[] = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (free > 0) free--;
    else await new Promise<void>((r) => waiting.push(r));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}

async function ask(service: TenancyService, world: World, q: Query, platform: boolean): Promise<Asked> {
  const answer = platform ? await askThroughPlatform(service, q) : await askDirectly(service, q);
  const all = answer.texts.join('\n');
  return {
    q,
    via: platform ? q.place.platform : 'direct',
    leaks: leaksIn(world, q.place, all),
    foundTarget: all.includes(q.target.canary),
    ...('result' in answer ? { cached: answer.result.cached } : { inbound: answer.inbound }),
  };
}

/** Asks through the message path every platform takes, as the adapter would have made the message. */
export async function askDirectly(
  service: TenancyService,
  q: Query,
): Promise<{ texts: string[]; result: AnswerResult }> {
  const outcome = await service.services.handleMessage(
    inboundAt(q.place, {
      eventId: `q${q.index}`,
      threadId: q.threadId,
      opensThread: q.opensThread,
      text: q.text,
    }),
  );
  if (outcome.kind !== 'answer') throw new Error(`query ${q.index} was not answered: ${outcome.kind}`);
  const { result } = outcome;
  return { texts: [result.answer, result.note ?? '', ...stringsIn(result.sources)], result };
}

/** Asks in Slack or Discord through the fakes; returns everything Docent sent back, and the message it made. */
export async function askThroughPlatform(
  service: TenancyService,
  q: Query,
): Promise<{ texts: string[]; inbound: InboundMessage }> {
  const { texts, eventId } =
    q.place.via?.kind === 'slack'
      ? await askSlack(service, q, q.place.via)
      : await askDiscord(service, q, q.place.via as DiscordVia);
  const inbound = await until(() => service.answered.find((m) => m.eventId === eventId));
  return { texts, inbound };
}

/** In a DM as a message, elsewhere as a mention or /ask (a guest from another organisation cannot run /ask). */
async function askSlack(service: TenancyService, q: Query, via: SlackVia) {
  const { slack, signedPost } = service;
  const { place } = q;
  const mark = slack.calls.length;
  let eventId: string;
  if (via.channelType === 'im') {
    const ts = await sendSlackEvent(service, place, via, {
      type: 'message',
      channel_type: 'im',
      text: q.text,
    });
    eventId = `msg:${place.channelId}:${ts}`;
  } else if (q.index % 2 === 0 || via.userTeam) {
    const mention = { type: 'app_mention', text: `${BOT_MENTION} ${q.text}` };
    eventId = `msg:${place.channelId}:${await sendSlackEvent(service, place, via, mention)}`;
  } else {
    const envelope = slackEnvelope(place, via);
    const form = new URLSearchParams({
      command: '/ask',
      text: q.text,
      team_id: String(envelope.team_id),
      ...(via.orgWide ? { enterprise_id: place.tenantId, is_enterprise_install: 'true' } : {}),
      channel_id: place.channelId,
      channel_name: via.channelType === 'group' ? 'privategroup' : 'general',
      user_id: place.userId,
      trigger_id: `trig-${q.index}`,
      response_url: `${slack.apiUrl}response`,
    });
    const res = await signedPost(form.toString(), 'application/x-www-form-urlencoded');
    if (res.status !== 200) throw new Error(`Slack answered /ask with ${res.status}`);
    eventId = `cmd:trig-${q.index}`;
  }
  const sent = () =>
    slack.calls
      .slice(mark)
      .filter((c) => ['chat.postMessage', 'chat.update', 'chat.postEphemeral'].includes(c.method))
      .filter((c) => c.args.channel === place.channelId);
  // The answer is in once the message with the feedback buttons is.
  await until(() => sent().some((c) => stringsIn(c.args.blocks).includes('docent_feedback_up')), 15_000);
  return { eventId, texts: sent().flatMap((c) => [...stringsIn(c.args.text), ...stringsIn(c.args.blocks)]) };
}

/** In a DM as a message, elsewhere as a mention or /ask. */
async function askDiscord(service: TenancyService, q: Query, via: DiscordVia) {
  const { discord } = service;
  const { userId } = q.place;
  const mark = discord.calls.length;
  let eventId: string;
  if (via.dm) {
    const id = discord.postMessage({ channelId: via.channel, authorId: userId, content: q.text, dm: true });
    eventId = `message:${id}`;
  } else if (q.index % 2 === 0) {
    const content = `<@100> ${q.text}`;
    eventId = `message:${discord.postMessage({ channelId: via.channel, authorId: userId, content, mentionBot: true })}`;
  } else {
    eventId = `interaction:${discord.slashCommand({ channelId: via.channel, userId, question: q.text })}`;
  }
  const sent = () => discord.calls.slice(mark);
  const answered = (c: { body: Record<string, unknown> }) =>
    Array.isArray(c.body.components) && c.body.components.length > 0;
  await until(() => sent().some(answered), 15_000);
  // The thread a mention opens is named after the question: not Docent's answer.
  return { eventId, texts: sent().flatMap((c) => stringsIn(c.path.endsWith('/threads') ? {} : c.body)) };
}
