import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

  it('ranks the TOP_K passages ask answers from, no deeper list', async () => {
    const run = async (topK: string) =>
      JSON.parse(
        (
          await runCli(['eval', path.join(fixtures, 'questions.jsonl'), '--json'], {
            env: { ...env, TOP_K: topK },
          })
        ).stdout,
      );
    const one = await run('1');
    const five = await run('5');
    expect(one.k).toBe(1);
    expect(five.k).toBe(5);
    // With one passage, a right file either ranks first or is not found at all.
    expect(one.recall_at_5).toBe(one.recall_at_1);
    expect(five.recall_at_5).toBeGreaterThan(one.recall_at_5);
  });

  it('reports the tune and held-out parts of a file that has them', async () => {
    const split = path.join(dir, 'split.jsonl');
    const cases = (await readFile(path.join(fixtures, 'questions.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .slice(0, 6)
      .map((line, i) => JSON.stringify({ ...JSON.parse(line), part: i < 2 ? 'tune' : 'held-out' }));
    await writeFile(split, `${cases.join('\n')}\n`);
    const report = JSON.parse((await runCli(['eval', split, '--json'], { env })).stdout);
    expect(report.questions).toBe(6);
    expect(report.parts.tune.questions).toBe(2);
    expect(report.parts['held-out'].questions).toBe(4);
    const text = await runCli(['eval', split], { env });
    expect(text.stdout).toContain('held-out: 4 questions');
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
