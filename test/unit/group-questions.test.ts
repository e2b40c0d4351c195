import { describe, expect, it } from 'vitest';
import { groupGaps, normalisedKey } from '../../console/src/group-questions.js';

describe('coverage gaps grouped by wording', () => {
  it('puts the same question in other words together', () => {
    expect(normalisedKey('How do I reset my password?')).toBe(normalisedKey('how to reset password'));
    expect(normalisedKey('Where are the VPN settings')).toBe(normalisedKey('vpn setting?'));
    expect(normalisedKey('reset password')).not.toBe(normalisedKey('reset VPN'));
  });

  it('lists the most asked first, named by its most asked wording', () => {
    const groups = groupGaps([
      { question: 'Who owns billing?', count: 1, lastAsked: '2026-11-02T10:00:00Z', why: 'unanswered' },
      { question: 'how to reset password', count: 1, lastAsked: '2026-11-03T10:00:00Z', why: 'down-voted' },
      {
        question: 'How do I reset my password?',
        count: 3,
        lastAsked: '2026-11-01T10:00:00Z',
        why: 'unanswered',
      },
    ]);
    expect(groups.map((g) => [g.question, g.count, g.lastAsked, [...g.why].sort()])).toEqual([
      ['How do I reset my password?', 4, '2026-11-03T10:00:00Z', ['down-voted', 'unanswered']],
      ['Who owns billing?', 1, '2026-11-02T10:00:00Z', ['unanswered']],
    ]);
  });
});
