import { Field, FixedSizeList, Float32, Int32, Schema, Utf8 } from 'apache-arrow';

const text = (name: string) => new Field(name, new Utf8(), false);

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
    new Field('vector', new FixedSizeList(dimension, new Field('item', new Float32(), true)), false),
    text('created_at'),
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
]);

export const metaSchema = new Schema([text('key'), text('value')]);

/** Values reach SQL filters only after validation; quoting still doubles any quote as a second guard. */
export const sqlString = (value: string) => `'${value.replaceAll("'", "''")}'`;
