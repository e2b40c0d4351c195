// npm run bench:cost: 2,000 questions drawn Zipf-like from 200 distinct ones, answered through the
// full graph against the fake OpenAI server priced like the default models, compared with the
// naive baseline (strong model for every question, no classifier, no cache).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ChatOpenAI } from '@langchain/openai';
import { costOf } from '../graphs/answer/pricing.js';
import { ANSWER_SYSTEM, answerPrompt } from '../graphs/answer/prompts.js';
import { createServices } from '../src/composition/services.js';
import { loadConfig } from '../src/config.js';
import { ingestFiles } from '../src/ingestion/ingest-files.js';
import { collectFiles } from '../src/ingestion/local-files.js';
import { StructuredChatModel } from '../src/llm/chat-models.js';
import { startFakeOpenAI } from '../test/fakes/openai-server.js';
import { grounded, scriptModel } from '../test/helpers/model-brain.js';
import { rng, zipfDraw } from './corpus.js';

const QUESTIONS = 2000;
const DISTINCT = 200;
const random = rng(42);
const fixtures = path.resolve('test/fixtures/eval');
const labelled = (await readFile(path.join(fixtures, 'questions.jsonl'), 'utf8'))
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l).question as string);
const prefixes = ['', 'quick question: ', 'hey, ', 'does anyone know '];
const distinct = prefixes.flatMap((p) => labelled.map((q) => `${p}${q}`)).slice(0, DISTINCT);
// About one question in five needs several facts combined: those go to the strong model.
const complex = new Set(distinct.filter(() => random() < 0.2));
// The cheap model is unsure of about one answer in ten, which escalates it.
const shaky = new Set(distinct.filter(() => random() < 0.1));

// Zipf over ranks: a few questions are asked very often, most rarely.
const draw = zipfDraw(distinct, random);
const stream = Array.from({ length: QUESTIONS }, draw);

const server = await startFakeOpenAI();
const dir = await mkdtemp(path.join(tmpdir(), 'docent-bench-cost-'));
const config = loadConfig({
  DATA_DIR: dir,
  OPENAI_API_KEY: 'bench',
  OPENAI_BASE_URL: server.url,
  EMBEDDINGS: 'local',
  LOG_LEVEL: 'silent',
  // 2,000 questions from one tenant would cross the default daily budget; this measures routing.
  DAILY_TOKEN_BUDGET: '0',
});
const services = await createServices(config);
await ingestFiles(services.knowledgeBase, (await collectFiles([path.resolve('samples/northwind')])).files, {
  tenantId: 'bench',
  scope: 'tenant',
});

const questionOf = (prompt: string) =>
  /Question: ([\s\S]*)$/.exec(prompt)?.[1]?.trim() ??
  /New message:\n([\s\S]*)$/.exec(prompt)?.[1]?.trim() ??
  '';
// Usage is left to the fake, which counts about four characters a token of the real prompt.
scriptModel(server, config.llm.cheapModel, {
  classify: (prompt) => ({ complexity: complex.has(questionOf(prompt)) ? 'complex' : 'simple' }),
  answer: (prompt) => ({
    structured: grounded('From the handbook [1].', [1], shaky.has(questionOf(prompt)) ? 'low' : 'high'),
  }),
});
scriptModel(server, config.llm.strongModel, {
  answer: () => ({ structured: grounded('From the handbook, in detail [1][2].', [1, 2]) }),
});

const routes: Record<string, number> = {};
let cost = 0;
let hits = 0;
for (const question of stream) {
  const result = await services.answerer.answer({ question, context: { tenantId: 'bench' } });
  routes[result.route] = (routes[result.route] ?? 0) + 1;
  cost += result.cost_usd;
  if (result.cached) hits++;
}

// Baseline: naive retrieval-augmented generation with the strong model on every question.
const strong = new StructuredChatModel(
  config.llm.strongModel,
  new ChatOpenAI({
    model: config.llm.strongModel,
    apiKey: 'bench',
    configuration: { baseURL: server.url },
    temperature: 0,
  }),
);
let baseline = 0;
for (const question of stream) {
  const passages = await services.knowledgeBase.search(question, { tenantId: 'bench', scopes: ['tenant'] });
  const reply = await strong.answer(ANSWER_SYSTEM, answerPrompt(question, passages));
  baseline += costOf(config.llm.strongModel, reply.usage, config.llm.prices);
}

await services.close();
await server.close();
await rm(dir, { recursive: true, force: true });
const escalated = routes.escalated ?? 0;
const answeredByModel = (routes.cheap ?? 0) + (routes.strong ?? 0) + escalated;
console.log(
  JSON.stringify(
    {
      questions: QUESTIONS,
      distinct: DISTINCT,
      cost_usd: Number(cost.toFixed(4)),
      baseline_usd: Number(baseline.toFixed(4)),
      saving_pct: Number((100 * (1 - cost / baseline)).toFixed(1)),
      cache_hit_rate: Number((hits / QUESTIONS).toFixed(3)),
      escalation_rate: Number((escalated / Math.max(1, answeredByModel)).toFixed(3)),
      routes,
    },
    null,
    2,
  ),
);
