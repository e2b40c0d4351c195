// npm run bench:stream: time from a question to its first visible text, IN_FLIGHT questions asked
// at once by as many different people, on each surface: the query API's Server-Sent Events (first
// `delta`), Slack (the first chat.startStream, appendStream or text update the fake Slack API
// receives), Discord (the first edit of the /ask reply with text the fake Discord receives) and
// the message handler's text hook (the terminal's presenter). Against a fake model in a process
// of its own that classifies after CLASSIFY_MS and answers after TTFT_MS, then writes eight
// characters every CHUNK_MS. Limits are the defaults, except the workspace ceiling, set to
// IN_FLIGHT: with the default 8, questions 9 to 50 would wait for a turn.
import { type ChildProcess, fork } from 'node:child_process';
import { THINKING } from '../adapters/slack/streamed-reply.js';
import { APP_ID, GUILD, PUBLIC_CHANNEL, startFakeDiscord } from '../test/fakes/discord.js';
import { type SlackService, startSlackService } from '../test/helpers/slack-service.js';
import { bytesOf } from '../test/helpers/temp-kb.js';
import { until } from '../test/helpers/until.js';
import type { ModelCall } from './stream-model.js';

const TTFT_MS = Number(process.env.TTFT_MS ?? 400);
const CHUNK_MS = Number(process.env.CHUNK_MS ?? 20);
const CLASSIFY_MS = Number(process.env.CLASSIFY_MS ?? 0);
const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 50);
const ANSWER = `Rotate the production API key from Settings, then API, then Rotate. ${'The old key keeps working for a day. '.repeat(6)}[1]`;
// The answer's JSON starts with `{"covered":true,"confidence":"high","answer":"`, and a word shows
// once the space after it came: the first word's end is this many chunks after the first token.
const FIRST_WORD_CHUNKS = Math.ceil('{"covered":true,"confidence":"high","answer":"Rotate '.length / 8);
const tokenOf = (i: number) => `bench-token-${String(i + 1).padStart(4, '0')}-0123456789abcdef`;
const DOCUMENT = '# API keys\n\nRotate the production API key from Settings, then API, then Rotate.';

const model: ChildProcess = fork(new URL('./stream-model.ts', import.meta.url).pathname, {
  execArgv: ['--import', 'tsx'],
  env: {
    ...process.env,
    TTFT_MS: `${TTFT_MS}`,
    CHUNK_MS: `${CHUNK_MS}`,
    CLASSIFY_MS: `${CLASSIFY_MS}`,
    ANSWER,
  },
});
model.on('exit', (code) => {
  if (code !== 0) throw new Error(`the fake model stopped (${code})`);
});
const fromModel = <T>(ask?: string) =>
  new Promise<T>((resolve) => {
    model.once('message', (m) => resolve(m as T));
    if (ask) model.send(ask);
  });
const { url: modelUrl } = await fromModel<{ url: string }>();

const discord = await startFakeDiscord();
const service: SlackService = await startSlackService({
  OPENAI_BASE_URL: modelUrl,
  EMBEDDINGS: 'openai',
  DOCENT_API_TOKENS: Array.from({ length: IN_FLIGHT + 1 }, (_, i) => `acme:${tokenOf(i)}`).join(','),
  TENANT_MAX_CONCURRENT: String(IN_FLIGHT),
  DISCORD_TOKEN: 'bot-token',
  DISCORD_APPLICATION_ID: APP_ID,
  DISCORD_GUILD_IDS: GUILD,
  DISCORD_API_URL: discord.apiUrl,
  INGEST_THREADS: '0',
});
for (const tenantId of ['acme', 'T1', GUILD])
  await service.services.knowledgeBase.ingest({
    tenantId,
    scope: 'tenant',
    source: 'keys.md',
    fetchData: bytesOf(DOCUMENT),
  });
await until(() => discord.connected());

/**
 * One asker's question: resolves with when its first text was seen (epoch ms), or with a probe
 * that tells it once every answer is in, so that nothing polls per asker while they are made.
 */
type Ask = (i: number, question: string) => Promise<number | (() => number | undefined)>;

const sse: Ask = async (i, question) => {
  const res = await fetch(`${service.url}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenOf(i)}` },
    body: JSON.stringify({ question, stream: true }),
  });
  let first = 0;
  for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>)
    if (!first && new TextDecoder().decode(bytes).includes('event: delta')) first = Date.now();
  return first;
};

let slackEvents = 0;
const slackShows = (c: { method: string; args: Record<string, unknown> }) =>
  c.method === 'chat.update'
    ? !Array.isArray(c.args.blocks) && c.args.text !== THINKING
    : ((c.args.chunks ?? []) as { text?: string }[]).some((chunk) => chunk.text) ||
      Boolean(c.args.markdown_text);
