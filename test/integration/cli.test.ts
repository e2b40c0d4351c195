import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDocx, makePdf } from '../helpers/make-files.js';
import { runCli } from '../helpers/run-cli.js';

let root: string;
let env: Record<string, string>;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'docent-cli-'));
  env = { DATA_DIR: path.join(root, 'data') };
  const docs = path.join(root, 'docs');
  await mkdir(path.join(docs, 'runbooks'), { recursive: true });
  await writeFile(
    path.join(docs, 'runbooks', 'keys.md'),
    '# API keys\n\n## Rotation\n\nTo rotate the API key, open Settings, choose API, then press Rotate. The old key keeps working for 24 hours.\n',
  );
  await writeFile(
    path.join(docs, 'leave.txt'),
    'Time off. Every employee gets 25 days of paid leave per year. Unused days expire in March.\n',
  );
  await writeFile(
    path.join(docs, 'refunds.pdf'),
    makePdf([['Refunds are issued within 14 days of a request.']]),
  );
  await writeFile(
    path.join(docs, 'travel.docx'),
    await makeDocx(['# Travel', 'Book trains for journeys under four hours.']),
  );
  await writeFile(path.join(docs, 'broken.pdf'), '%PDF-1.4 this is not really a pdf');
  await writeFile(
    path.join(docs, 'noise.txt'),
    Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 31) % 256)),
  );
});

afterAll(async () => rm(root, { recursive: true, force: true }));

describe('docent CLI', () => {
  it('ingests a folder recursively, reports each bad file, and exits non-zero when one failed', async () => {
    const result = await runCli(['ingest', 'docs', '--json'], { env, cwd: root });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ indexed: 4, unchanged: 0, failed: 2 });
    const bySource = Object.fromEntries(report.results.map((r: { source: string }) => [r.source, r]));
    expect(bySource['docs/runbooks/keys.md']).toMatchObject({ status: 'indexed', passages: 1 });
    expect(bySource['docs/broken.pdf']).toMatchObject({ status: 'failed', error: { code: 'corrupt' } });
    expect(bySource['docs/noise.txt'].error.message).toBe(
      'docs/noise.txt: binary data, not a document type Docent reads.',
    );
  });

  it('re-ingesting reports unchanged documents', async () => {
    const result = await runCli(['ingest', 'docs/leave.txt'], { env, cwd: root });
    expect(result.stdout).toContain('0 indexed, 1 unchanged, 0 failed');
    expect(result.code).toBe(0);
  });

  it('answers with the stable JSON shape and numbered sources', async () => {
    const result = await runCli(['ask', 'how do I rotate the API key?', '--json'], { env });
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout);
    expect(Object.keys(answer)).toEqual(
      expect.arrayContaining(['answer', 'sources', 'route', 'model', 'cached', 'latency_ms', 'trace_id']),
    );
    expect(answer.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(answer.answer).toContain('press Rotate');
    expect(answer.answer).toMatch(/\[1\]/);
    expect(answer.sources[0]).toMatchObject({ n: 1, source: 'docs/runbooks/keys.md', title: 'API keys' });
    expect(answer.sources[0]).toHaveProperty('doc_id');
    expect(answer.sources[0]).toHaveProperty('score');
    expect(answer.sources[0].text).toContain('rotate the API key');
    expect(answer.cached).toBe(false);
  });

  it('answers many questions from stdin, one JSON line each, in order', async () => {
    const input = 'how many days of paid leave?\nwhen are refunds issued?\n\nshould I take the train?\n';
    const result = await runCli(['ask', '--json', '--stdin'], { env, input });
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0].answer).toContain('25 days');
    expect(lines[1].answer).toContain('14 days');
    expect(lines[2].sources[0].source).toBe('docs/travel.docx');
  });

  it('prints a readable answer with sources without --json', async () => {
    const result = await runCli(['ask', 'paid leave per year'], { env });
    expect(result.stdout).toContain('Sources:');
    expect(result.stdout).toMatch(/\[1\] leave \(docs\/leave\.txt\)/);
  });

  it('keeps tenants apart', async () => {
    const result = await runCli(['ask', 'how do I rotate the API key?', '--json', '--tenant', 'other'], {
      env,
    });
    const answer = JSON.parse(result.stdout);
    expect(answer.sources).toEqual([]);
    expect(answer.answer).toMatch(/couldn't find/);
  });

  it('lists documents and removes one', async () => {
    const list = JSON.parse((await runCli(['docs', 'list', '--json'], { env })).stdout);
    expect(list.map((d: { source: string }) => d.source)).toEqual([
      'docs/leave.txt',
      'docs/refunds.pdf',
      'docs/runbooks/keys.md',
      'docs/travel.docx',
    ]);
    expect(Object.keys(list[0]).sort()).toEqual([
      'added_by',
      'added_in',
      'bytes',
      'content_hash',
      'doc_id',
      'passages',
      'platform',
      'scope',
      'source',
      'title',
      'updated_at',
    ]);
    expect(list[0]).toMatchObject({ added_by: 'cli', added_in: 'docs/leave.txt', platform: 'cli' });
    expect(list[0].bytes).toBeGreaterThan(0);
    const keys = list.find((d: { source: string }) => d.source === 'docs/runbooks/keys.md');
    const removed = await runCli(['docs', 'rm', keys.doc_id], { env });
    expect(removed.stdout).toContain(`removed ${keys.doc_id} (docs/runbooks/keys.md)`);
    const after = JSON.parse((await runCli(['ask', 'rotate the API key', '--json'], { env })).stdout);
    expect(after.sources.map((s: { source: string }) => s.source)).not.toContain('docs/runbooks/keys.md');
    expect((await runCli(['docs', 'rm', 'nope'], { env })).code).toBe(1);
    // Four processes, each starting up: slow on a busy machine.
  }, 120_000);

  it('exits 2 with every configuration problem listed', async () => {
    const result = await runCli(['docs', 'list'], { env: { ...env, TOP_K: 'many', MAX_FILE_MB: '-1' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toContain('TOP_K');
    expect(result.stderr).toContain('MAX_FILE_MB');
  });

  it('reads .env from the working directory; the environment wins; no .env is fine', async () => {
    const project = path.join(root, 'project');
    await mkdir(project);
    await writeFile(path.join(project, '.env'), `DATA_DIR=${env.DATA_DIR}\nTOP_K=0\n`);
    const invalid = await runCli(['docs', 'list'], { cwd: project });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('TOP_K');

    const listed = await runCli(['docs', 'list', '--json'], { cwd: project, env: { TOP_K: '3' } });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).map((d: { source: string }) => d.source)).toContain('docs/leave.txt');

    const elsewhere = path.join(root, 'elsewhere');
    await mkdir(elsewhere);
    const withoutEnvFile = await runCli(['docs', 'list', '--json'], { cwd: elsewhere });
    expect(withoutEnvFile.code).toBe(0);
    expect(withoutEnvFile.stderr).toBe('');
    expect(JSON.parse(withoutEnvFile.stdout)).toEqual([]);
  });

  it('names a missing path and keeps going', async () => {
    const result = await runCli(['ingest', 'nope', 'docs/leave.txt'], { env, cwd: root });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('failed  nope: no such file or folder.');
    // Without a terminal: failures, then one summary line.
    expect(result.stdout.trim().split('\n').at(-1)).toMatch(
      /^0 indexed, 1 unchanged, 1 failed — 0 passages, 91 bytes in [\d.]+ s$/,
    );
  });
});
