import { createRequire } from 'node:module';
import type * as lancedb from '@lancedb/lancedb';
import type { Table as ArrowTable, Data, FixedSizeList, Float32 as Float32Type } from 'apache-arrow';
import { CONTEXT_REPEATS } from '../../core/searchable-text.js';
import { type DocumentRecord, type Scope, UNRECORDED_ORIGIN } from '../../core/types.js';

// LanceDB loads apache-arrow through require(); importing it as ESM would give a second copy whose
// classes fail LanceDB's instanceof checks. Share the CommonJS instance.
const arrow = createRequire(import.meta.url)('apache-arrow') as typeof import('apache-arrow');
const { Field, Float32, Int32, Int64, makeData, RecordBatch, Schema, Struct, Table, Utf8 } = arrow;
type Schema = InstanceType<typeof Schema>;

const text = (name: string) => new Field(name, new Utf8(), false);
/** A column added after tables existed, and what it holds in the rows written before it. */
interface AddedColumn {
  name: string;
  valueSql: string;
  /** Text unless said otherwise. */
  type?: InstanceType<typeof Int64>;
}
// LanceDB adds columns as nullable, so new tables declare them so too.
const addedField = (c: AddedColumn) => new Field(c.name, c.type ?? new Utf8(), true);

/**
 * A stored document and the generation of passages it points at. Passages of any other
 * generation (a write that failed before its record, or an older version) are never searched.
 */
export interface StoredDocument extends DocumentRecord {
  generation: string;
}

/**
 * searchableText(title, text) in SQL: the context of a passage written before headings were
 * recorded is its document's title.
 */
const TITLE_THEN_TEXT_SQL = `concat(${Array(CONTEXT_REPEATS).fill('title, chr(10)').join(', ')}, text)`;

/** What columns added later hold in rows written before them: see UNRECORDED_ORIGIN. */
const CHUNK_COLUMNS_ADDED: AddedColumn[] = [
  { name: 'generation', valueSql: 'content_hash' },
  { name: 'context', valueSql: 'title' },
  { name: 'search_text', valueSql: TITLE_THEN_TEXT_SQL },
];
const DOCUMENT_COLUMNS_ADDED: AddedColumn[] = [
  { name: 'added_by', valueSql: `'${UNRECORDED_ORIGIN.addedBy}'` },
  { name: 'added_in', valueSql: `'${UNRECORDED_ORIGIN.addedIn}'` },
  { name: 'platform', valueSql: `'${UNRECORDED_ORIGIN.platform}'` },
  { name: 'generation', valueSql: 'content_hash' },
  // The size of a document stored before sizes were recorded is unknown, not zero.
  { name: 'bytes', valueSql: 'CAST(NULL AS BIGINT)', type: new Int64() },
];

export function chunkSchema(dimension: number): Schema {
  return new Schema([
    text('chunk_id'),
    text('doc_id'),
    text('tenant_id'),
    text('scope'),
    text('source'),
    text('title'),
    text('content_hash'),
    new Field('position', new Int32(), false),
    text('text'),
    new Field('vector', new arrow.FixedSizeList(dimension, new Field('item', new Float32(), true)), false),
    text('created_at'),
    ...CHUNK_COLUMNS_ADDED.map(addedField),
  ]);
}

export const documentSchema = new Schema([
  text('doc_id'),
  text('tenant_id'),
  text('scope'),
  text('source'),
  text('title'),
  text('content_hash'),
  new Field('passages', new Int32(), false),
  text('embedder'),
  text('updated_at'),
  ...DOCUMENT_COLUMNS_ADDED.map(addedField),
]);

export const upgradeChunkTable = (table: lancedb.Table) => addMissingColumns(table, CHUNK_COLUMNS_ADDED);
export const upgradeDocumentTable = (table: lancedb.Table) =>
  addMissingColumns(table, DOCUMENT_COLUMNS_ADDED);

/**
 * Brings a table written by an older version up to the current schema. Another process may be
 * doing the same at once: when our commit loses, its commit is the upgrade.
 */
async function addMissingColumns(table: lancedb.Table, columns: AddedColumn[]): Promise<void> {
  const missing = async () => {
    const present = new Set((await table.schema()).fields.map((f) => f.name));
    return columns.filter((c) => !present.has(c.name));
  };
  const wanted = await missing();
  if (wanted.length === 0) return;
  try {
    await table.addColumns(wanted.map(({ name, valueSql }) => ({ name, valueSql })));
  } catch (error) {
    await table.checkoutLatest();
    if ((await missing()).length > 0) throw error;
  }
}

export const metaSchema = new Schema([text('key'), text('value')]);

export function fromDocument(d: StoredDocument): Record<string, unknown> {
  return {
    doc_id: d.docId,
    tenant_id: d.tenantId,
    scope: d.scope,
    source: d.source,
    title: d.title,
    content_hash: d.contentHash,
    passages: d.passages,
    embedder: d.embedder,
    updated_at: d.updatedAt,
    added_by: d.origin.addedBy,
    added_in: d.origin.addedIn,
    platform: d.origin.platform,
    generation: d.generation,
    bytes: d.bytes ?? null,
  };
}

