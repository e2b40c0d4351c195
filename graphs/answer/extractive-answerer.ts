import { tokenize } from '../../src/core/tokenize.js';
import type { Passage } from '../../src/core/types.js';
import { shapeOf } from './question-kind.js';
import { type Candidate, candidatesOf, score } from './sentence-scoring.js';

const MAX_SENTENCES = 3;
const MAX_CHARS = 600;
const SUPPORT_RATIO = 0.75;
const WANTS_PERSON = /\b(who|whom|owner|owns|approve|approves|sign off)\b/i;
const ABOUT_THE_DOCUMENT =
  /^(this|these)\s+(section|page|document|doc|guide|guidelines|policy|runbook|handbook|chapter|article|faq|manual|playbook|procedure)s?\b/i;

/**
 * Answers without a model: picks the sentences of the top passages that share the most (rare)
 * words with the question, prefers ones that hold the kind of fact asked for (a number, a name),
 * and cites each. Returns undefined when no sentence shares a content word with the question:
 * better no answer than an invented one.
 */
export function extractiveAnswer(
  question: string,
  passages: Passage[],
  /** The latest message of a follow-up: its words matter more than the topic it inherited. */
  focus?: string,
): { answer: string; cited: number[] } | undefined {
  const chosen = chooseSentences(question, passages, focus);
  if (!chosen) return undefined;
  return {
    answer: compose(chosen, (passage) => passage + 1),
    cited: [...new Set(chosen.map((c) => c.passage + 1))],
  };
}

/**
 * The same answer with only the passages it quotes as its sources, numbered in the order it
 * cites them: a quote has no other sources, and a list of passages it never used reads as padding.
 */
export function quotedAnswer(
  question: string,
  passages: Passage[],
  focus?: string,
): { answer: string; cited: number[]; passages: Passage[] } | undefined {
  const chosen = chooseSentences(question, passages, focus);
  if (!chosen) return undefined;
  const quoted = [...new Set(chosen.map((c) => c.passage))];
  return {
    answer: compose(chosen, (passage) => quoted.indexOf(passage) + 1),
    cited: quoted.map((_, i) => i + 1),
    passages: quoted.map((i) => passages[i] as Passage),
  };
}

function chooseSentences(question: string, passages: Passage[], focus?: string): Candidate[] | undefined {
  const terms = new Set(tokenize(question));
  const focused = new Set(focus ? tokenize(focus) : []);
  if (terms.size === 0 || passages.length === 0) return undefined;
  // In a follow-up, the latest message says what kind of fact is wanted.
  const shape = shapeOf(focus ?? question);
  const asked = { terms, focused, shape, person: WANTS_PERSON.test(question) };
  const candidates = candidatesOf(passages, asked);
  score(candidates, asked);
  // A follow-up asks about its own words ("request" in "and how do I request it?"): when some
  // sentence speaks to them, only such sentences answer.
  // "and how long should that take?" asks for a figure about the inherited topic: a sentence with
  // a number and a topic word speaks to it too.
  const speaksToFocus = (c: Candidate) =>
    [...focused].some((t) => c.tokens.has(t) || c.headingTokens.has(t)) ||
    (shape.kind === 'quantity' && c.wanted && [...terms].some((t) => !focused.has(t) && c.tokens.has(t)));
  const scored = candidates.filter((c) => c.score > 0);
  // "This runbook describes…" says what a document covers, not what it says: it shares the
  // question's words without answering it, so it answers only when no other sentence does.
  const facts = scored.filter((c) => !ABOUT_THE_DOCUMENT.test(c.text));
  const eligible = facts.length > 0 ? facts : scored;
  const onFocus = focused.size > 0 ? eligible.filter(speaksToFocus) : [];
  const best = (onFocus.length > 0 ? onFocus : eligible)
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_SENTENCES);
  const top = best[0];
  if (!top) return undefined;
  // Supporting sentences must be nearly as relevant as the best one, and the answer stays short.
  const chosen: Candidate[] = [];
  let length = 0;
  for (const c of best.filter((c) => c === top || c.score >= top.score * SUPPORT_RATIO)) {
    const snippet = snippetAround(c, candidates).filter((s) => !chosen.includes(s));
    const added = snippet.reduce((sum, s) => sum + s.text.length, 0);
    if (length > 0 && length + added > MAX_CHARS) continue;
    chosen.push(...snippet);
    length += added;
  }
  return chosen.sort((a, b) => a.passage - b.passage || a.order - b.order);
}

/**
 * A sentence with what it needs to be read alone: the sentence it leans on ("Stale builds fail
 * oddly. This is fixed by…"), and the next one when that one leans on it, or holds the fact asked
 * for and this one does not (the problem stated, then the command that solves it).
 */
function snippetAround(c: Candidate, candidates: Candidate[]): Candidate[] {
  const next = candidates.find((n) => n.passage === c.passage && n.order === c.order + 1);
  const completes =
    next && next.text.length <= MAX_CHARS / 2 && (next.antecedent === c || (!c.wanted && next.wanted));
  return [...(c.antecedent ? [c.antecedent] : []), c, ...(completes ? [next] : [])];
}

/** The chosen sentences in document order, each with the citation `numberOf` gives its passage. */
function compose(chosen: Candidate[], numberOf: (passage: number) => number): string {
  return chosen
    .map((c) => `${/[.!?:;]$/.test(c.text) ? c.text.slice(0, -1) : c.text} [${numberOf(c.passage)}].`)
    .join(' ');
}
