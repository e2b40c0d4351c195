import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestReporter } from '../../src/cli/ingest-progress.js';
import { runCli } from '../helpers/run-cli.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'docent-chat-'));
  await mkdir(path.join(root, 'notes'));
  await writeFile(
    path.join(root, 'notes', 'parking.md'),
    '# Parking\n\nVisitor parking is on level P2; ask reception for a day pass.',
  );
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe('docent demo and docent chat through a pipe', () => {
  it('loads the sample, answers with sources, follows the thread, ingests, and starts over', async () => {
    const env = { DATA_DIR: path.join(root, 'data'), TMPDIR: path.join(root, 'tmp') };
    await mkdir(env.TMPDIR);
    const input = [
      'How many days of paid annual leave does a full-time employee get?',
      'and how do I request it?',
      '/files notes',
      '/files nowhere',
      'where is visitor parking?',
      'what about it?',
      '/new',
      'what about it?',
      '/quit',
    ].join('\n');
    const result = await runCli(['demo'], { env, input, cwd: root });
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^18 indexed, 0 unchanged, 0 failed — \d+ passages/m);
    expect(out).toContain(
      'Try:\n  How many days of paid annual leave does a full-time employee get?\n  and how do I request it?',
    );
    const answers = out.split('docent › ').slice(1);
    expect(answers[0]).toContain('25 days of paid annual leave');
    expect(answers[0]).toMatch(/\[1\] Leave Policy \(northwind\/leave-policy\.md\)/);
    // The follow-up only makes sense with the thread: it gets the request procedure.
    expect(answers[1]).toContain('Open PeopleDesk');
    // One total per /files, and a line for each file that could not be added.
    expect(out).toContain('1 indexed, 0 unchanged, 0 failed — 1 passage.');
    expect(out).toContain(
      'Could not index nowhere: no such file or folder.\n0 indexed, 0 unchanged, 1 failed — 0 passages.',
    );
    expect(out).not.toContain('Indexed notes/parking.md');
    expect(answers[2]).toContain('Visitor parking is on level P2');
    expect(answers[2]).toContain('(notes/parking.md)');
    expect(answers[3]).toContain('Visitor parking is on level P2');
    expect(out).toContain('Started a new thread.');
    // In a new thread the same follow-up has nothing to go on.
    expect(answers[4]).toMatch(/^I couldn't find anything about that in your documents\./);
    // The knowledge base has documents, so no hint to add some.
    expect(answers[4]).not.toContain('docent ingest');
  }, 60_000);

  it('runs the demo on a throwaway copy: what /files added is gone next time, and nothing is kept', async () => {
    const env = { DATA_DIR: path.join(root, 'demo-data'), TMPDIR: path.join(root, 'demo-tmp') };
    await mkdir(env.TMPDIR);
    const question = 'where is visitor parking?';
    const first = await runCli(['demo'], { env, input: `/files notes\n${question}\n`, cwd: root });
    expect(first.stdout).toContain('(notes/parking.md)');
    const again = await runCli(['demo'], { env, input: `${question}\n`, cwd: root });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Loading the sample');
    expect(again.stdout).not.toContain('notes/parking.md');
    // Neither the operator's data directory nor the temporary copy outlives the demo.
    expect(existsSync(env.DATA_DIR)).toBe(false);
    expect(await readdir(env.TMPDIR)).toEqual([]);
  }, 60_000);

  it('shows the last answer’s passages with /sources', async () => {
    const env = { DATA_DIR: path.join(root, 'data2') };
    await runCli(['ingest', 'notes'], { env, cwd: root });
    const result = await runCli(['chat'], { env, cwd: root, input: 'visitor parking?\n/sources\n' });
    expect(result.stdout).toContain('[1] Parking (notes/parking.md, score');
    expect(result.stdout).toContain(
      '\n    Parking\n    Visitor parking is on level P2; ask reception for a day pass.',
    );
  });
});

