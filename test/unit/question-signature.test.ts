import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { questionSignature } from '../../graphs/answer/cache-key.js';

const pairs = readFileSync('test/fixtures/eval/near-duplicates.jsonl', 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { a: string; b: string; same: boolean });

describe('the question signature the answer cache is keyed by', () => {
  it('never gives two different questions of the labelled pairs the same key', () => {
    const confused = pairs.filter((p) => !p.same && questionSignature(p.a) === questionSignature(p.b));
    expect(confused).toEqual([]);
  });

  it('gives rephrasings of a question its key (11 of the 25 labelled ones)', () => {
    const found = pairs.filter((p) => p.same && questionSignature(p.a) === questionSignature(p.b));
    expect(found.length).toBeGreaterThanOrEqual(11);
    expect(questionSignature('How do I rotate the production API key?')).toBe(
      questionSignature('how do I rotate production API keys, please'),
    );
  });

  it('keeps tense, modals and named things apart', () => {
    expect(questionSignature('When did the backup run?')).not.toBe(
      questionSignature('When does the backup run?'),
    );
    expect(questionSignature('Who approved it?')).not.toBe(questionSignature('Who approves it?'));
    expect(questionSignature('Is plan A available?')).not.toBe(questionSignature('Is plan available?'));
    expect(questionSignature('What does KEY_A do?')).not.toBe(questionSignature('What does KEY do?'));
  });

  it('keeps a question made only of phrasing words apart from other such questions', () => {
    expect(questionSignature('The?')).not.toBe(questionSignature('Please?'));
  });
});
