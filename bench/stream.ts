// npm run bench:stream: time from a question to its first visible text, 50 questions in flight,
// against a fake model that waits TTFT_MS before its first token and then writes eight characters
// every CHUNK_MS. Measured on the query API's Server-Sent Events (first `delta`) and on the
// message handler's text hook that the terminal, Slack and Discord presenters are given.
import { startFakeOpenAI } from '../test/fakes/openai-server.js';
import { type RunningService, startHttpService } from '../test/helpers/http-service.js';
import { grounded, scriptModel } from '../test/helpers/model-brain.js';
import { bytesOf } from '../test/helpers/temp-kb.js';

const TTFT_MS = 400;
const CHUNK_MS = 20;
const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 50);
const TOKEN = 'bench-token-0123456789abcdef';
const ANSWER = `Rotate the production API key from Settings, then API, then Rotate. ${'The old key keeps working for a day. '.repeat(6)}[1]`;
// The answer's JSON starts with `{"covered":true,"confidence":"high","answer":"`: its first
// character of text comes this many chunks after the model's first token.
const PREFIX_CHUNKS = Math.ceil('{"covered":true,"confidence":"high","answer":"'.length / 8);

const p = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
};

const openai = await startFakeOpenAI();
scriptModel(openai, 'gpt-4o-mini', {
  answer: () => ({ structured: grounded(ANSWER), delayMs: TTFT_MS, chunkDelayMs: CHUNK_MS }),
});
const env = {
  OPENAI_API_KEY: 'test',
  OPENAI_BASE_URL: openai.url,
  DOCENT_API_TOKENS: `acme:${TOKEN}`,
  RATE_LIMIT_PER_MINUTE: '0',
  TENANT_MAX_CONCURRENT: String(IN_FLIGHT),
  INGEST_THREADS: '0',
};
const svc: RunningService = await startHttpService(env);
await svc.services.knowledgeBase.ingest({
  tenantId: 'acme',
  scope: 'tenant',
  source: 'keys.md',
  fetchData: bytesOf('# API keys\n\nRotate the production API key from Settings, then API, then Rotate.'),
});

async function sseFirstText(i: number): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${svc.url}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ question: `how do I rotate the API key? (${i})`, stream: true }),
  });
  let first = 0;
  for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>)
    if (!first && new TextDecoder().decode(bytes).includes('event: delta'))
      first = performance.now() - started;
  return first;
}

async function hookFirstText(i: number): Promise<number> {
  const started = performance.now();
  let first = 0;
  await svc.services.handleMessage(
    {
      platform: 'terminal',
      tenantId: 'acme',
      channelId: 'bench',
      userId: `u${i}`,
      threadId: `t${i}-${Date.now()}`,
      opensThread: true,
      isDirectMessage: false,
      isPrivateChannel: false,
      text: `where is the API key rotated? (${i})`,
      files: [],
    },
    {
      stream: {
        onText: () => {
          first ||= performance.now() - started;
        },
        onReset: () => {},
      },
    },
  );
  return first;
}

const rows: string[] = [];
for (const [name, run] of [
  ['HTTP SSE, first delta', sseFirstText],
  ['text hook (terminal, Slack, Discord presenters)', hookFirstText],
] as const) {
  await run(-1);
  const times = await Promise.all(Array.from({ length: IN_FLIGHT }, (_, i) => run(i)));
  rows.push(`| ${name} | ${p(times, 0.5)} | ${p(times, 0.95)} | ${Math.round(Math.max(...times))} |`);
}
const modelFirstText = TTFT_MS + PREFIX_CHUNKS * CHUNK_MS;
console.log(`model: first token ${TTFT_MS} ms, first character of the answer's text ${modelFirstText} ms`);
console.log('| surface | p50 ms | p95 ms | max ms |\n|---|---|---|---|');
console.log(rows.join('\n'));
await svc.stop();
await openai.close();
