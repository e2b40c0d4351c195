import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../src/core/knowledge-base.js';
import { LocalEmbedder } from '../../src/ingestion/local-embedder.js';
import { InlinePreparer } from '../../src/ingestion/prepare.js';
import { LanceVectorStore } from '../../src/stores/lance/lance-vector-store.js';
import { type CliResult, runCli } from '../helpers/run-cli.js';
import { bytesOf } from '../helpers/temp-kb.js';

// Each process loads the full-text index anew, and whether a new document was found differed from
// one process to the next: it had to be found by every one of them. The full-text half is where
// they differed; fewer whole answers show the two halves together still cite it.
const PROCESSES = 20;
const ASKING_PROCESSES = 5;
const AT_ONCE = 4;
// One file added with `docent ingest` (which runs index maintenance after it), one as a running
// service adds a shared file (maintenance comes minutes later).
const ADDED = [
  {
    file: 'zebra-parking.md',
    question: 'How do I get a zebra parking permit at the Quillmere depot?',
    text:
      '# Zebra parking permits\n\nStaff who cycle to the Quillmere depot can request a zebra parking ' +
      'permit from the facilities desk. The permit costs nothing and is renewed every spring.\n',
  },
  {
    file: 'ferry-allowance.md',
    question: 'What is the Halvorsen ferry allowance for island staff?',
    text:
      '# Ferry allowance\n\nIsland staff claim the Halvorsen ferry allowance of 40 kroner a crossing, ' +
      'paid monthly with the payroll run.\n',
  },
] as const;

let dir: string;
let env: Record<string, string>;
let questions: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'docent-fresh-'));
  env = { DATA_DIR: path.join(dir, 'data') };
  const first = await runCli(['ingest', path.resolve('samples/northwind')], { env });
  expect(first.stdout).toContain('18 indexed, 0 unchanged, 0 failed');
  const [byCli, byService] = ADDED;
  const added = path.join(dir, 'added');
  await mkdir(added);
  await writeFile(path.join(added, byCli.file), byCli.text);
  const second = await runCli(['ingest', added], { env });
  expect(second.stdout).toContain('1 indexed, 0 unchanged, 0 failed');
  await addAsService(byService.file, byService.text);
  questions = path.join(dir, 'questions.jsonl');
  const lines = ADDED.map((a) => JSON.stringify({ question: a.question, sources: [a.file] }));
  await writeFile(questions, `${lines.join('\n')}\n`);
}, 60_000);

afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Stores a document the way `docent serve` does when a file is shared: no index maintenance. */
async function addAsService(source: string, text: string): Promise<void> {
  const store = await LanceVectorStore.open(path.join(env.DATA_DIR as string, 'lancedb'));
  const embedder = new LocalEmbedder();
  await store.bindEmbedder(embedder);
  const kb = new KnowledgeBase({
    store,
    embedder,
    preparer: new InlinePreparer({ size: 1000, overlap: 100 }, embedder),
    maxFileBytes: 1024 * 1024,
    topK: 5,
  });
  const outcome = await kb.ingest({ tenantId: 'default', scope: 'tenant', source, fetchData: bytesOf(text) });
  expect(outcome.status).toBe('indexed');
  await store.close();
}

/** Runs `count` fresh `docent` processes, `AT_ONCE` at a time. */
async function inFreshProcesses(count: number, args: string[], input?: string): Promise<CliResult[]> {
  const results: CliResult[] = [];
  while (results.length < count) {
    const batch = Math.min(AT_ONCE, count - results.length);
    results.push(...(await Promise.all(Array.from({ length: batch }, () => runCli(args, { env, input })))));
  }
  return results;
}

describe('documents added to an existing knowledge base', () => {
  it('are found by BM25 alone in every fresh process', async () => {
    const runs = await inFreshProcesses(PROCESSES, ['eval', questions, '--mode', 'bm25', '--json']);
    const recalls = runs.map((r) => JSON.parse(r.stdout).recall_at_5);
    expect({ missedBy: recalls.filter((r) => r !== 1).length }).toEqual({ missedBy: 0 });
  }, 180_000);

  it('are among the sources of every fresh `docent ask`', async () => {
    const input = ADDED.map((a) => a.question).join('\n');
    const runs = await inFreshProcesses(ASKING_PROCESSES, ['ask', '--stdin', '--json'], input);
    const cited = runs.flatMap((r) =>
      r.stdout
        .trim()
        .split('\n')
        .map((line, i) => {
          const sources = JSON.parse(line).sources as { source: string }[];
          return sources.some((s) => s.source.endsWith(ADDED[i]?.file ?? '?'));
        }),
    );
    expect(cited).toHaveLength(ASKING_PROCESSES * ADDED.length);
    expect({ missedBy: cited.filter((c) => !c).length }).toEqual({ missedBy: 0 });
  }, 180_000);
});