describe('an empty knowledge base', () => {
  it('says it has no documents and how to add some, until it has one', async () => {
    const env = { DATA_DIR: path.join(root, 'empty') };
    const asked = await runCli(['ask', 'where is visitor parking?', '--json'], { env });
    const answer = JSON.parse(asked.stdout);
    expect(answer.answer).toBe("I couldn't find anything about that in your documents.");
    expect(answer.note).toMatch(/^There are no documents in this knowledge base yet\./);
    expect(answer.note).toContain('run `docent ingest PATH`');
    expect(answer.note).toContain('share a file with Docent or ask an admin');

    const chat = await runCli(['chat'], { env, cwd: root, input: 'where is visitor parking?\n' });
    expect(chat.stdout).toContain(
      'no documents in this knowledge base yet. To add some, run `docent ingest PATH`',
    );

    await runCli(['ingest', 'notes'], { env, cwd: root });
    const later = await runCli(['ask', 'what is the refund policy?', '--json'], { env });
    expect(JSON.parse(later.stdout)).not.toHaveProperty('note');
  });
});

describe('ingest progress', () => {
  const sink = (tty: boolean) => {
    let text = '';
    const stream = new Writable({
      write(chunk, _enc, done) {
        text += chunk;
        done();
      },
    });
    Object.assign(stream, {
      isTTY: tty,
      columns: 120,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    });
    return { stream, text: () => text };
  };

  it('draws a bar with files, passages and throughput on a terminal, then one summary', () => {
    const terminal = sink(true);
    const lines: string[] = [];
    const reporter = createIngestReporter({
      interactive: true,
      totalFiles: 2,
      write: (l) => lines.push(l),
      stream: terminal.stream,
    });
    const results = [
      { source: 'a.md', status: 'indexed' as const, passages: 3, bytes: 2_000_000 },
      {
        source: 'b.pdf',
        status: 'failed' as const,
        error: { code: 'corrupt', message: 'b.pdf: the PDF is damaged and could not be read.' },
      },
    ];
    for (const r of results) reporter.onResult(r);
    const summary = reporter.finish(results);
    expect(terminal.text()).toMatch(/indexing \[.*\] \d\/2 files \| 3 passages \| [\d.]+ MB\/s/);
    expect(lines).toEqual(['failed  b.pdf: the PDF is damaged and could not be read.']);
    expect(summary).toMatch(/^1 indexed, 0 unchanged, 1 failed — 3 passages, 1\.9 MB in [\d.]+ s/);
  });

  const summaryAfter = (seconds: number, bytes: number) => {
    let clock = 0;
    const reporter = createIngestReporter({
      interactive: false,
      totalFiles: 1,
      write: () => {},
      now: () => clock,
    });
    const result = { source: 'a.md', status: 'indexed' as const, passages: 2, bytes };
    reporter.onResult(result);
    clock = seconds * 1000;
    return reporter.finish([result]);
  };

  it('gives small runs a rate in KB/s, and none for a run under half a second', () => {
    expect(summaryAfter(2, 92 * 1024)).toBe(
      '1 indexed, 0 unchanged, 0 failed — 2 passages, 92 KB in 2.0 s (46 KB/s)',
    );
    expect(summaryAfter(0.2, 5000)).toBe('1 indexed, 0 unchanged, 0 failed — 2 passages, 5 KB in 0.2 s');
    expect(summaryAfter(4, 30 * 1024 * 1024)).toMatch(/30\.0 MB in 4\.0 s \(7\.5 MB\/s\)$/);
  });

  it('prints failures as they happen and no bar when not a terminal', () => {
    const lines: string[] = [];
    const reporter = createIngestReporter({ interactive: false, totalFiles: 1, write: (l) => lines.push(l) });
    reporter.onResult({
      source: 'x',
      status: 'failed',
      error: { code: 'no_text', message: 'x: the file is empty.' },
    });
    expect(lines).toEqual(['failed  x: the file is empty.']);
  });
});
