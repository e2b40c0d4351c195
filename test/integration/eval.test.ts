import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const fixtures = path.resolve('test/fixtures/eval');
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'docent-eval-'));
  env = { DATA_DIR: dir };
  const ingest = await runCli(['ingest', path.resolve('samples/northwind')], { env });
  expect(ingest.stdout).toContain('18 indexed, 0 unchanged, 0 failed');
}, 60_000);

afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('docent eval on the labelled set', () => {
  it('hybrid retrieval beats BM25 alone and finds the right document in the top 5 almost always', async () => {
    const run = async (mode: string) =>
      JSON.parse(
        (await runCli(['eval', path.join(fixtures, 'questions.jsonl'), '--mode', mode, '--json'], { env }))
          .stdout,
      );
    const hybrid = await run('hybrid');
    const bm25 = await run('bm25');
    expect(hybrid.questions).toBe(80);
    expect(hybrid.mrr).toBeGreaterThan(bm25.mrr);
    expect(hybrid.recall_at_1).toBeGreaterThanOrEqual(bm25.recall_at_1);
    expect(hybrid.recall_at_5).toBeGreaterThanOrEqual(0.95);
    expect(hybrid.answer_match).toBeGreaterThan(0);
    expect(hybrid.latency_ms.p95).toBeGreaterThan(0);
  });

  it('prints readable metrics and rejects a malformed line with its number', async () => {
    const text = await runCli(['eval', path.join(fixtures, 'questions.jsonl')], { env });
    expect(text.stdout).toMatch(/recall@1\s+0\.\d+/);
    expect(text.stdout).toMatch(/MRR\s+0\.\d+/);
    const bad = path.join(dir, 'bad.jsonl');
    await writeFile(bad, '{"question": "ok?", "sources": ["a.md"]}\n{"question": 3}\n');
    const result = await runCli(['eval', bad], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('line 2: needs "question" (string) and "sources" (non-empty array)');
  });
});
