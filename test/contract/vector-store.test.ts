import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { StoredDocument } from '../../src/stores/lance/lance-schema.js';
import { LanceVectorStore } from '../../src/stores/lance/lance-vector-store.js';
import { type MemoryRecord, MemoryVectorStore } from '../../src/stores/memory/memory-vector-store.js';
import { type RecordWriteFailure, vectorStoreContract } from './vector-store.contract.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const diskFull = () => new Error('No space left on device');

/** Fails the commit of document records while told to; passages are written before it. */
class FlakyMemoryStore extends MemoryVectorStore {
  constructor(private readonly records: RecordWriteFailure) {
    super();
  }

  protected override async writeRecord(doc: MemoryRecord): Promise<void> {
    if (this.records.failing) throw diskFull();
    return super.writeRecord(doc);
  }
}

class FlakyLanceStore extends LanceVectorStore {
  records: RecordWriteFailure = { failing: false };

  protected override async writeDocumentRecords(docs: StoredDocument[], anyStored: boolean): Promise<void> {
    if (this.records.failing) throw diskFull();
    return super.writeDocumentRecords(docs, anyStored);
  }
}

vectorStoreContract('memory', async (records) => new FlakyMemoryStore(records));
vectorStoreContract('lancedb', async (records) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'docent-lance-'));
  dirs.push(dir);
  const store = (await FlakyLanceStore.open(dir)) as FlakyLanceStore;
  store.records = records;
  return store;
});
