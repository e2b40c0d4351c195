import { extractiveAnswer, NOT_IN_DOCUMENTS } from '../llm/extractive-answerer.js';
import type { KnowledgeBase } from './knowledge-base.js';
import type { Audience, Passage } from './types.js';

export interface SourceView {
  n: number;
  doc_id: string;
  title: string;
  source: string;
  score: number;
  text: string;
}

/** The answer shape every surface shares (CLI --json, HTTP API); keep it stable. */
export interface AskResult {
  answer: string;
  sources: SourceView[];
  route: string;
  model: string;
  cached: boolean;
  latency_ms: number;
}

export function toSources(passages: Passage[]): SourceView[] {
  return passages.map((p, i) => ({
    n: i + 1,
    doc_id: p.docId,
    title: p.title,
    source: p.source,
    score: Number(p.score.toFixed(6)),
    text: p.text,
  }));
}

/** Retrieval plus the offline extractive answerer. */
export async function askKnowledgeBase(
  kb: KnowledgeBase,
  question: string,
  audience: Audience,
): Promise<AskResult> {
  const started = performance.now();
  const passages = await kb.search(question, audience);
  const extracted = extractiveAnswer(question, passages);
  return {
    answer: extracted?.answer ?? NOT_IN_DOCUMENTS,
    sources: extracted ? toSources(passages) : [],
    route: extracted ? 'question' : 'no_passages',
    model: 'extractive',
    cached: false,
    latency_ms: Math.round(performance.now() - started),
  };
}
