import type {
  Source,
  SourceConfig,
  SourceItem,
  SourceStore,
  SyncState,
} from '../../core/ports/source-store.js';
import type { Scope } from '../../core/types.js';
import { createRacing, insertRows, onFirstUse, type SqlClient, type SqlRow } from './sql-client.js';

const SOURCE_COLUMNS =
  'id, tenant_id, kind, target, scope, every_ms, settings, secret_env, secret_file, secret_key_file, created_ms, state';
const ITEM_COLUMNS = ['source_id', 'item_key', 'doc_id', 'etag', 'last_modified', 'links'];
// Under PostgreSQL's limit of 65,535 parameters per statement.
const ITEMS_PER_INSERT = 500;

/**
 * Sources and what each sync remembers of each document, in the operational SQL database (DuckDB
 * in DATA_DIR or PostgreSQL). A source's secret is kept as the name of where to read it only.
 */
export class SqlSourceStore implements SourceStore {
  private readonly ready = onFirstUse(() => createTables(this.sql));

  constructor(private readonly sql: SqlClient) {}

  /** Ready now: a database that cannot be reached fails here. */
  static async open(sql: SqlClient): Promise<SqlSourceStore> {
    const store = new SqlSourceStore(sql);
    await store.ready();
    return store;
  }

  async create(config: SourceConfig): Promise<Source> {
    await this.ready();
    const state: SyncState = { failures: 0 };
    await insertRows(this.sql, 'docent_sources', SOURCE_COLUMNS.split(', '), [
      [
        config.id,
        config.tenantId,
        config.kind,
        config.target,
        config.scope,
        config.everyMs,
        JSON.stringify(config.settings),
        config.secret?.env ?? null,
        config.secret?.file ?? null,
        config.secret?.keyFile ?? null,
        Date.parse(config.createdAt),
        JSON.stringify(state),
      ],
    ]);
    return { ...config, state };
  }

  async get(id: string): Promise<Source | undefined> {
    await this.ready();
    const [row] = await this.sql.query(`select ${SOURCE_COLUMNS} from docent_sources where id = $1`, [id]);
    return row ? toSource(row) : undefined;
  }

  async list(tenantId?: string): Promise<Source[]> {
    await this.ready();
    const rows = tenantId
      ? await this.sql.query(
          `select ${SOURCE_COLUMNS} from docent_sources where tenant_id = $1 order by created_ms, id`,
          [tenantId],
        )
      : await this.sql.query(`select ${SOURCE_COLUMNS} from docent_sources order by created_ms, id`);
    return rows.map(toSource);
  }

  async remove(id: string): Promise<Source | undefined> {
    const source = await this.get(id);
    if (!source) return undefined;
    await this.sql.query('delete from docent_source_items where source_id = $1', [id]);
    await this.sql.query('delete from docent_sources where id = $1', [id]);
    return source;
  }

  async recordSync(id: string, state: SyncState): Promise<void> {
    await this.ready();
    await this.sql.query('update docent_sources set state = $2 where id = $1', [id, JSON.stringify(state)]);
  }

  async items(id: string): Promise<SourceItem[]> {
    await this.ready();
    const rows = await this.sql.query(
      `select ${ITEM_COLUMNS.join(', ')} from docent_source_items where source_id = $1`,
      [id],
    );
    return rows.map(toItem);
  }

  async putItems(id: string, items: SourceItem[]): Promise<void> {
    await this.ready();
    // The last of a key wins, as one statement may not update a row twice.
    const byKey = new Map(items.map((item) => [item.key, item]));
    const unique = [...byKey.values()];
    for (let start = 0; start < unique.length; start += ITEMS_PER_INSERT) {
      const batch = unique.slice(start, start + ITEMS_PER_INSERT);
      await this.removeItems(
        id,
        batch.map((item) => item.key),
      );
      await insertRows(
        this.sql,
        'docent_source_items',
        ITEM_COLUMNS,
        batch.map((item) => [
          id,
          item.key,
          item.docId ?? null,
          item.etag ?? null,
          item.lastModified ?? null,
          item.links ? JSON.stringify(item.links) : null,
        ]),
      );
    }
  }

  async removeItems(id: string, keys: string[]): Promise<void> {
    await this.ready();
    for (let start = 0; start < keys.length; start += ITEMS_PER_INSERT) {
      const batch = keys.slice(start, start + ITEMS_PER_INSERT);
      const placeholders = batch.map((_, i) => `$${i + 2}`).join(', ');
      await this.sql.query(
        `delete from docent_source_items where source_id = $1 and item_key in (${placeholders})`,
        [id, ...batch],
      );
    }
  }
}

/** Creates what is missing; instances starting together may both try, so it is tried again. */
async function createTables(sql: SqlClient): Promise<void> {
  const statements = [
    `create table if not exists docent_sources (
       id text primary key,
       tenant_id text not null,
       kind text not null,
       target text not null,
       scope text not null,
       every_ms bigint not null,
       settings text not null,
       secret_env text,
       secret_file text,
       secret_key_file text,
       created_ms bigint not null,
       state text not null
     )`,
    // Databases made before key files were named have no column for them.
    'alter table docent_sources add column if not exists secret_key_file text',
    `create table if not exists docent_source_items (
       source_id text not null,
       item_key text not null,
       doc_id text,
       etag text,
       last_modified text,
       links text
     )`,
    'create index if not exists docent_source_items_by_source on docent_source_items (source_id, item_key)',
  ];
  await createRacing(async () => {
    for (const statement of statements) await sql.query(statement);
  }, 3);
}

const text = (value: unknown) => (value === null || value === undefined ? undefined : String(value));

function toSource(row: SqlRow): Source {
  const env = text(row.secret_env);
  const file = text(row.secret_file);
  const keyFile = text(row.secret_key_file);
  return {
    id: String(row.id),
    tenantId: String(row.tenant_id),
    kind: String(row.kind),
    target: String(row.target),
    scope: String(row.scope) as Scope,
    everyMs: Number(row.every_ms),
    settings: JSON.parse(String(row.settings)),
    secret: env || file || keyFile ? { env, file, keyFile } : undefined,
    createdAt: new Date(Number(row.created_ms)).toISOString(),
    state: JSON.parse(String(row.state)) as SyncState,
  };
}

function toItem(row: SqlRow): SourceItem {
  const links = text(row.links);
  return {
    key: String(row.item_key),
    docId: text(row.doc_id),
    etag: text(row.etag),
    lastModified: text(row.last_modified),
    links: links ? (JSON.parse(links) as string[]) : undefined,
  };
}
