// Private-use characters mark where code was set aside; any in the input are dropped first, so
// text can never point at a piece of code it did not contain.
const MARK_OPEN = '\uE000';
const MARK_CLOSE = '\uE001';

/**
 * Slack reads `<…>` as a mention, a channel ping or a link, and `&` starts an entity: escaping
 * all three everywhere (code included, since Slack parses inside backticks too) leaves text that
 * shows as written and can form none of them. Every `&` is escaped, even one that already starts
 * an entity, so nothing a document writes is ever decoded into markup.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A link Docent builds itself: only to an http(s) URL, with its label escaped. `|`, `<` and `>`
 * in the address are percent-encoded, so neither the address nor the label can end early or
 * open another link. Undefined when the URL is not one Docent links to.
 */
export function slackLink(url: string, label: string): string | undefined {
  const href = safeHref(url);
  if (!href) return undefined;
  const text = label.replace(/\s+/g, ' ').trim();
  return text ? `<${href}|${escapeMrkdwn(text)}>` : `<${href}>`;
}

function safeHref(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  const encoded = parsed.href.replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E');
  return escapeMrkdwn(encoded);
}

/**
 * Markdown (what models and documents write) to Slack mrkdwn, escaped throughout. Code spans and
 * blocks keep their content unconverted. A Markdown link shows its address beside its text, so a
 * document or model cannot dress one address up as another.
 */
export function markdownToMrkdwn(markdown: string): string {
  const code: string[] = [];
  const unmarked = markdown.replaceAll(MARK_OPEN, '').replaceAll(MARK_CLOSE, '');
  // Code is set aside first, so conversions see whole lines and never touch what is inside it.
  const prose = unmarked.replace(
    /```[\s\S]*?```|`[^`\n]+`/g,
    (match) => `${MARK_OPEN}${code.push(escapeMrkdwn(match)) - 1}${MARK_CLOSE}`,
  );
  return convertProse(prose).replace(/\uE000(\d+)\uE001/g, (_, i) => code[Number(i)] ?? '');
}

function convertProse(text: string): string {
  return escapeMrkdwn(text)
    .replace(/^#{1,6}\s+(.+)$/gm, '*$1*')
    .replace(/\*\*(.+?)\*\*/g, '*$1*')
    .replace(/__(.+?)__/g, '*$1*')
    .replace(/~~(.+?)~~/g, '~$1~')
    .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, (whole, label: string, url: string) => {
      // The address was escaped with the rest: read it back before checking and linking it.
      const link = slackLink(unescapeMrkdwn(url), '');
      return link ? `${label} (${link})` : whole;
    })
    .replace(/^(\s*)[-*+]\s+/gm, '$1• ');
}

function unescapeMrkdwn(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
