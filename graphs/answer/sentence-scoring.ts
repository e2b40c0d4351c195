import { tokenize } from '../../src/core/tokenize.js';
import type { Passage } from '../../src/core/types.js';
import { holdsWantedFact, sharesTopic } from './answer-features.js';
import type { QuestionShape } from './question-kind.js';
import { type Sentence, sentencesOf } from './sentences.js';

export interface Candidate extends Sentence {
  passage: number;
  order: number;
  /** The question's words this sentence holds (a word matches its longer forms too). */
  matched: Set<string>;
  tokens: Set<string>;
  headingTokens: Set<string>;
  /** The sentence before, when this one leans on it ("This can be fixed with…"). */
  antecedent?: Candidate;
  /** Holds the kind of fact the question asks for: a figure, a name in code, a step… */
  wanted: boolean;
  score: number;
}

export interface QuestionTerms {
  terms: Set<string>;
  /** The words of a follow-up's latest message, which count double. */
  focused: Set<string>;
  shape: QuestionShape;
  person: boolean;
}

// How much more a sentence holding the wanted kind of fact counts than one that does not.
const WANTED_BOOST = 1.4;
const PASSAGE_RANK_WEIGHT = 0.2;
// A question word found only in the sentence a "This…" sentence leans on, or in its heading.
const ANTECEDENT_WEIGHT = 0.5;
const HEADING_WEIGHT = 0.4;
// The shortest stem that matches longer words: "approv" meets "approval", "config" "configuration".
const MIN_PREFIX = 5;
const NAMES_A_PERSON = /\b[A-Z][a-z]+ [A-Z][a-z]+\b|\b(team|lead|head|manager|engineer|commander|owner)\b/;
// Sentences that continue the one before: the problem is stated first, its answer follows.
const LEANS_ON_PREVIOUS =
  /^(this|these|that|those|it|they|such|to (solve|fix|avoid|accomplish|do|achieve|prevent|change|enable|disable) (this|that|it)|in (this|that|such|these) cases?|instead|otherwise|however|if so|for (this|that|these)|you can (specify|do|change|fix|avoid|disable|enable|configure) (this|that|it))\b/i;

const matches = (term: string, token: string) =>
  term === token ||
  (term.length >= MIN_PREFIX &&
    token.length >= MIN_PREFIX &&
    (token.startsWith(term) || term.startsWith(token)));

function matchedTerms(terms: Set<string>, tokens: Set<string>): Set<string> {
  const found = new Set<string>();
  for (const term of terms) {
    if (tokens.has(term)) found.add(term);
    else for (const token of tokens) if (matches(term, token)) found.add(term);
  }
  return found;
}

/** Every sentence of the passages, each knowing which of the question's words it holds. */
export function candidatesOf(passages: Passage[], question: QuestionTerms): Candidate[] {
  return passages.flatMap((p, passage) => {
    let previous: Candidate | undefined;
    return sentencesOf(p.text).map((s, order) => {
      const tokens = new Set(tokenize(s.text));
      const candidate: Candidate = {
        ...s,
        passage,
        order,
        tokens,
        matched: matchedTerms(question.terms, tokens),
        headingTokens: matchedTerms(question.terms, new Set(tokenize(`${s.heading} ${p.title}`))),
        antecedent: previous && !s.codeLine && LEANS_ON_PREVIOUS.test(s.text) ? previous : undefined,
        wanted: holdsWantedFact(question.shape, s),
        score: 0,
      };
      previous = candidate;
      return candidate;
    });
  });
}

/** Scores each sentence by the question's words it holds, weighted by how rare they are. */
export function score(candidates: Candidate[], question: QuestionTerms): void {
  const { terms, focused, shape } = question;
  const df = new Map<string, number>();
  for (const c of candidates) for (const t of c.matched) df.set(t, (df.get(t) ?? 0) + 1);
  const idf = (t: string) => Math.log(1 + candidates.length / (df.get(t) ?? 1));
  for (const c of candidates) {
    const inContext = c.antecedent?.matched ?? new Set<string>();
    let overlap = 0;
    for (const t of terms) {
      const weight = focused.has(t) ? 2 : 1;
      if (c.matched.has(t)) overlap += idf(t) * weight;
      else if (inContext.has(t)) overlap += idf(t) * weight * ANTECEDENT_WEIGHT;
      else if (c.headingTokens.has(t)) overlap += idf(t) * weight * HEADING_WEIGHT;
    }
    // A sentence that shares only the question's framing ("how many", "default") is not about it.
    if (overlap === 0 || !sharesTopic(terms, new Set([...c.matched, ...inContext]))) continue;
    // Search already ranked the passages: the top one holds the answer more often than the rest.
    let score = (overlap + 0.3 / (c.passage + 1)) / (1 + PASSAGE_RANK_WEIGHT * c.passage);
    if (c.wanted) score *= WANTED_BOOST;
    if (question.person && NAMES_A_PERSON.test(c.text)) score *= 1.2;
    if (shape.kind === 'procedure' && c.listed) score *= 1.25;
    // A line of code answers only a question that asks for code.
    if (c.codeLine && shape.kind !== 'procedure' && shape.kind !== 'name') score *= 0.5;
    // A table of contents or a row of links names topics without saying anything about them.
    if (isIndex(c.text)) score *= 0.3;
    // Long sentences are rarely the direct answer.
    c.score = score - Math.max(0, c.tokens.size - 35) * 0.02;
  }
}

/** "Installing; Usage; API docs; FAQ": short labels in a row, with no sentence among them. */
function isIndex(text: string): boolean {
  const items = text.split(/\s*[;|]\s+/).filter((item) => item.trim() !== '');
  if (items.length < 6) return false;
  const short = items.filter((item) => item.split(' ').length <= 4 && !/[.!?]$/.test(item));
  return short.length / items.length >= 0.8;
}
