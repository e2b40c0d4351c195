import { type RunningService, startHttpService } from './http-service.js';

const ADMIN = 'admin-secret-token';
const API = 'api-token';

export interface AnswerReply {
  answer: string;
  cached: boolean;
  sources: { source: string; title?: string }[];
}

/**
 * The HTTP service for a source kind's tests: the admin API to add, sync and remove sources, the
 * query API to ask, and a count of the passages it has embedded.
 */
export async function startSourceService(env: Record<string, string> = {}) {
  const service: RunningService = await startHttpService({
    DOCENT_ADMIN_TOKEN: ADMIN,
    DOCENT_API_TOKEN: API,
    ALLOW_PRIVATE_URLS: 'true',
    INGEST_THREADS: '0',
    ...env,
  });
  const counter = { embedded: 0 };
  // Ingestion runs on this thread (INGEST_THREADS=0) with this very embedder: counting its calls
  // shows whether a sync embedded anything.
  const { embedder } = service.services;
  const embedDocuments = embedder.embedDocuments.bind(embedder);
  embedder.embedDocuments = async (texts) => {
    counter.embedded += texts.length;
    return embedDocuments(texts);
  };
  const admin = async (path: string, body?: unknown) => {
    const response = await fetch(`${service.url}${path}`, {
      method: body === undefined ? (path.endsWith('/sync') ? 'POST' : 'GET') : 'POST',
      headers: {
        authorization: `Bearer ${ADMIN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  };
  return {
    service,
    get embedded() {
      return counter.embedded;
    },
    admin,
    async addSource(body: Record<string, unknown>): Promise<string> {
      const created = await admin('/admin/sources', body);
      if (created.status !== 201) throw new Error(`source not added: ${created.text}`);
      return JSON.parse(created.text).source.id;
    },
    async sync(id: string) {
      return JSON.parse((await admin(`/admin/sources/${id}/sync`)).text).source;
    },
    async removeAll() {
      for (const s of JSON.parse((await admin('/admin/sources')).text).sources)
        await fetch(`${service.url}/admin/sources/${s.id}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${ADMIN}` },
        });
    },
    async ask(question: string): Promise<AnswerReply> {
      const response = await fetch(`${service.url}/api/v1/query`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API}`, 'content-type': 'application/json' },
        body: JSON.stringify({ question }),
      });
      return response.json() as Promise<AnswerReply>;
    },
    stop: () => service.stop(),
  };
}
