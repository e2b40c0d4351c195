import { tokenize } from '../../src/core/tokenize.js';
import type { Passage } from '../../src/core/types.js';
import { sentencesOf } from './sentences.js';

interface Candidate {
  text: string;
  passage: number;
  order: number;
  tokens: Set<string>;
  headingTokens: Set<string>;
  listed: boolean;
  score: number;
}

const MAX_SENTENCES = 3;
const MAX_CHARS = 600;
// Questions that want a number, a time or a duration.
const WANTS_QUANTITY =
  /\b(how (much|many|long|often|soon|far|quickly|fast)|when|what time|deadline|limit|max(imum)?|min(imum)?|price|cost)\b/i;
// Questions that want a procedure: its steps are usually a list.
const WANTS_STEPS = /\b(how (do|can|should|would) (i|we|you)|how to|steps?|procedure)\b/i;
const WANTS_PERSON = /\b(who|whom|owner|owns|approve|approves|sign off)\b/i;
const NAMES_A_PERSON = /\b[A-Z][a-z]+ [A-Z][a-z]+\b|\b(team|lead|head|manager|engineer|commander|owner)\b/;
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
  const candidates: Candidate[] = passages.flatMap((p, passage) =>
    sentencesOf(p.text).map((s, order) => ({
      text: s.text,
      passage,
      order,
      tokens: new Set(tokenize(s.text)),
      headingTokens: new Set(tokenize(`${s.heading} ${p.title}`)),
      listed: s.listed,
      score: 0,
    })),
  );
  // In a follow-up, the latest message says what kind of fact is wanted.
  const quantity = WANTS_QUANTITY.test(focus ?? question);
  const steps = WANTS_STEPS.test(focus ?? question);
  score(candidates, { terms, focused, quantity, steps, person: WANTS_PERSON.test(question) });
  // A follow-up asks about its own words ("request" in "and how do I request it?"): when some
  // sentence speaks to them, only such sentences answer.
  // "and how long should that take?" asks for a figure about the inherited topic: a sentence with
  // a number and a topic word speaks to it too.
  const speaksToFocus = (c: Candidate) =>
    [...focused].some((t) => c.tokens.has(t) || c.headingTokens.has(t)) ||
    (quantity && /\d/.test(c.text) && [...terms].some((t) => !focused.has(t) && c.tokens.has(t)));
  const scored = candidates.filter((c) => c.score > 0);
  // "This runbook describes…" says what a document covers, not what it says: it shares the
  // question's words without answering it, so it answers only when no other sentence does.
  const facts = scored.filter((c) => !ABOUT_THE_DOCUMENT.test(c.text));
  const eligible = facts.length > 0 ? facts : scored;
  const onFocus = eligible.filter(speaksToFocus);
  const best = (onFocus.length > 0 ? onFocus : eligible)
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_SENTENCES);
  const top = best[0];
  if (!top) return undefined;
  // Supporting sentences must be nearly as relevant as the best one, and the answer stays short.
  let length = 0;
  return best
    .filter((c) => c === top || c.score >= top.score * 0.75)
    .sort((a, b) => a.passage - b.passage || a.order - b.order)
    .filter((c) => {
      if (length > 0 && length + c.text.length > MAX_CHARS) return false;
      length += c.text.length;
      return true;
    });
}

/** Scores each sentence by the question's words it holds, weighted by how rare they are. */
function score(
  candidates: Candidate[],
  question: { terms: Set<string>; focused: Set<string>; quantity: boolean; steps: boolean; person: boolean },
): void {
  const { terms, focused } = question;
  const df = new Map<string, number>();
  for (const c of candidates) for (const t of c.tokens) if (terms.has(t)) df.set(t, (df.get(t) ?? 0) + 1);
  const idf = (t: string) => Math.log(1 + candidates.length / (df.get(t) ?? 1));
  for (const c of candidates) {
    let overlap = 0;
    for (const t of terms) {
      const weight = focused.has(t) ? 2 : 1;
      if (c.tokens.has(t)) overlap += idf(t) * weight;
      else if (c.headingTokens.has(t)) overlap += idf(t) * weight * 0.4;
    }
    if (overlap === 0 || ![...terms].some((t) => c.tokens.has(t))) continue;
    let score = overlap + 0.3 / (c.passage + 1);
    if (question.quantity && /\d/.test(c.text)) score *= 1.3;
    if (question.person && NAMES_A_PERSON.test(c.text)) score *= 1.2;
    if (question.steps && c.listed) score *= 1.25;
    // Long sentences are rarely the direct answer.
    c.score = score - Math.max(0, c.tokens.size - 35) * 0.02;
  }
}

/** The chosen sentences in document order, each with the citation `numberOf` gives its passage. */
function compose(chosen: Candidate[], numberOf: (passage: number) => number): string {
  return chosen
    .map((c) => `${/[.!?:;]$/.test(c.text) ? c.text.slice(0, -1) : c.text} [${numberOf(c.passage)}].`)
    .join(' ');
}
