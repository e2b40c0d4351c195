/** Markdown (what models and documents write) to Slack mrkdwn. Code spans and blocks pass through. */
export function markdownToMrkdwn(markdown: string): string {
  const code: string[] = [];
  // Code is set aside first (behind private-use characters), so conversions see whole lines and never touch what is inside it.
  const prose = markdown.replace(
    /```[\s\S]*?```|`[^`\n]+`/g,
    (match) => `\uE000${code.push(match) - 1}\uE001`,
  );
  return convertProse(prose).replace(/\uE000(\d+)\uE001/g, (_, i) => code[Number(i)] ?? '');
}

function convertProse(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/^#{1,6}\s+(.+)$/gm, '*$1*')
    .replace(/\*\*(.+?)\*\*/g, '*$1*')
    .replace(/__(.+?)__/g, '*$1*')
    .replace(/~~(.+?)~~/g, '~$1~')
    .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, '<$2|$1>')
    .replace(/^(\s*)[-*+]\s+/gm, '$1• ');
}

/** Splits text into pieces of at most `max` characters, at a paragraph, line, sentence or word end. */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max);
    // The first boundary kind found in the second half of the window wins.
    const cut = [
      window.lastIndexOf('\n\n'),
      window.lastIndexOf('\n'),
      window.lastIndexOf('. ') + 1,
      window.lastIndexOf(' '),
    ].find((at) => at > max / 2);
    const at = cut ?? max;
    pieces.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trim();
  }
  if (rest) pieces.push(rest);
  return pieces;
}