const slack: Ask = async (i, question) => {
  const channel = `CB${i + 1}`;
  const ts = `1900000${String(++slackEvents).padStart(3, '0')}.000100`;
  await service.sendEvent({
    type: 'app_mention',
    user: `UB${i + 1}`,
    text: `<@UBOT> ${question}`,
    ts,
    channel,
  });
  return () => {
    const updates = service.slack.callsTo('chat.update').filter((c) => c.args.channel === channel);
    if (!updates.some((c) => Array.isArray(c.args.blocks))) return undefined;
    const writes = ['chat.startStream', 'chat.appendStream']
      .flatMap((m) => service.slack.callsTo(m))
      .filter((c) => c.args.channel === channel)
      .concat(updates)
      .filter(slackShows);
    return Math.min(...writes.map((c) => c.at));
  };
};

const discordAsk: Ask = async (i, question) => {
  const id = discord.slashCommand({ channelId: PUBLIC_CHANNEL, userId: String(5000 + i), question });
  const hasEmbed = (c: { body: Record<string, unknown> }) =>
    Array.isArray(c.body.embeds) && c.body.embeds.length > 0;
  return () => {
    const edits = discord.calls.filter((c) => c.method === 'PATCH' && c.path.includes(`token-${id}`));
    if (!edits.some(hasEmbed)) return undefined;
    return edits.find((c) => !hasEmbed(c) && c.body.content)?.at ?? Number.NaN;
  };
};

/** Every asker's first text, once every answer is in. */
async function firstTexts(asked: Promise<number | (() => number | undefined)>[]): Promise<number[]> {
  const outcomes = await Promise.all(asked);
  const probes = outcomes.map((o) => (typeof o === 'number' ? () => o : o));
  return until(() => {
    const firsts = probes.map((probe) => probe());
    return firsts.every((t) => t !== undefined) && (firsts as number[]);
  }, 120_000);
}

const hook: Ask = async (i, question) => {
  let first = 0;
  await service.services.handleMessage(
    {
      platform: 'terminal',
      tenantId: 'acme',
      channelId: 'bench',
      userId: `terminal-${i}`,
      threadId: `bench-${question}`,
      opensThread: true,
      isDirectMessage: false,
      isPrivateChannel: false,
      text: question,
      files: [],
    },
    {
      stream: {
        onText: () => {
          first ||= Date.now();
        },
        onReset: () => {},
      },
    },
  );
  return first;
};

const p = (values: number[], q: number) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN);
};
const loads: string[] = [];
const load = async () => (await import('node:os')).loadavg()[0]?.toFixed(1) ?? '?';

let asked = 0;
const rows: string[] = [];
for (const [name, ask] of [
  ['HTTP SSE, first `delta`', sse],
  ['Slack, first text written', slack],
  ['Discord, first text edit', discordAsk],
  ['text hook (terminal)', hook],
] as const) {
  const question = () => `how do I rotate the API key? (q${++asked})`;
  await firstTexts([ask(IN_FLIGHT, question())]);
  const started: number[] = [];
  const markers: string[] = [];
  const firsts = await firstTexts(
    Array.from({ length: IN_FLIGHT }, (_, i) => {
      const q = question();
      markers[i] = /\(q\d+\)/.exec(q)?.[0] ?? '';
      started[i] = Date.now();
      return ask(i, q);
    }),
  );
  loads.push(await load());
  const { calls } = await fromModel<{ calls: ModelCall[] }>('calls');
  const arrival = (schema: string, i: number) =>
    (calls.find((c) => c.schema === schema && c.marker === markers[i])?.at ?? Number.NaN) -
    (started[i] as number);
  const first = firsts.map((t, i) => t - (started[i] as number));
  const classify = markers.map((_, i) => arrival('classification', i));
  const answer = markers.map((_, i) => arrival('grounded_answer', i));
  const cell = (v: number[]) => `${p(v, 0.5)} / ${p(v, 0.95)}`;
  const afterCall = first.map((t, i) => t - (answer[i] as number));
  rows.push(`| ${name} | ${cell(classify)} | ${cell(answer)} | ${cell(afterCall)} | **${cell(first)}** |`);
}

const floor = TTFT_MS + FIRST_WORD_CHUNKS * CHUNK_MS;
console.log(
  `${IN_FLIGHT} askers at once; model: classify ${CLASSIFY_MS} ms, first token ${TTFT_MS} ms, a chunk every ${CHUNK_MS} ms (first word complete ${floor} ms after the answer call); target first text p95 ≤ ${TTFT_MS + 300} ms; load average ${loads.join(', ')}`,
);
console.log(
  '| surface, p50 / p95 ms | classify call at model | answer call at model | first text after answer call | first text |\n|---|---|---|---|---|',
);
console.log(rows.join('\n'));
model.send('close');
await service.close();
await discord.close();
process.exit(0);
