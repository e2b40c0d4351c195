import { describe, expect, it } from 'vitest';
import { extractiveAnswer, quotedAnswer } from '../../graphs/answer/extractive-answerer.js';
import { classifyOffline } from '../../graphs/answer/offline-classifier.js';
import { stripMentions } from '../../graphs/answer/sanitize.js';
import { sentencesOf } from '../../graphs/answer/sentences.js';
import type { Passage } from '../../src/core/types.js';

const passage = (text: string, title = 'Doc'): Passage => ({
  chunkId: 'c',
  docId: 'd',
  title,
  source: 's.md',
  text,
  position: 0,
  score: 1,
});

describe('offline classifier', () => {
  it('recognises greetings and thanks as smalltalk', () => {
    for (const text of ['hi', 'Hello!', 'thanks', 'thank you', 'who are you?'])
      expect(classifyOffline(text, []).intent).toBe('smalltalk');
    expect(classifyOffline('hi, how do I reset my password?', []).intent).toBe('question');
  });

  it('rewrites a follow-up with the topic of the last real question', () => {
    expect(classifyOffline('and for staging?', ['how do I rotate the API key?']).standalone).toBe(
      'how do I rotate the API key? and for staging?',
    );
    expect(classifyOffline('what about it on Fridays?', ['', 'deploy window']).standalone).toBe(
      'deploy window what about it on Fridays?',
    );
    expect(classifyOffline('how do I rotate the API key?', ['vacation days']).standalone).toBe(
      'how do I rotate the API key?',
    );
  });

  it('calls comparisons and long multi-part questions complex', () => {
    expect(classifyOffline('what is the difference between SEV1 and SEV2?', []).complexity).toBe('complex');
    expect(classifyOffline('how many vacation days?', []).complexity).toBe('simple');
  });
});

describe('extractive answerer', () => {
  it('quotes the sentence that answers, with its citation', () => {
    const result = extractiveAnswer('how often are laptops replaced?', [
      passage('# Equipment\n\n## Laptops\n\nLaptops are replaced every 3 years. Monitors are shared.'),
      passage('Office plants are watered on Fridays.'),
    ]);
    expect(result).toEqual({ answer: 'Laptops are replaced every 3 years [1].', cited: [1] });
  });

  it('prefers a sentence with a number when the question asks how much', () => {
    const result = extractiveAnswer('how much is the home office stipend?', [
      passage(
        'The home office stipend is meant for desks and chairs.\n\nThe home office stipend is $600, paid once.',
      ),
    ]);
    expect(result?.answer).toContain('$600');
  });

  it('keeps a list with the sentence that introduces it', () => {
    const sentences = sentencesOf(
      'If all retries fail:\n\n- the account becomes read-only\n- the owner is emailed',
    );
    expect(sentences[0]?.text).toBe(
      'If all retries fail: the account becomes read-only; the owner is emailed',
    );
  });

  it('does not quote headings or fragments cut at passage edges', () => {
    const texts = sentencesOf(
      'days of leave carry over.\n## Carry-over\nUnused days expire in March. Requests for carry-over go through the',
    );
    expect(texts.map((s) => s.text)).toEqual(['Unused days expire in March.']);
    expect(texts[0]?.heading).toBe('Carry-over');
  });

  it('does not pad an answer with a sentence saying what the document covers', () => {
    const result = extractiveAnswer(
      'How many days of paid annual leave does a full-time employee get? and how do I request it?',
      [
        passage(
          '## How to Request Leave\n\n1. Open PeopleDesk and choose **Time Off → New Request**.\n2. Submit. Your manager receives the request automatically.',
          'Leave Policy',
        ),
        passage(
          '# Leave Policy\n\nThis section explains the kinds of paid and unpaid leave available to Northwind Labs employees, how much of each you get, and how to request it. It applies to all full-time employees.',
          'Leave Policy',
        ),
      ],
      'and how do I request it?',
    );
    expect(result).toEqual({
      answer:
        'Open PeopleDesk and choose Time Off → New Request. Submit. Your manager receives the request automatically [1].',
      cited: [1],
    });
  });

  it('still quotes such a sentence when nothing else shares the question’s words', () => {
    const result = extractiveAnswer('what does the backup runbook cover?', [
      passage('This runbook covers backups of the databases and how to restore them.'),
    ]);
    expect(result?.answer).toBe('This runbook covers backups of the databases and how to restore them [1].');
  });

  it('gives a quoted answer only the passages it quotes as sources, numbered as cited', () => {
    const plants = passage('Office plants are watered on Fridays.', 'Plants');
    const laptops = passage('## Laptops\n\nLaptops are replaced every 3 years.', 'Equipment');
    const monitors = passage('Desks are replaced every 10 years.', 'Desks');
    const result = quotedAnswer('how often are laptops replaced?', [plants, laptops, monitors]);
    expect(result?.passages).toEqual([laptops]);
    expect(result?.answer).toBe('Laptops are replaced every 3 years [1].');
    expect(result?.cited).toEqual([1]);
    expect(extractiveAnswer('how often are laptops replaced?', [plants, laptops, monitors])?.answer).toBe(
      'Laptops are replaced every 3 years [2].',
    );
  });

  it('answers nothing when no sentence shares a word with the question', () => {
    expect(
      extractiveAnswer('what is the wifi password?', [passage('Laptops are replaced every 3 years.')]),
    ).toBeUndefined();
  });
});

describe('stripMentions', () => {
  it('removes Slack and Discord mass mentions but keeps ordinary text', () => {
    expect(stripMentions('<!channel> @here deploy now <!subteam^S1|@ops> <@&123> @everyone')).toBe(
      'here deploy now everyone',
    );
    expect(stripMentions('email ops@here.com')).toBe('email ops@here.com');
  });
});
