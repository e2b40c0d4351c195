import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../src/core/ports/source-store.js';
import { DuckDbClient } from '../../src/stores/sql/duckdb-client.js';
import { PostgresClient } from '../../src/stores/sql/postgres-client.js';
import type { SqlClient } from '../../src/stores/sql/sql-client.js';
import { SqlSourceStore } from '../../src/stores/sql/sql-source-store.js';
import { PostgresDatabase } from '../helpers/postgres-database.js';

const config = (over: Partial<SourceConfig> = {}): SourceConfig => ({
  id: 'src_a',
  tenantId: 'T1',
  kind: 'web',
  target: 'https://docs.example.com/sitemap.xml',
  scope: 'tenant',
  everyMs: 3_600_000,
  settings: { maxPages: 50 },
  secret: { env: 'WIKI_TOKEN' },
  createdAt: '2026-12-01T10:00:00.000Z',
  ...over,
});

function sourceStoreContract(name: string, setUp: () => Promise<{ open: () => Promise<SqlClient> }>) {
  describe(`SourceStore contract: ${name}`, () => {
    let client: SqlClient;
    let store: SqlSourceStore;
    beforeEach(async () => {
      client = await (await setUp()).open();
      store = await SqlSourceStore.open(client);
    });
    afterEach(async () => client.close());

    it('keeps a source with its settings and the name of its secret, listed by tenant', async () => {
      await store.create(config());
      await store.create(
        config({ id: 'src_b', tenantId: 'T2', secret: undefined, createdAt: '2026-12-02T10:00:00.000Z' }),
      );
      expect(await store.get('src_a')).toEqual({
        ...config(),
        secret: { env: 'WIKI_TOKEN' },
        state: { failures: 0 },
      });
      expect((await store.list('T1')).map((s) => s.id)).toEqual(['src_a']);
      expect((await store.list()).map((s) => s.id)).toEqual(['src_a', 'src_b']);
      expect(await store.get('src_missing')).toBeUndefined();
    });

    it('keeps the name of a JSON key file, on a table made before key files were named', async () => {
      await client.query('alter table docent_sources drop column secret_key_file');
      const reopened = await SqlSourceStore.open(client);
      const keyed = config({ kind: 'gdrive', secret: { keyFile: '/run/secrets/sa.json' } });
      await reopened.create(keyed);
      expect((await reopened.get('src_a'))?.secret).toEqual({ keyFile: '/run/secrets/sa.json' });
    });

    it('records each sync, and forgets a removed source with its items', async () => {
      await store.create(config());
      const state = {
        lastSyncAt: '2026-12-01T11:00:00.000Z',
        status: 'partial' as const,
        counts: { added: 3, updated: 1, unchanged: 2, removed: 1, failed: 1 },
        lastError: '1 failed; the first: https://docs.example.com/a: the server answered 500.',
        failures: 1,
        nextSyncAt: '2026-12-01T11:01:00.000Z',
      };
      await store.recordSync('src_a', state);
      expect((await store.get('src_a'))?.state).toEqual(state);
      await store.putItems('src_a', [{ key: 'https://docs.example.com/a', docId: 'd1' }]);
      expect((await store.remove('src_a'))?.id).toBe('src_a');
      expect(await store.get('src_a')).toBeUndefined();
      expect(await store.items('src_a')).toEqual([]);
      expect(await store.remove('src_a')).toBeUndefined();
    });

    it('replaces items by key, in batches larger than one statement holds, and removes them by key', async () => {
      await store.create(config());
      const many = Array.from({ length: 1200 }, (_, i) => ({
        key: `https://docs.example.com/p${i}`,
        docId: `d${i}`,
        etag: `"v1-${i}"`,
      }));
      await store.putItems('src_a', many);
      await store.putItems('src_a', [
        {
          key: 'https://docs.example.com/p0',
          docId: 'd0',
          etag: '"v2"',
          lastModified: 'Tue, 01 Dec 2026 10:00:00 GMT',
          links: ['https://docs.example.com/p1'],
        },
      ]);
      const items = new Map((await store.items('src_a')).map((i) => [i.key, i]));
      expect(items.size).toBe(1200);
      expect(items.get('https://docs.example.com/p0')).toEqual({
        key: 'https://docs.example.com/p0',
        docId: 'd0',
        etag: '"v2"',
        lastModified: 'Tue, 01 Dec 2026 10:00:00 GMT',
        links: ['https://docs.example.com/p1'],
      });
      await store.removeItems(
        'src_a',
        many.slice(0, 600).map((i) => i.key),
      );
      expect((await store.items('src_a')).length).toBe(600);
    });
  });
}

sourceStoreContract('DuckDB file', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'docent-sources-'));
  return {
    open: async () => {
      const client = await DuckDbClient.open(path.join(dir, 'sources.duckdb'));
      const close = client.close.bind(client);
      client.close = async () => {
        await close();
        await rm(dir, { recursive: true, force: true });
      };
      return client;
    },
  };
});

describe('on PostgreSQL', () => {
  let database: PostgresDatabase;
  beforeAll(async () => {
    database = await PostgresDatabase.create();
  });
  afterAll(async () => database.drop());
  sourceStoreContract('PostgreSQL', async () => {
    const client = await PostgresClient.open(database.url, () => {});
    await client.query('drop table if exists docent_sources, docent_source_items');
    return { open: async () => client };
  });
});
