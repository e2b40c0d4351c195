/** The cells of one Markdown table row; a `\|` inside a cell is a literal bar. */
function cells(row: string): string[] {
  const parts = row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/);
  return parts.map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

/**
 * A Markdown table (header, rule, rows) as one line per row, each value named by its column
 * ("Version: 5.x; Node.js: >= 12."), so a row quoted or found on its own still says what it is.
 * A table whose header is empty gives its rows' cells in order.
 */
export function tableRows(table: string[]): string[] {
  const [headerLine = '', , ...rows] = table;
  const header = cells(headerLine);
  const named = header.some((name) => name !== '');
  return rows
    .map(cells)
    .filter((row) => row.some((cell) => cell !== ''))
    .map((row) => {
      const values = row
        .map((cell, i) => (cell === '' ? undefined : named && header[i] ? `${header[i]}: ${cell}` : cell))
        .filter((value): value is string => value !== undefined);
      const line = values.join('; ');
      // A row reads as a sentence of its own, wherever a passage boundary falls.
      return /[.!?]$/.test(line) ? line : `${line}.`;
    });
}
