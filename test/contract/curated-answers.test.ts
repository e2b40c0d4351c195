import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { questionSignature } from '../../graphs/answer/cache-key.js';
import { CuratedAnswerBook } from '../../src/core/curated-answers.js';
import { DuplicateCuratedAnswerError } from '../../src/core/ports/curated-answers.js';
import type { KnowledgeVersions } from '../../src/core/ports/knowledge-versions.js';
import type { Audience } from '../../src/core/types.js';
import { MemoryKnowledgeVersions } from '../../src/stores/memory/memory-knowledge-versions.js';
import { DuckDbClient } from '../../src/stores/sql/duckdb-client.js';
import { PostgresClient } from '../../src/stores/sql/postgres-client.js';
import type { SqlClient } from '../../src/stores/sql/sql-client.js';
import { SqlCuratedAnswers } from '../../src/stores/sql/sql-curated-answers.js';
import { PostgresDatabase } from '../helpers/postgres-database.js';

const VPN = { question: 'How do I connect to the VPN?', answer: 'Open WireGuard and pick "office".' };
const everyone = (tenantId = 'T1'): Audience => ({ tenantId, scopes: ['tenant'] });
const inChannel = (channel: string, tenantId = 'T1'): Audience => ({
  tenantId,
  scopes: ['tenant', `channel:${channel}`],
});
const find = async (book: CuratedAnswerBook, audience: Audience, question: string) =>
  book.find(
    audience,
    await versionsOf(book).read(audience.tenantId, audience.scopes),
    questionSignature(question),
  );

const versionsUsed = new WeakMap<CuratedAnswerBook, KnowledgeVersions>();
const versionsOf = (book: CuratedAnswerBook) => versionsUsed.get(book) as KnowledgeVersions;

/** The service's view of the store: answers matched by signature, each write bumping versions. */
async function bookOn(
  client: SqlClient,
  versions: KnowledgeVersions,
  onError: (e: unknown) => void = () => {},
) {
  const store = await SqlCuratedAnswers.open(client, { signature: questionSignature });
  const book = new CuratedAnswerBook(store, versions, {
    signature: questionSignature,
    lookupTimeoutMs: 2000,
    onError,
  });
  versionsUsed.set(book, versions);
  return book;
}

interface Opened {
  store: CuratedAnswerBook;
  client: SqlClient;
}

