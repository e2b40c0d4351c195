import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AutoAnswerSettings } from '../../src/core/auto-answer.js';
import { DuckDbClient } from '../../src/stores/sql/duckdb-client.js';
import { PostgresClient } from '../../src/stores/sql/postgres-client.js';
import { SqlAutoAnswerChannels } from '../../src/stores/sql/sql-auto-answer-channels.js';
import type { SqlClient } from '../../src/stores/sql/sql-client.js';
import { PostgresDatabase } from '../helpers/postgres-database.js';

const settingsOn = (client: SqlClient, onError: (e: unknown) => void = () => {}) =>
  SqlAutoAnswerChannels.open(client).then(
    (store) =>
      new AutoAnswerSettings(store, {
        everywhere: ['CALL'],
        uncovered: 'silent',
        lookupTimeoutMs: 2000,
        maxAgeMs: 0,
        onError,
      }),
  );

function autoAnswerContract(
  name: string,
  setUp: () => Promise<{ open: () => Promise<SqlClient>; tearDown: () => Promise<void> }>,
) {
  describe(`AutoAnswerChannels contract: ${name}`, () => {
    let open: () => Promise<SqlClient>;
    let tearDown: () => Promise<void>;
    let client: SqlClient;
    beforeEach(async () => {
      ({ open, tearDown } = await setUp());
      client = await open();
    });
    afterEach(async () => {
      await client.close();
      await tearDown();
    });

    it("replaces one tenant's channels without touching another's", async () => {
      const settings = await settingsOn(client);
      expect(await settings.list('T1')).toEqual([]);
      expect(await settings.set('T1', ['CHELP', 'CASK', 'CHELP'])).toEqual(['CASK', 'CHELP']);
      await settings.set('T2', ['COTHER']);
      expect(await settings.answersIn('T1', 'CHELP')).toBe(true);
      expect(await settings.answersIn('T2', 'CHELP')).toBe(false);
      expect(await settings.answersIn('T1', 'COTHER')).toBe(false);
      // The configured channels answer for every tenant.
      expect(await settings.answersIn('T3', 'CALL')).toBe(true);
      expect(await settings.set('T1', ['CASK'])).toEqual(['CASK']);
      expect(await settings.answersIn('T1', 'CHELP')).toBe(false);
      expect(await settings.list('T2')).toEqual(['COTHER']);
      expect(await settings.set('T1', [])).toEqual([]);
      expect(await settings.list('T1')).toEqual([]);
    });

    it('keeps its channels when the database is opened again', async () => {
      await (await settingsOn(client)).set('T1', ['CHELP']);
      await client.close();
      client = await open();
      expect(await (await settingsOn(client)).list('T1')).toEqual(['CHELP']);
    });

    it('leaves messages alone while the database is away, and reads again once it is back', async () => {
      await (await settingsOn(client)).set('T1', ['CHELP']);
      let down = false;
      const flaky: SqlClient = {
        dialect: client.dialect,
        query: (sql, params) =>
          down ? Promise.reject(new Error('database away')) : client.query(sql, params),
        close: async () => {},
      };
      const errors: unknown[] = [];
      const settings = await settingsOn(flaky, (e) => errors.push(e));
      down = true;
      expect(await settings.answersIn('T1', 'CHELP')).toBe(false);
      expect(await settings.answersIn('T1', 'CALL')).toBe(true);
      expect(errors).toHaveLength(1);
      await expect(settings.set('T1', ['CNEW'])).rejects.toThrow('database away');
      down = false;
      expect(await settings.answersIn('T1', 'CHELP')).toBe(true);
      expect(await settings.list('T1')).toEqual(['CHELP']);
    });
  });
}

autoAnswerContract('DuckDB file', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'docent-auto-answer-'));
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
  autoAnswerContract('PostgreSQL', async () => {
    const client = await PostgresClient.open(database.url, () => {});
    await client.query('drop table if exists docent_auto_answer_channels');
    await client.close();
    return { open: () => PostgresClient.open(database.url, () => {}), tearDown: async () => {} };
  });
});