export function toDocument(r: Record<string, unknown>): StoredDocument {
  return {
    docId: String(r.doc_id),
    tenantId: String(r.tenant_id),
    scope: String(r.scope) as Scope,
    source: String(r.source),
    origin: { addedBy: String(r.added_by), addedIn: String(r.added_in), platform: String(r.platform) },
    generation: String(r.generation),
    title: String(r.title),
    contentHash: String(r.content_hash),
    passages: Number(r.passages),
    embedder: String(r.embedder),
    updatedAt: String(r.updated_at),
    // Int64 arrives as a bigint; null for a document stored before sizes were recorded.
    ...(r.bytes === null || r.bytes === undefined ? {} : { bytes: Number(r.bytes) }),
  };
}

/** Values reach SQL filters only after validation; quoting still doubles any quote as a second guard. */
export const sqlString = (value: string) => `'${value.replaceAll("'", "''")}'`;

export interface ChunkRow {
  chunk_id: string;
  doc_id: string;
  tenant_id: string;
  scope: string;
  source: string;
  title: string;
  content_hash: string;
  position: number;
  text: string;
  vector: Float32Array;
  created_at: string;
  generation: string;
  /** "Title > Heading > Subheading": see Chunk.context. */
  context: string;
  /** What the full-text index reads: searchableText(context, text). */
  search_text: string;
}

const STRING_COLUMNS = [
  'chunk_id',
  'doc_id',
  'tenant_id',
  'scope',
  'source',
  'title',
  'content_hash',
  'text',
  'created_at',
  'generation',
  'context',
  'search_text',
] as const;

const encoder = new TextEncoder();

/**
 * A UTF-8 column written straight into one buffer. Arrow's builder encodes each value into a
 * fresh array and copies it again, which was a quarter of the main thread's ingestion work; most
 * columns repeat one value per document, so a value equal to the one before is copied, not encoded.
 */
function utf8Column(values: readonly string[]): Data {
  const offsets = new Int32Array(values.length + 1);
  let capacity = 0;
  for (const v of values) capacity += v.length;
  // A UTF-16 unit takes at most three bytes of UTF-8.
  const bytes = new Uint8Array(capacity * 3);
  let end = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as string;
    const start = offsets[i] as number;
    if (i > 0 && value === values[i - 1]) {
      const previous = offsets[i - 1] as number;
      bytes.copyWithin(start, previous, start);
      end = start + (start - previous);
    } else {
      end = start + encoder.encodeInto(value, bytes.subarray(start)).written;
    }
    offsets[i + 1] = end;
  }
  return makeData({
    type: new Utf8(),
    length: values.length,
    nullCount: 0,
    valueOffsets: offsets,
    data: bytes.subarray(0, end),
  });
}

function int32Column(values: readonly number[]): Data {
  return makeData({ type: new Int32(), data: Int32Array.from(values) });
}

/** An Int64 column whose missing values are nulls. */
function nullableInt64Column(values: readonly (number | undefined)[]): Data {
  const valid = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v !== undefined) valid[i >> 3] = (valid[i >> 3] as number) | (1 << (i & 7));
  });
  return makeData({
    type: new Int64(),
    length: values.length,
    nullCount: values.filter((v) => v === undefined).length,
    nullBitmap: valid,
    data: BigInt64Array.from(values, (v) => BigInt(v ?? 0)),
  });
}

/** One record batch of `schema` from its columns, by name. */
function tableOf(schema: Schema, length: number, columns: Record<string, Data>): ArrowTable {
  const struct = makeData({
    type: new Struct(schema.fields),
    length,
    nullCount: 0,
    children: schema.fields.map((f) => columns[f.name] as Data),
  });
  return new Table([new RecordBatch(schema, struct)]);
}

/**
 * Builds the Arrow table column by column. Handing LanceDB plain row objects makes it infer and
 * convert every float of every vector one at a time, which dominated ingestion time.
 */
export function chunkRowsToArrow(rows: ChunkRow[], dimension: number): ArrowTable {
  const schema = chunkSchema(dimension);
  const vectors = new Float32Array(rows.length * dimension);
  rows.forEach((r, i) => {
    vectors.set(r.vector, i * dimension);
  });
  const vectorType = schema.fields.find((f) => f.name === 'vector')?.type as FixedSizeList<Float32Type>;
  const columns: Record<string, Data> = {
    position: int32Column(rows.map((r) => r.position)),
    vector: makeData({
      type: vectorType,
      length: rows.length,
      nullCount: 0,
      child: makeData({ type: new Float32(), data: vectors }),
    }),
  };
  for (const name of STRING_COLUMNS) columns[name] = utf8Column(rows.map((r) => r[name]));
  return tableOf(schema, rows.length, columns);
}

/** Document records as an Arrow table of `documentSchema`. */
export function documentsToArrow(docs: StoredDocument[]): ArrowTable {
  const rows = docs.map(fromDocument);
  const columns: Record<string, Data> = {
    passages: int32Column(docs.map((d) => d.passages)),
    bytes: nullableInt64Column(docs.map((d) => d.bytes)),
  };
  for (const field of documentSchema.fields)
    columns[field.name] ??= utf8Column(rows.map((r) => String(r[field.name])));
  return tableOf(documentSchema, docs.length, columns);
}