function curatedContract(
  name: string,
  setUp: () => Promise<{ open: () => Promise<SqlClient>; tearDown: () => Promise<void> }>,
) {
  describe(`CuratedAnswers contract: ${name}`, () => {
    let open: () => Promise<Opened>;
    let tearDown: () => Promise<void>;
    let opened: Opened;
    let store: CuratedAnswerBook;
    beforeEach(async () => {
      const database = await setUp();
      tearDown = database.tearDown;
      open = async () => {
        const client = await database.open();
        return { client, store: await bookOn(client, new MemoryKnowledgeVersions(1000)) };
      };
      opened = await open();
      store = opened.store;
    });
    afterEach(async () => {
      await opened.client.close();
      await tearDown();
    });

    it('finds an answer by the question and its rephrasings, and by nothing else', async () => {
      const created = await store.create('T1', 'tenant', VPN);
      expect(created).toMatchObject({ tenantId: 'T1', scope: 'tenant', ...VPN });
      expect(created.createdAt).toBe(created.updatedAt);
      for (const asked of [VPN.question, 'how do i connect to the vpn', 'How do I connect to VPNs, please?'])
        expect((await find(store, everyone(), asked))?.id).toBe(created.id);
      for (const other of [
        'How do I disconnect from the VPN?',
        'Why do I connect to the VPN?',
        'VPN connect',
      ])
        expect(await find(store, everyone(), other)).toBeUndefined();
    });

    it('never serves an answer to another tenant, nor to an audience without its scope', async () => {
      await store.create('T1', 'channel:C1', VPN);
      expect(await find(store, inChannel('C1', 'T2'), VPN.question)).toBeUndefined();
      expect(await find(store, everyone(), VPN.question)).toBeUndefined();
      expect(await find(store, inChannel('C2'), VPN.question)).toBeUndefined();
      expect(await find(store, { tenantId: 'T1', scopes: ['user:C1'] }, VPN.question)).toBeUndefined();
      expect(await find(store, { tenantId: 'T1', scopes: [] }, VPN.question)).toBeUndefined();
      expect(await find(store, inChannel('C1'), VPN.question)).toMatchObject({ scope: 'channel:C1' });
      expect(await store.list('T2')).toEqual([]);
      expect(await store.inScope('T1', 'channel:C1')).toEqual([expect.objectContaining(VPN)]);
      expect(await store.inScope('T1', 'tenant')).toEqual([]);
      expect(await store.inScope('T2', 'channel:C1')).toEqual([]);
    });

    it("prefers a channel's own answer to the tenant's", async () => {
      await store.create('T1', 'tenant', VPN);
      await store.create('T1', 'channel:C1', { ...VPN, answer: 'Use the lab VPN.' });
      expect((await find(store, inChannel('C1'), VPN.question))?.answer).toBe('Use the lab VPN.');
      expect((await find(store, inChannel('C2'), VPN.question))?.answer).toBe(VPN.answer);
    });

    it('edits and removes within the tenant only', async () => {
      const { id } = await store.create('T1', 'tenant', VPN);
      expect(await store.update('T2', id, { answer: 'stolen' })).toBeUndefined();
      expect(await store.remove('T2', id)).toBeUndefined();
      const edited = await store.update('T1', id, { question: 'How do I reach the office network?' });
      expect(edited).toMatchObject({
        id,
        answer: VPN.answer,
        question: 'How do I reach the office network?',
      });
      expect(await find(store, everyone(), VPN.question)).toBeUndefined();
      expect((await find(store, everyone(), 'how do I reach the office network'))?.id).toBe(id);
      expect((await store.update('T1', id, { answer: 'Ask IT.' }))?.answer).toBe('Ask IT.');
      expect(await store.list('T1')).toEqual([expect.objectContaining({ id, answer: 'Ask IT.' })]);
      expect((await store.remove('T1', id))?.id).toBe(id);
      expect(await store.remove('T1', id)).toBeUndefined();
      expect(await store.list('T1')).toEqual([]);
    });

    it('refuses a second answer to the same question in the same scope', async () => {
      const first = await store.create('T1', 'tenant', VPN);
      await expect(
        store.create('T1', 'tenant', { ...VPN, question: 'how do I connect to VPNs' }),
      ).rejects.toEqual(new DuplicateCuratedAnswerError(first.id));
      const other = await store.create('T1', 'tenant', { question: 'Who runs payroll?', answer: 'Dana.' });
      await expect(store.update('T1', other.id, { question: VPN.question })).rejects.toBeInstanceOf(
        DuplicateCuratedAnswerError,
      );
      await store.create('T2', 'tenant', VPN);
      await store.create('T1', 'channel:C1', VPN);
    });

    it('keeps its answers when the database is opened again', async () => {
      const created = await store.create('T1', 'tenant', VPN);
      await opened.client.close();
      opened = await open();
      expect(await opened.store.list('T1')).toEqual([created]);
      expect(await find(opened.store, everyone(), VPN.question)).toEqual(created);
    });

    it('answers a lookup on a database that is gone with a miss, and reads again once it is back', async () => {
      await store.create('T1', 'tenant', VPN);
      const errors: unknown[] = [];
      let down = false;
      const flaky: SqlClient = {
        dialect: opened.client.dialect,
        query: (sql, params) =>
          down ? Promise.reject(new Error('database away')) : opened.client.query(sql, params),
        close: async () => {},
      };
      const book = await bookOn(flaky, new MemoryKnowledgeVersions(1000), (e) => errors.push(e));
      down = true;
      expect(await find(book, everyone(), VPN.question)).toBeUndefined();
      expect(errors).toHaveLength(1);
      down = false;
      expect(await find(book, everyone(), VPN.question)).toMatchObject(VPN);
    });

    it("sees another instance's writes at once through the knowledge versions they share", async () => {
      const shared = new MemoryKnowledgeVersions(1000);
      const [here, there] = [await bookOn(opened.client, shared), await bookOn(opened.client, shared)];
      expect(await find(here, everyone(), VPN.question)).toBeUndefined();
      const { id } = await there.create('T1', 'tenant', VPN);
      expect(await find(here, everyone(), VPN.question)).toMatchObject(VPN);
      await there.update('T1', id, { answer: 'Ask IT.' });
      expect(await find(here, everyone(), VPN.question)).toMatchObject({ answer: 'Ask IT.' });
      await there.remove('T1', id);
      expect(await find(here, everyone(), VPN.question)).toBeUndefined();
    });
  });
}

curatedContract('DuckDB file', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'docent-curated-'));
  return {
    open: () => DuckDbClient.open(path.join(dir, 'operational.duckdb')),
    tearDown: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('on PostgreSQL', () => {
  let database: PostgresDatabase;
  beforeAll(async () => {
    database = await PostgresDatabase.create();
  });
  afterAll(async () => database.drop());
  curatedContract('PostgreSQL', async () => {
    // Each test starts from an empty table in the shared test database.
    const client = await PostgresClient.open(database.url, () => {});
    await client.query('drop table if exists docent_curated_answers');
    await client.close();
    return { open: () => PostgresClient.open(database.url, () => {}), tearDown: async () => {} };
  });
});
