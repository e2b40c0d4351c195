import type { AnswerResult, SourceView } from '../../core/ask.js';
import { BoundedMap } from '../../stores/trim-oldest.js';

/** What the query API sends for an answer: the shared answer shape and the session to continue. */
export interface ApiAnswer extends AnswerResult {
  session_id: string;
}

/** The JSON of an answer's text and sources, kept for the sources array it was written from. */
interface Written {
  sources: SourceView[];
  json: string;
}

// A cache hit returns the stored entry's text and sources array themselves, so a popular answer's
// largest part (text and passages, most of the body) is written to JSON once rather than on every
// hit. Keyed by the text and checked against the very sources array: an answer from the graph, or
// from a store that copies on read (Redis), has a new array and is written afresh.
const written = new BoundedMap<string, Written>(1_000);

function textAndSources(answer: string, sources: SourceView[]): string {
  const known = written.get(answer);
  if (known?.sources === sources) return known.json;
  const json = `"answer":${JSON.stringify(answer)},"sources":${JSON.stringify(sources)}`;
  written.set(answer, { sources, json });
  return json;
}

/**
 * The same text as `JSON.stringify(answer)`, field for field and in the same order, with the
 * answer's text and sources written once per cached answer rather than once per request.
 */
export function apiAnswerJson(answer: ApiAnswer): string {
  const { id, latency_ms, model, route, cached, tokens, cost_usd, session_id, note } = answer;
  return (
    `{"id":${JSON.stringify(id)},${textAndSources(answer.answer, answer.sources)}` +
    `,"latency_ms":${JSON.stringify(latency_ms)},"model":${JSON.stringify(model)}` +
    `,"route":${JSON.stringify(route)},"cached":${cached}` +
    `,"tokens":{"input":${JSON.stringify(tokens.input)},"output":${JSON.stringify(tokens.output)}}` +
    `,"cost_usd":${JSON.stringify(cost_usd)},"session_id":${JSON.stringify(session_id)}` +
    `${note ? `,"note":${JSON.stringify(note)}` : ''}}`
  );
}
