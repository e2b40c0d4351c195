import { z } from 'zod';
import type { RankedPassage, Reranker } from '../core/ports/reranker.js';

/**
 * The two request bodies rerank servers read. `cohere`: `{model, query, documents, top_n}`, as
 * Cohere's /v2/rerank, Jina's /v1/rerank and vLLM's /rerank, /v1/rerank and /v2/rerank take it.
 * `tei`: `{query, texts}`, Hugging Face text-embeddings-inference's /rerank. One body cannot serve
 * both: TEI requires `texts`, and Cohere refuses fields it does not know.
 */
export type RerankApi = 'cohere' | 'tei';

export interface HttpRerankerOptions {
  /** The full endpoint URL, e.g. https://api.cohere.com/v2/rerank or http://tei:8080/rerank. */
  url: string;
  api: RerankApi;
  model?: string;
  /** Sent as `Authorization: Bearer` to `url` only: redirects are refused, so it never travels on. */
  apiKey?: string;
  timeoutMs: number;
}

export class RerankError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RerankError';
  }
}

const position = z.number().int().min(0);
// Either answer is read whatever the request body was: servers that take one body often answer
// like the other (vLLM takes Cohere's body, TEI-compatible proxies vary).
const listOfResults = z.object({
  results: z.array(z.object({ index: position, relevance_score: z.number() })),
});
const bareList = z.array(z.object({ index: position, score: z.number() }));
const rerankAnswer = z.union([
  listOfResults.transform((a) => a.results.map((r) => ({ index: r.index, score: r.relevance_score }))),
  bareList,
]);

/** A rerank endpoint over HTTP, in the shape Cohere, Jina, vLLM or text-embeddings-inference serve. */
export class HttpReranker implements Reranker {
  constructor(private readonly options: HttpRerankerOptions) {}

  async rerank(query: string, passages: string[], topN: number): Promise<RankedPassage[]> {
    const { url, apiKey, timeoutMs } = this.options;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
    };
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(this.body(query, passages, topN)),
        // The bound covers reading the answer too: the signal aborts the body's stream.
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      const reason = timedOut ? `no answer within ${timeoutMs} ms` : `request failed: ${innermost(error)}`;
      throw new RerankError(reason, { cause: error });
    }
    if (!response.ok) throw new RerankError(`HTTP ${response.status}: ${text.slice(0, 200)}`);
    return rankedFrom(text);
  }

  private body(query: string, passages: string[], topN: number) {
    const { api, model } = this.options;
    // TEI ranks every text it is given (it has no top_n) and fails on a text longer than its
    // model reads unless told to truncate.
    if (api === 'tei') return { query, texts: passages, truncate: true };
    return { ...(model ? { model } : {}), query, documents: passages, top_n: topN };
  }
}

/** fetch reports "fetch failed" and keeps the reason (refused, reset, a redirect) in its cause. */
function innermost(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

function rankedFrom(text: string): RankedPassage[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RerankError('the answer is not JSON', { cause: error });
  }
  const parsed = rerankAnswer.safeParse(json);
  if (!parsed.success) throw new RerankError(`unexpected answer: ${z.prettifyError(parsed.error)}`);
  // Servers answer best first; sorting again ranks one that keeps the order it was given.
  return [...parsed.data].sort((a, b) => b.score - a.score);
}
