import type { Passage } from '../core/types.js';
import { tokenize } from '../ingestion/tokenize.js';

export const NOT_IN_DOCUMENTS = "I couldn't find anything about that in your documents.";

interface Candidate {
  text: string;
  passage: number;
  order: number;
  score: number;
}

const MAX_SENTENCES = 3;
const MAX_CHARS = 700;

/** Splits a passage into sentences and list items; Markdown markers are dropped for reading. */
export function sentencesOf(text: string): string[] {
  return text
    .split(/\n+/)
    .flatMap((line) => line.split(/(?<=[.!?])\s+(?=[A-Z0-9"'([])/))
    .map((s) =>
      s
        .replace(/^\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)/, '')
        .replace(/\*\*|__|`/g, '')
        .trim(),
    )
    .filter((s) => s.length >= 12 && /[\p{L}]/u.test(s));
}

/**
 * Answers without a model: picks the sentences of the top passages that share the most
 * (rare) words with the question and cites each one. Returns undefined when no sentence
 * shares a single content word with the question: better no answer than an invented one.
 */
export function extractiveAnswer(
  question: string,
  passages: Passage[],
): { answer: string; cited: number[] } | undefined {
  const terms = new Set(tokenize(question));
  if (terms.size === 0 || passages.length === 0) return undefined;
  const candidates: Candidate[] = [];
  passages.forEach((p, passage) => {
    sentencesOf(p.text).forEach((text, order) => {
      candidates.push({ text, passage, order, score: 0 });
    });
  });
  const tokensOf = candidates.map((c) => new Set(tokenize(c.text)));
  const df = new Map<string, number>();
  for (const tokens of tokensOf) for (const t of tokens) if (terms.has(t)) df.set(t, (df.get(t) ?? 0) + 1);
  candidates.forEach((c, i) => {
    const tokens = tokensOf[i] as Set<string>;
    let overlap = 0;
    for (const t of terms) if (tokens.has(t)) overlap += Math.log(1 + candidates.length / (df.get(t) ?? 1));
    // Retrieval rank is evidence too; very long sentences are rarely the direct answer.
    c.score = overlap === 0 ? 0 : overlap + 0.3 / (c.passage + 1) - Math.max(0, tokens.size - 40) * 0.01;
  });
  const best = candidates
    .filter((c) => c.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_SENTENCES);
  if (best.length === 0) return undefined;
  const top = best[0] as Candidate;
  // Keep supporting sentences only when they are nearly as relevant as the best one.
  const chosen = best.filter((c) => c === top || c.score >= top.score * 0.6);
  chosen.sort((a, b) => a.passage - b.passage || a.order - b.order);
  const parts: string[] = [];
  let length = 0;
  for (const c of chosen) {
    if (length > 0 && length + c.text.length > MAX_CHARS) continue;
    const sentence = /[.!?]$/.test(c.text) ? c.text.slice(0, -1) : c.text;
    parts.push(`${sentence} [${c.passage + 1}].`);
    length += c.text.length;
  }
  return { answer: parts.join(' '), cited: [...new Set(chosen.map((c) => c.passage + 1))] };
}
