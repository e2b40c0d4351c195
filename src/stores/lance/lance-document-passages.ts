import type * as lancedb from '@lancedb/lancedb';
import type { Passage } from '../../core/types.js';
import { type StoredDocument, sqlString } from './lance-schema.js';

const COLUMNS = ['chunk_id', 'doc_id', 'title', 'source', 'text', 'position'];

/**
 * The passages of the generation a document's record points at, in reading order. Read through a
 * handle of its own at the table's latest version: a record is committed after its passages, so
 * the generation it names is there, and passages of an older or a failed write are left out.
 */
export async function readDocumentPassages(
  db: lancedb.Connection,
  tableName: string,
  doc: StoredDocument,
): Promise<Passage[]> {
  if (!(await db.tableNames()).includes(tableName)) return [];
  const table = await db.openTable(tableName);
  try {
    const rows = await table
      .query()
      .where(`doc_id = ${sqlString(doc.docId)} AND generation = ${sqlString(doc.generation)}`)
      .select(COLUMNS)
      // The record says how many there are: a read never holds more than one document's worth.
      .limit(Math.max(doc.passages, 1))
      .toArray();
    return rows
      .map((r) => ({
        chunkId: String(r.chunk_id),
        docId: String(r.doc_id),
        title: String(r.title),
        source: String(r.source),
        text: String(r.text),
        position: Number(r.position),
        score: 0,
      }))
      .sort((a, b) => a.position - b.position);
  } finally {
    table.close();
  }
}
