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
