import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvalCases, partFor } from '../../src/eval/cases.js';

const SETS = ['nodejs-handbook', 'npm-libraries'];
const comparable = (text: string) => text.toLowerCase().replace(/\s+/g, ' ');

describe.each(SETS)('quality set %s', (name) => {
  const root = path.resolve('bench/quality-sets', name);
  const cases = parseEvalCases(readFileSync(path.join(root, 'questions.jsonl'), 'utf8'));

  it('has at least 150 questions with unique ids, each in the part its id gives', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    const ids = cases.map((c) => c.id ?? '');
    expect(new Set(ids).size).toBe(cases.length);
    for (const c of cases) expect(c.part, c.id).toBe(partFor(c.id ?? ''));
    const heldOut = cases.filter((c) => c.part === 'held-out').length;
    expect(heldOut / cases.length).toBeGreaterThan(0.6);
  });

  it('names files that exist, and one of them holds the expected answer word for word', () => {
    for (const c of cases) {
      const files = c.sources.map((s) => path.join(root, 'docs', s));
      for (const file of files) expect(existsSync(file), `${c.id}: ${file}`).toBe(true);
      const found = files.some((f) =>
        comparable(readFileSync(f, 'utf8')).includes(comparable(c.answer ?? '')),
      );
      expect(found, `${c.id}: "${c.answer}"`).toBe(true);
    }
  });
});
