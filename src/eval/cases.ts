import { hash } from 'node:crypto';
import { DocentError } from '../core/errors.js';
import type { Passage } from '../core/types.js';

export type EvalPart = 'tune' | 'held-out';

export interface EvalCase {
  /** Stable name of the question; it alone decides the question's part. */
  id?: string;
  question: string;
  /** A phrase the right passage contains; the answer given should contain it too. */
  answer?: string;
  /** File names, relative sources or doc ids; any one of them counts as relevant. */
  sources: string[];
  part?: EvalPart;
}

export function parseEvalCases(jsonl: string): EvalCase[] {
  return jsonl
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, n }) => {
      let value: Partial<EvalCase>;
      try {
        value = JSON.parse(line);
      } catch {
        throw new DocentError('invalid_input', `line ${n}: not valid JSON`);
      }
      if (typeof value.question !== 'string' || !Array.isArray(value.sources) || value.sources.length === 0) {
        throw new DocentError(
          'invalid_input',
          `line ${n}: needs "question" (string) and "sources" (non-empty array)`,
        );
      }
      if (value.part !== undefined && value.part !== 'tune' && value.part !== 'held-out') {
        throw new DocentError('invalid_input', `line ${n}: "part" is "tune" or "held-out"`);
      }
      return {
        id: value.id === undefined ? undefined : String(value.id),
        question: value.question,
        answer: value.answer,
        sources: value.sources.map(String),
        part: value.part,
      };
    });
}

/**
 * A third of the questions tune, the rest are held out, decided by the id alone: editing a
 * question's wording or adding others never moves it from one part to the other.
 */
export function partFor(id: string): EvalPart {
  return Number.parseInt(hash('sha256', id).slice(0, 8), 16) % 3 === 0 ? 'tune' : 'held-out';
}

/**
 * A passage answers when it comes from one of the expected files: its doc id, its source, or a
 * path that the source ends with ("guides/setup.md" matches "docs/guides/setup.md", a bare file
 * name matches it in any folder).
 */
export function isRelevant(passage: Pick<Passage, 'docId' | 'source'>, expected: string[]): boolean {
  return expected.some(
    (s) => s === passage.docId || s === passage.source || passage.source.endsWith(`/${s}`),
  );
}

const comparable = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();

/** The expected phrase appears in the answer, whatever the case and spacing of either. */
export function answerContains(answer: string, expected: string): boolean {
  return comparable(answer).includes(comparable(expected));
}
