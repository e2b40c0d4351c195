import { randomUUID } from 'node:crypto';
import {
  type CuratedAnswer,
  type CuratedAnswers,
  type CuratedAnswerText,
  DuplicateCuratedAnswerError,
} from '../../core/ports/curated-answers.js';
import type { Scope } from '../../core/types.js';
import { createRacing, onFirstUse, type SqlClient, type SqlRow } from './sql-client.js';

export interface SqlCuratedAnswersOptions {
  /** What a question asks, as answers are matched by (questionSignature of the answer graph). */
  signature: (question: string) => string;
  now?: () => number;
}

const COLUMNS = 'id, tenant_id, scope, question, answer, created_ms, updated_ms';

/**
 * Curated answers in the operational SQL database (DuckDB in DATA_DIR or PostgreSQL), one row
 * each, read by tenant and scope through an index. Each keeps its question's signature, so a
 * second answer to the same question is refused; signatures are recomputed at open, so a change to
 * how questions are matched applies to answers written before it.
 */
export class SqlCuratedAnswers implements CuratedAnswers {
  /** Every stored signature brought up to how questions are matched now. */
  private readonly ready = onFirstUse(async () => {
    await createTable(this.sql);
    await this.resign();
  });

  private constructor(
    private readonly sql: SqlClient,
    private readonly options: SqlCuratedAnswersOptions,
  ) {}

  /** Ready now: a database that cannot be reached fails here. */
  static async open(sql: SqlClient, options: SqlCuratedAnswersOptions): Promise<SqlCuratedAnswers> {
    const store = new SqlCuratedAnswers(sql, options);
    await store.ready();
    return store;
  }

  /** Made ready on first use, for commands that may never look one up. */
  static onDemand(sql: SqlClient, options: SqlCuratedAnswersOptions): SqlCuratedAnswers {
    return new SqlCuratedAnswers(sql, options);
  }

  async list(tenantId: string): Promise<CuratedAnswer[]> {
    await this.ready();
    const rows = await this.sql.query(
      `select ${COLUMNS} from docent_curated_answers where tenant_id = $1 order by updated_ms desc, id`,
      [tenantId],
    );
    return rows.map(toAnswer);
  }

  async create(tenantId: string, scope: Scope, text: CuratedAnswerText): Promise<CuratedAnswer> {
    await this.ready();
    const signature = this.options.signature(text.question);
    await this.refuseDuplicate(tenantId, scope, signature);
    const now = this.now();
    const [row] = await this.sql.query(
      `insert into docent_curated_answers (id, tenant_id, scope, question, signature, answer, created_ms, updated_ms)
       values ($1, $2, $3, $4, $5, $6, $7, $7) returning ${COLUMNS}`,
      [randomUUID(), tenantId, scope, text.question, signature, text.answer, now],
    );
    return toAnswer(row as SqlRow);
  }

  async update(
    tenantId: string,
    id: string,
    text: Partial<CuratedAnswerText>,
  ): Promise<CuratedAnswer | undefined> {
    await this.ready();
    const current = await this.get(tenantId, id);
    if (!current) return undefined;
    const question = text.question ?? current.question;
    const signature = this.options.signature(question);
    await this.refuseDuplicate(tenantId, current.scope, signature, id);
    const [row] = await this.sql.query(
      `update docent_curated_answers set question = $3, signature = $4, answer = $5, updated_ms = $6
       where tenant_id = $1 and id = $2 returning ${COLUMNS}`,
      [tenantId, id, question, signature, text.answer ?? current.answer, this.now()],
    );
    return row ? toAnswer(row) : undefined;
  }

  async remove(tenantId: string, id: string): Promise<CuratedAnswer | undefined> {
    await this.ready();
    const [row] = await this.sql.query(
      `delete from docent_curated_answers where tenant_id = $1 and id = $2 returning ${COLUMNS}`,
      [tenantId, id],
    );
    return row ? toAnswer(row) : undefined;
  }

  async inScope(tenantId: string, scope: Scope): Promise<CuratedAnswer[]> {
    await this.ready();
    // Oldest first: should two ever share a signature, the newest is the one kept last.
    const rows = await this.sql.query(
      `select ${COLUMNS} from docent_curated_answers where tenant_id = $1 and scope = $2 order by updated_ms, id`,
      [tenantId, scope],
    );
    return rows.map(toAnswer);
  }

  private async get(tenantId: string, id: string): Promise<CuratedAnswer | undefined> {
    const [row] = await this.sql.query(
      `select ${COLUMNS} from docent_curated_answers where tenant_id = $1 and id = $2`,
      [tenantId, id],
    );
    return row ? toAnswer(row) : undefined;
  }

  private async refuseDuplicate(
    tenantId: string,
    scope: Scope,
    signature: string,
    except = '',
  ): Promise<void> {
    const [row] = await this.sql.query(
      `select id from docent_curated_answers
       where tenant_id = $1 and signature = $2 and scope = $3 and id <> $4 limit 1`,
      [tenantId, signature, scope, except],
    );
    if (row) throw new DuplicateCuratedAnswerError(String(row.id));
  }

  private async resign(): Promise<void> {
    const rows = await this.sql.query('select id, question, signature from docent_curated_answers');
    for (const row of rows) {
      const signature = this.options.signature(String(row.question));
      if (signature !== row.signature)
        await this.sql.query('update docent_curated_answers set signature = $2 where id = $1', [
          row.id,
          signature,
        ]);
    }
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}

/** Creates what is missing; instances starting together may both try, so it is tried again once. */
async function createTable(sql: SqlClient): Promise<void> {
  const statements = [
    `create table if not exists docent_curated_answers (
       id text primary key,
       tenant_id text not null,
       scope text not null,
       question text not null,
       signature text not null,
       answer text not null,
       created_ms bigint not null,
       updated_ms bigint not null
     )`,
    'create index if not exists docent_curated_by_scope on docent_curated_answers (tenant_id, scope, signature)',
  ];
  await createRacing(async () => {
    for (const statement of statements) await sql.query(statement);
  }, 3);
}

function toAnswer(row: SqlRow): CuratedAnswer {
  return {
    id: String(row.id),
    tenantId: String(row.tenant_id),
    scope: String(row.scope) as Scope,
    question: String(row.question),
    answer: String(row.answer),
    createdAt: new Date(Number(row.created_ms)).toISOString(),
    updatedAt: new Date(Number(row.updated_ms)).toISOString(),
  };
}
