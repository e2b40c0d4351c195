import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the fake does with the next requests. `rank`: puts the documents holding `canary` first
 * (the rest keep their order), answering as Cohere, Jina and vLLM do (`results`) or as
 * text-embeddings-inference does (a bare list). The others misbehave the ways a real one can.
 */
export type RerankBehaviour =
  | { kind: 'rank'; canary: string; answer?: 'results' | 'list' }
  | { kind: 'hang' }
  | { kind: 'status'; status: number }
  | { kind: 'raw'; body: string }
  | { kind: 'redirect'; location: string };

export interface RerankRequestSeen {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface FakeReranker {
  /** The endpoint's full URL, as RERANK_URL takes it. */
  url: string;
  requests: RerankRequestSeen[];
  behaviour: RerankBehaviour;
  close(): Promise<void>;
}

function ranked(body: Record<string, unknown>, canary: string) {
  const texts = (body.documents ?? body.texts ?? []) as string[];
  const order = texts
    .map((text, index) => ({ index, promoted: text.toLowerCase().includes(canary) }))
    .sort((a, b) => Number(b.promoted) - Number(a.promoted) || a.index - b.index);
  return order.map(({ index }, rank) => ({ index, score: 1 - rank / (texts.length + 1) }));
}

export async function startFakeReranker(
  behaviour: RerankBehaviour = { kind: 'rank', canary: 'zephyr' },
  path = '/v1/rerank',
): Promise<FakeReranker> {
  const fake = { requests: [] as RerankRequestSeen[], behaviour };
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    fake.requests.push({ path: req.url ?? '', headers: req.headers, body });
    const now = fake.behaviour;
    if (now.kind === 'hang') return; // never answers; close() ends the connection
    if (now.kind === 'status') {
      res.writeHead(now.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `fake reranker: scripted ${now.status}` }));
      return;
    }
    if (now.kind === 'raw') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(now.body);
      return;
    }
    if (now.kind === 'redirect') {
      res.writeHead(307, { location: now.location });
      res.end();
      return;
    }
    const ranks = ranked(body, now.canary);
    const topN = typeof body.top_n === 'number' && body.top_n > 0 ? body.top_n : ranks.length;
    const answer =
      now.answer === 'list'
        ? ranks
        : { results: ranks.slice(0, topN).map((r) => ({ index: r.index, relevance_score: r.score })) };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
