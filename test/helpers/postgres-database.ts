import { randomUUID } from 'node:crypto';
import pg from 'pg';

// The machine's PostgreSQL (trust auth on 127.0.0.1); .ci/run starts it when it is down.
const SERVER = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database of the test's own on the local PostgreSQL, dropped afterwards. */
export class PostgresDatabase {
  private constructor(readonly name: string) {}

  static async create(): Promise<PostgresDatabase> {
    const name = `docent_test_${randomUUID().replaceAll('-', '')}`;
    await admin((client) => client.query(`create database ${name}`));
    return new PostgresDatabase(name);
  }

  get url(): string {
    const url = new URL(SERVER);
    url.pathname = `/${this.name}`;
    return url.toString();
  }

  async drop(): Promise<void> {
    await admin((client) => client.query(`drop database if exists ${this.name} with (force)`));
  }
}

async function admin(work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
