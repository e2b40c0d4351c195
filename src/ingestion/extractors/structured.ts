import { parse } from 'csv-parse/sync';
import { IngestError } from '../../core/errors.js';
import { MAX_JSON_DEPTH, type TextBudget } from '../limits.js';

/**
 * One line per row, "column: value" pairs, so a passage about one row can be found by the
 * column names people use in questions. Each line is counted against the budget before it is
 * built: a long header repeated on every value must not grow into gigabytes of text.
 */
export function csvToText(text: string, fileName: string, budget: TextBudget): string {
  let header: string[] | undefined;
  let lines: string[][];
  try {
    // Each record is replaced by its line as soon as it is read, so rows never pile up as arrays.
    lines = parse(text, {
      relax_column_count: true,
      skip_empty_lines: true,
      bom: true,
      delimiter: fileName.endsWith('.tsv') ? '\t' : ',',
      on_record: (row: string[]) => {
        if (!header) {
          header = row;
          return null;
        }
        return [rowToLine(header, row, budget)];
      },
    });
  } catch (err) {
    if (err instanceof IngestError) throw err;
    throw new IngestError(
      'corrupt',
      `${fileName}: the CSV could not be parsed (${(err as Error).message}).`,
      { cause: err },
    );
  }
  return lines.map(([line]) => line).join('\n');
}

function rowToLine(header: string[], row: string[], budget: TextBudget): string {
  const columnName = (i: number) => header[i] ?? `column ${i + 1}`;
  const filled = row.map((value, i) => [columnName(i), value] as const).filter(([, value]) => value !== '');
  // Name, ": ", value and "; " (or the line's newline) for each pair.
  budget.spend(filled.reduce((sum, [name, value]) => sum + name.length + value.length + 4, 0));
  return filled.map(([name, value]) => `${name}: ${value}`).join('; ');
}

/** Flattens JSON into "path.to.key: value" lines; arrays of records become one paragraph per record. */
export function jsonToText(text: string, fileName: string, budget: TextBudget): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new IngestError('corrupt', `${fileName}: the JSON is not valid (${(err as Error).message}).`, {
      cause: err,
    });
  }
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => flatten(item, fileName, budget).join('\n')).join('\n\n');
}

/** Depth first with a stack of its own, so deep nesting is refused in words, not by a stack overflow. */
function flatten(root: unknown, fileName: string, budget: TextBudget): string[] {
  const lines: string[] = [];
  const pending: { value: unknown; prefix: string; depth: number }[] = [
    { value: root, prefix: '', depth: 0 },
  ];
  const emit = (line: string) => {
    budget.spend(line.length + 1);
    lines.push(line);
  };
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, prefix, depth } = next;
    if (value === null || typeof value !== 'object') {
      if (value !== null && value !== '') emit(`${prefix || 'value'}: ${String(value)}`);
    } else if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) {
      if (value.length) emit(`${prefix || 'values'}: ${value.join(', ')}`);
    } else {
      if (depth >= MAX_JSON_DEPTH) throw tooDeep(fileName);
      // Pushed last to first, so they are read in the document's order.
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] as [string, unknown];
        pending.push({ value: child, prefix: prefix ? `${prefix}.${key}` : key, depth: depth + 1 });
      }
    }
  }
  return lines;
}

function tooDeep(fileName: string): IngestError {
  return new IngestError(
    'unsupported_type',
    `${fileName}: the JSON is nested more than ${MAX_JSON_DEPTH} levels deep, which Docent does not read.`,
  );
}
