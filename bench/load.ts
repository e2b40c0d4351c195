// npm run bench:load: 200 simulated people across 2 `docent serve` processes sharing one Redis
// and one data directory, for 60 s, with a fake model of realistic latency. Reports answers/s,
// time to answer, the throttled share and each instance's peak RSS.
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServices } from '../src/composition/services.js';
import { loadConfig } from '../src/config.js';
import { ingestFiles } from '../src/ingestion/ingest-files.js';
import { collectFiles } from '../src/ingestion/local-files.js';
import { startFakeOpenAI } from '../test/fakes/openai-server.js';
import { scriptModel } from '../test/helpers/model-brain.js';
import { startServeProcess } from '../test/helpers/serve-process.js';
import { rng, zipfDraw } from './corpus.js';

const USERS = 200;
const TENANTS = 20;
const SECONDS = 60;
// A person reads the answer and thinks before the next question: 3 to 9 s.
const THINK_MS = [3000, 9000] as const;
// Latencies of a hosted small model: classification is short, an answer takes longer.
const CLASSIFY_MS = 400;
const ANSWER_MS = 1200;

const random = rng(7);
const questions = (await readFile('test/fixtures/eval/questions.jsonl', 'utf8'))
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l).question as string);
// Zipf over the labelled questions: a few are asked often, most rarely.
const draw = zipfDraw(questions, random);

const openai = await startFakeOpenAI();
scriptModel(openai, 'gpt-4o-mini', {
  classify: (prompt) => ({
    structured: {
      intent: 'question',
      complexity: 'simple',
      standalone: /New message:\n([\s\S]*)$/.exec(prompt)?.[1]?.trim() ?? prompt,
    },
    usage: { prompt_tokens: 200, completion_tokens: 20 },
    delayMs: CLASSIFY_MS,
  }),
  answer: (prompt) => {
    const passage = /<passage n="1"[^>]*>\n([\s\S]*?)\n<\/passage>/.exec(prompt)?.[1] ?? '';
    return {
      structured: {
        answer: `${passage.replace(/\s+/g, ' ').slice(0, 300)} [1]`,
        cited: [1],
        covered: true,
        confidence: 'high',
      },
      usage: { prompt_tokens: 1200, completion_tokens: 120 },
      delayMs: ANSWER_MS,
    };
  },
});

const dir = await mkdtemp(path.join(tmpdir(), 'docent-bench-load-'));
// Fresh tenant names each run, so answers cached in Redis by an earlier run are not hits.
const run = randomUUID().slice(0, 6);
const tenants = Array.from({ length: TENANTS }, (_, i) => `team-${run}-${String(i + 1).padStart(2, '0')}`);
{
  const services = await createServices(
    loadConfig({ DATA_DIR: dir, REDIS_URL: 'redis://127.0.0.1:6379', LOG_LEVEL: 'silent' }),
  );
  const { files } = await collectFiles([path.resolve('samples/northwind')]);
  for (const tenantId of tenants)
    await ingestFiles(services.knowledgeBase, files, { tenantId, scope: 'tenant' });
  await services.close();
}

function tenantOf(person: number): string {
  return tenants[person % TENANTS] as string;
}
function tokenOf(person: number): string {
  return `bench-person-${run}-${String(person).padStart(4, '0')}`;
}

const env = {
  DATA_DIR: dir,
  REDIS_URL: 'redis://127.0.0.1:6379',
  JOB_QUEUE_PREFIX: `bench-${randomUUID().slice(0, 8)}`,
  OPENAI_API_KEY: 'bench',
  OPENAI_BASE_URL: openai.url,
  EMBEDDINGS: 'local',
  // A token per person, bound to that person's tenant: limits follow what was authenticated.
  DOCENT_API_TOKENS: Array.from({ length: USERS }, (_, i) => `${tenantOf(i)}:${tokenOf(i)}`).join(','),
  LOG_LEVEL: 'warn',
};
const instances = [await startServeProcess(env), await startServeProcess(env)];

interface Sample {
  status: number;
  ms: number;
  cached: boolean;
  route?: string;
}
const samples: Sample[] = [];
const between = (a: number, b: number) => a + random() * (b - a);
const deadline = Date.now() + SECONDS * 1000;
async function person(index: number): Promise<void> {
  // A load balancer without affinity: each question may land on either instance.
  await new Promise((r) => setTimeout(r, between(0, THINK_MS[1])));
  while (Date.now() < deadline) {
    const instance = instances[Math.floor(random() * instances.length)] as (typeof instances)[number];
    const started = performance.now();
    const response = await fetch(`${instance.base}/api/v1/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf(index)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ question: draw(), session_id: `person-${index}` }),
    }).catch(() => undefined);
    const body = response?.ok ? ((await response.json()) as { cached: boolean; route: string }) : undefined;
    samples.push({
      status: response?.status ?? 0,
      ms: performance.now() - started,
      cached: body?.cached ?? false,
      route: body?.route,
    });
    await new Promise((r) => setTimeout(r, between(...THINK_MS)));
  }
}
const began = performance.now();
await Promise.all(Array.from({ length: USERS }, (_, i) => person(i)));
const elapsedS = (performance.now() - began) / 1000;
// The kernel's high-water mark of each instance's resident memory over the whole run.
const peakRss = await Promise.all(
  instances.map(async (instance) => {
    const status = await readFile(`/proc/${instance.child.pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  }),
);

const answered = samples.filter((s) => s.status === 200);
const percentiles = (list: Sample[]) => {
  const sorted = list.map((s) => s.ms).sort((x, y) => x - y);
  const at = (p: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0);
  return { p50: at(0.5), p99: at(0.99), max: Math.round(sorted.at(-1) ?? 0) };
};
const report = {
  users: USERS,
  tenants: TENANTS,
  instances: instances.length,
  seconds: Math.round(elapsedS),
  model_ms: { classify: CLASSIFY_MS, answer: ANSWER_MS },
  questions: samples.length,
  answers_per_s: Number((answered.length / elapsedS).toFixed(1)),
  answer_ms: percentiles(answered),
  model_answer_ms: percentiles(answered.filter((s) => !s.cached)),
  cached_answer_ms: percentiles(answered.filter((s) => s.cached)),
  cached_share: Number((answered.filter((s) => s.cached).length / Math.max(1, answered.length)).toFixed(3)),
  routes: Object.fromEntries(
    [...new Set(answered.map((s) => s.route))].map((r) => [r, answered.filter((s) => s.route === r).length]),
  ),
  throttled_share: Number((samples.filter((s) => s.status === 429).length / samples.length).toFixed(3)),
  errors: samples.filter((s) => s.status !== 200 && s.status !== 429).length,
  peak_rss_mb: peakRss.map((b) => Math.round(b / 1024 / 1024)),
};
console.log(JSON.stringify(report, null, 2));
await mkdir('bench/.out', { recursive: true });
for (const [i, instance] of instances.entries())
  await writeFile(`bench/.out/load-instance-${i + 1}.log`, instance.logs());
await writeFile('bench/.out/load.json', `${JSON.stringify(report, null, 2)}\n`);

for (const instance of instances) instance.child.kill('SIGTERM');
await Promise.all(instances.map((i) => i.exited));
await openai.close();
await rm(dir, { recursive: true, force: true });
