import { describe, expect, it } from 'vitest';
import { answerContains, isRelevant, parseEvalCases, partFor } from '../../src/eval/cases.js';

describe('labelled questions', () => {
  it('split into a tuning third and a held-out rest by id alone', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `q-${i}`);
    const tune = ids.filter((id) => partFor(id) === 'tune').length;
    expect(tune / ids.length).toBeGreaterThan(0.3);
    expect(tune / ids.length).toBeLessThan(0.37);
    expect(ids.map(partFor)).toEqual(ids.map(partFor));
    expect(partFor('nh-001')).toBe('tune');
    expect(partFor('nh-002')).toBe('held-out');
  });

  it('keep their id and part, and refuse a part that is neither', () => {
    const [first] = parseEvalCases(
      '{"id": "a-1", "part": "tune", "question": "q?", "answer": "x", "sources": ["a.md"]}\n',
    );
    expect(first).toEqual({ id: 'a-1', part: 'tune', question: 'q?', answer: 'x', sources: ['a.md'] });
    expect(() => parseEvalCases('{"question": "q?", "sources": ["a.md"], "part": "test"}')).toThrow(
      'line 1: "part" is "tune" or "held-out"',
    );
  });

  it('count a passage from the expected file, named by path suffix, file name or doc id', () => {
    const passage = { docId: 'd1', source: 'bench/sets/docs/ioredis/README.md' };
    expect(isRelevant(passage, ['ioredis/README.md'])).toBe(true);
    expect(isRelevant(passage, ['README.md'])).toBe(true);
    expect(isRelevant(passage, ['d1'])).toBe(true);
    expect(isRelevant(passage, ['keyv/README.md'])).toBe(false);
    expect(isRelevant(passage, ['redis/README.md'])).toBe(false);
  });

  it('match an expected answer whatever its case and spacing', () => {
    expect(answerContains('Two collaborators\n  must approve [1].', 'two collaborators must APPROVE')).toBe(
      true,
    );
    expect(answerContains('One collaborator must approve.', 'two collaborators')).toBe(false);
  });
});
