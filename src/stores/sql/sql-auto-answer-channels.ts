import type { AutoAnswerChannels } from '../../core/ports/auto-answer-channels.js';
import { createRacing, onFirstUse, type SqlClient } from './sql-client.js';

/**
 * Each tenant's auto-answer channels in the operational SQL database (DuckDB in DATA_DIR or
 * PostgreSQL): one row per tenant holding its list, so replacing a list is one statement and a
 * failed write leaves the old list whole.
 */
export class SqlAutoAnswerChannels implements AutoAnswerChannels {
  private readonly ready = onFirstUse(() => createTable(this.sql));

  private constructor(
    private readonly sql: SqlClient,
    private readonly now: () => number,
  ) {}

  /** Ready now: a database that cannot be reached fails here. */
  static async open(sql: SqlClient, now: () => number = Date.now): Promise<SqlAutoAnswerChannels> {
    const store = new SqlAutoAnswerChannels(sql, now);
    await store.ready();
    return store;
  }

  /** Made ready on first use, for commands that may never read it. */
  static onDemand(sql: SqlClient, now: () => number = Date.now): SqlAutoAnswerChannels {
    return new SqlAutoAnswerChannels(sql, now);
  }

  async list(tenantId: string): Promise<string[]> {
    await this.ready();
    const [row] = await this.sql.query(
      'select channels from docent_auto_answer_channels where tenant_id = $1',
      [tenantId],
    );
    return row ? parseChannels(row.channels) : [];
  }

  async set(tenantId: string, channelIds: readonly string[]): Promise<string[]> {
    await this.ready();
    const channels = [...new Set(channelIds)].sort();
    await this.sql.query(
      `insert into docent_auto_answer_channels (tenant_id, channels, updated_ms) values ($1, $2, $3)
       on conflict (tenant_id) do update set channels = excluded.channels, updated_ms = excluded.updated_ms`,
      [tenantId, JSON.stringify(channels), this.now()],
    );
    return channels;
  }
}

/** A list as stored; anything else (a row edited by hand) reads as no channels. */
function parseChannels(value: unknown): string[] {
  try {
    const parsed: unknown = JSON.parse(String(value));
    return Array.isArray(parsed) ? parsed.filter((c): c is string => typeof c === 'string') : [];
  } catch {
    return [];
  }
}

async function createTable(sql: SqlClient): Promise<void> {
  const statement = `create table if not exists docent_auto_answer_channels (
    tenant_id text primary key,
    channels text not null,
    updated_ms bigint not null
  )`;
  await createRacing(async () => {
    await sql.query(statement);
  }, 3);
}
