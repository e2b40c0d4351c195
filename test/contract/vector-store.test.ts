import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { LanceVectorStore } from '../../src/stores/lance-vector-store.js';
import { MemoryVectorStore } from '../../src/stores/memory-vector-store.js';
import { vectorStoreContract } from './vector-store.contract.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

vectorStoreContract('memory', async () => new MemoryVectorStore());
vectorStoreContract('lancedb', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'docent-lance-'));
  dirs.push(dir);
  return LanceVectorStore.open(dir);
});
