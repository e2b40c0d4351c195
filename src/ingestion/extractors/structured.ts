import { parse } from 'csv-parse/sync';
import { IngestError } from '../../errors.js';

/**
 * One line per row, "column: value" pairs, so a passage about one row can be found by the
 * column names people use in questions.
 */
export function csvToText(text: string, fileName: string): string {
  let rows: string[][];
  try {
    rows = parse(text, {
      relax_column_count: true,
      skip_empty_lines: true,
      bom: true,
      delimiter: fileName.endsWith('.tsv') ? '\t' : ',',
    });
  } catch (err) {
    throw new IngestError(
      'corrupt',
      `${fileName}: the CSV could not be parsed (${(err as Error).message}).`,
      { cause: err },
    );
  }
  const [header, ...body] = rows;
  if (!header) return '';
  return body
    .map((row) =>
      row
        .map((value, i) => `${header[i] ?? `column ${i + 1}`}: ${value}`)
        .filter((pair) => !pair.endsWith(': '))
        .join('; '),
    )
    .join('\n');
}

/** Flattens JSON into "path.to.key: value" lines; arrays of records become one paragraph per record. */
export function jsonToText(text: string, fileName: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new IngestError('corrupt', `${fileName}: the JSON is not valid (${(err as Error).message}).`, {
      cause: err,
    });
  }
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => flatten(item, '').join('\n')).join('\n\n');
}

function flatten(value: unknown, prefix: string): string[] {
  if (value === null || typeof value !== 'object')
    return value === null || value === '' ? [] : [`${prefix || 'value'}: ${String(value)}`];
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) {
    return value.length ? [`${prefix || 'values'}: ${value.join(', ')}`] : [];
  }
  return Object.entries(value).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
}
