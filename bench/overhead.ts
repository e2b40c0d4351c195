// npm run bench:overhead: the time Docent's pipeline adds besides model time, at 100k passages,
// with in-process models that answer instantly; and a cache hit end to end, in memory and on Redis,
// past the curated answers' lookup (DuckDB in DATA_DIR, as `docent serve` keeps it); and a curated hit.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createServices } from '../src/composition/services.js';
import { loadConfig } from '../src/config.js';
import { percentile } from '../src/eval/evaluate.js';
import { ScriptedModel } from '../test/helpers/scripted-model.js';
import { loadSyntheticPassages } from './synthetic.js';

const { values } = parseArgs({
  options: {
    passages: { type: 'string', default: '100000' },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
  },
});
const TENANTS = 10;
const dir = await mkdtemp(path.join(tmpdir(), 'docent-bench-overhead-'));
const models = { cheap: new ScriptedModel('gpt-4o-mini'), strong: new ScriptedModel('gpt-4o') };
const round = (x: number) => Number(x.toFixed(2));
const stats = (xs: number[]) => ({ p50_ms: round(percentile(xs, 0.5)), p99_ms: round(percentile(xs, 0.99)) });

async function measure(redisUrl?: string) {
  const env: Record<string, string> = {
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  };
  return createServices(loadConfig(env), { models, claimDataDir: true });
}

const loader = await measure();
const sentence = await loadSyntheticPassages(loader.store, Number(values.passages), TENANTS);
await loader.close();

const results: Record<string, unknown> = { node: process.version, passages: Number(values.passages) };
for (const [label, redisUrl] of [
  ['memory', undefined],
  ['redis', values.redis],
] as const) {
  const services = await measure(redisUrl);
  await services.cache.flush();
  const ask = (question: string, i: number) =>
    services.answerer.answer({ question, context: { tenantId: `t${i % TENANTS}` } });
  for (let i = 0; i < 20; i++) await ask(sentence(), i); // warm-up
  const misses: number[] = [];
  for (let i = 0; i < 300; i++) misses.push((await ask(`${sentence()} ${i}`, i)).latency_ms);
  const repeated = 'how do I rotate the production API key?';
  await ask(repeated, 0);
  const hits: number[] = [];
  for (let i = 0; i < 300; i++) {
    const started = performance.now();
    const result = await ask(repeated, 0);
    if (!result.cached) throw new Error('expected a cache hit');
    hits.push(performance.now() - started);
  }
  // A tenant with a thousand curated answers (kept in DATA_DIR for the next run): the lookup is by
  // index, whatever their number.
  if ((await services.curated.list('t0')).length === 0)
    for (let i = 0; i < 1000; i++)
      await services.curated.create('t0', 'tenant', {
        question: `what is policy ${i}?`,
        answer: `Policy ${i}.`,
      });
  const curated: number[] = [];
  for (let i = 0; i < 300; i++) {
    const started = performance.now();
    const result = await ask(`what is policy ${i}?`, 0);
    if (result.route !== 'curated') throw new Error('expected a curated answer');
    curated.push(performance.now() - started);
  }
  results[label] = { full_pipeline: stats(misses), cache_hit: stats(hits), curated_hit: stats(curated) };
  await services.close();
}
await rm(dir, { recursive: true, force: true });
console.log(JSON.stringify(results, null, 2));
