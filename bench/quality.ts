// npm run bench:quality: answer quality on labelled sets of real documentation (bench/quality-sets)
// and on the Northwind sample, per part (tune / held-out) and per retrieval (BM25 alone, vectors
// alone, hybrid as configured, and hybrid + reranker when RERANK_URL is set in the shell),
// measured on what `docent ask` returns offline: its TOP_K passages and its quoted answer. The
// held-out parts are the result; the tune parts are for choosing settings. `-- --label before`
// names the run in bench/.out/quality-<label>.json; `-- --sweep` tries other chunk sizes and
// fusion weights on the tune parts (bench/quality-sweep.ts); `-- --misses` prints the tune
// questions whose hybrid answer lacks the expected phrase (never the held-out ones: looking at
// those would tune on them).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Answerer } from '../src/core/ask.js';
import type { KnowledgeBase } from '../src/core/knowledge-base.js';
import { type CaseOutcome, type EvalReport, evaluateCases, summarize } from '../src/eval/evaluate.js';
import {
  answererSearching,
  type LoadedSet,
  loadSet,
  type Retrieval,
  rerankingSearch,
  rerankSettings,
  SETS,
  TENANT,
} from './quality-harness.js';
import { sweep } from './quality-sweep.js';

const RETRIEVALS: Retrieval[] = ['bm25', 'vector', 'hybrid'];
const RERANKED = 'hybrid + reranker';
const RERANK_SETTINGS = rerankSettings();

interface Row {
  set: string;
  part: string;
  retrieval: Retrieval | typeof RERANKED;
  questions: number;
  recall_at_1: number;
  recall_at_5: number;
  mrr: number;
  answer_contains: number | undefined;
  /** Mean length of the answers checked, in characters: containing more is easy with longer answers. */
  answer_chars: number | undefined;
  search_p50_ms: number;
}

const { values } = parseArgs({
  options: {
    label: { type: 'string', default: 'latest' },
    sweep: { type: 'boolean', default: false },
    misses: { type: 'boolean', default: false },
  },
});

function rowsFor(set: string, retrieval: Row['retrieval'], outcomes: CaseOutcome[], k: number): Row[] {
  // Northwind's questions were written and tuned on here: all of it counts as tuned.
  const parts = outcomes.some((o) => o.part) ? ['tune', 'held-out'] : ['all (tuned)'];
  return parts.map((part) => {
    const mine = outcomes.filter((o) => (o.part ?? 'all (tuned)') === part);
    const r: EvalReport = summarize(mine, retrieval, k);
    const answers = mine.flatMap((o) => (o.answer ? [o.answer.given.length] : []));
    return {
      set,
      part,
      retrieval,
      questions: r.questions,
      recall_at_1: r.recall_at_1,
      recall_at_5: r.recall_at_5,
      mrr: r.mrr,
      answer_contains: r.answer_match,
      answer_chars: answers.length
        ? Math.round(answers.reduce((a, b) => a + b, 0) / answers.length)
        : undefined,
      search_p50_ms: r.latency_ms.p50,
    };
  });
}

interface Configuration {
  retrieval: Row['retrieval'];
  knowledgeBase: KnowledgeBase;
  mode: Retrieval;
  answerer: Answerer;
}

async function configurations({ services }: LoadedSet): Promise<Configuration[]> {
  const searched = await Promise.all(
    RETRIEVALS.map(async (retrieval) => ({
      retrieval,
      knowledgeBase: services.knowledgeBase,
      mode: retrieval,
      answerer: retrieval === 'hybrid' ? services.answerer : await answererSearching(services, retrieval),
    })),
  );
  if (!RERANK_SETTINGS) return searched;
  const reranked = await rerankingSearch(services, RERANK_SETTINGS);
  return [...searched, { retrieval: RERANKED, mode: 'hybrid', ...reranked }];
}

function printTuneMisses(set: string, outcomes: CaseOutcome[]): void {
  for (const o of outcomes) {
    if (o.part !== 'tune' || o.answerMatched !== false || !o.answer) continue;
    console.log(
      `\n${set}: ${o.answer.question}\n  expected: ${o.answer.expected}\n  answered: ${o.answer.given}`,
    );
  }
}

async function report(): Promise<{
  rows: Row[];
  ingested: Record<string, { indexed: number; failed: string[] }>;
}> {
  const rows: Row[] = [];
  const ingested: Record<string, { indexed: number; failed: string[] }> = {};
  for (const set of SETS) {
    const loaded = await loadSet(set);
    ingested[set.name] = { indexed: loaded.indexed, failed: loaded.failed };
    const { services, cases } = loaded;
    for (const { retrieval, knowledgeBase, mode, answerer } of await configurations(loaded)) {
      const audience = { tenantId: TENANT, scopes: ['tenant' as const] };
      const outcomes = await evaluateCases(knowledgeBase, cases, audience, { mode, answerer });
      rows.push(...rowsFor(set.name, retrieval, outcomes, services.knowledgeBase.topK));
      if (values.misses && retrieval === 'hybrid') printTuneMisses(set.name, outcomes);
    }
    await loaded.close();
  }
  console.table(rows);
  for (const [name, { indexed, failed }] of Object.entries(ingested)) {
    console.log(`${name}: ${indexed} files indexed${failed.length ? `, failed: ${failed.join('; ')}` : ''}`);
  }
  return { rows, ingested };
}

const result = values.sweep ? await sweep() : await report();
if (values.sweep) console.table(result);
const out = path.resolve('bench/.out');
await mkdir(out, { recursive: true });
const name = values.sweep ? `quality-sweep-${values.label}` : `quality-${values.label}`;
await writeFile(path.join(out, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
