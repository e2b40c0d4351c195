import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KnowledgeBase } from '../../src/core/knowledge-base.js';
import type { Embedder } from '../../src/core/ports/embedder.js';
import { LocalEmbedder } from '../../src/ingestion/local-embedder.js';
import { InlinePreparer } from '../../src/ingestion/prepare.js';
import { LanceVectorStore } from '../../src/stores/lance/lance-vector-store.js';

/** Counts embedding calls so tests can prove that unchanged documents cost no embedding work. */
export class CountingEmbedder implements Embedder {
  readonly id: string;
  readonly dimension: number;
  embedded = 0;
  failAfter = Number.POSITIVE_INFINITY;

  constructor(private readonly inner: Embedder = new LocalEmbedder()) {
    this.id = inner.id;
    this.dimension = inner.dimension;
  }

  async embedDocuments(texts: string[]): Promise<Float32Array[]> {
    if (this.embedded + texts.length > this.failAfter) throw new Error('embedding service unavailable');
    this.embedded += texts.length;
    return this.inner.embedDocuments(texts);
  }

  embedQuery(text: string): Promise<Float32Array> {
    return this.inner.embedQuery(text);
  }
}

export async function tempLanceKnowledgeBase(options: { chunkSize?: number } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'docent-kb-'));
  const store = await LanceVectorStore.open(dir);
  const embedder = new CountingEmbedder();
  await store.bindEmbedder(embedder);
  const changes: string[] = [];
  const kb = new KnowledgeBase({
    store,
    embedder,
    preparer: new InlinePreparer({ size: options.chunkSize ?? 400, overlap: 40 }, embedder),
    maxFileBytes: 1024 * 1024,
    topK: 5,
    onChange: (tenantId, scope) => {
      changes.push(`${tenantId}/${scope}`);
    },
  });
  return {
    dir,
    kb,
    store,
    embedder,
    changes,
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const bytesOf = (text: string) => async () => new TextEncoder().encode(text);
