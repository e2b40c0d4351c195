import { NodeHtmlMarkdown } from 'node-html-markdown';

const converter = new NodeHtmlMarkdown({
  ignore: ['script', 'style', 'nav', 'footer', 'noscript', 'svg'],
  maxConsecutiveNewlines: 2,
});

// node-html-markdown re-reads its whole output after every append, so its time grows with the
// square of the text: a 1.5 MB Word document took minutes. Pieces of about this size keep it linear.
const PIECE_CHARS = 32 * 1024;
const TAG = /<!--[\s\S]*?-->|<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g;
const VOID_ELEMENTS = new Set(
  'area base br col embed hr img input link meta param source track wbr'.split(' '),
);
const RAW_TEXT_ELEMENTS = new Set(['script', 'style', 'textarea', 'template']);

export function htmlToMarkdown(html: string): { markdown: string; title?: string } {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1]?.trim();
  // The <head> holds no reading text; dropping it keeps the title from being indexed as a paragraph.
  const withoutHead = html.replace(/<head[\s\S]*?<\/head>/i, '');
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(withoutHead)?.[1] ?? withoutHead;
  const pieces = body.length > PIECE_CHARS ? topLevelPieces(body) : undefined;
  const markdown = (pieces ?? [withoutHead]).map((piece) => converter.translate(piece).trim());
  return { markdown: markdown.filter(Boolean).join('\n\n'), title: title || undefined };
}

/**
 * Cuts HTML between top-level elements into pieces of about PIECE_CHARS, or returns undefined when
 * its tags do not nest cleanly (the converter, which forgives that, then takes it whole).
 */
function topLevelPieces(html: string): string[] | undefined {
  const pieces: string[] = [];
  let depth = 0;
  let start = 0;
  const lowerCase = html.toLowerCase();
  TAG.lastIndex = 0;
  for (let match = TAG.exec(html); match; match = TAG.exec(html)) {
    const [whole, closing, name = '', selfClosing] = match;
    if (whole.startsWith('<!--')) continue;
    const tag = name.toLowerCase();
    if (closing) depth--;
    else if (RAW_TEXT_ELEMENTS.has(tag)) {
      const end = lowerCase.indexOf(`</${tag}`, TAG.lastIndex);
      if (end < 0) return undefined;
      TAG.lastIndex = end;
      depth++;
    } else if (!selfClosing && !VOID_ELEMENTS.has(tag)) depth++;
    if (depth < 0) return undefined;
    if (depth === 0 && TAG.lastIndex - start >= PIECE_CHARS) {
      pieces.push(html.slice(start, TAG.lastIndex));
      start = TAG.lastIndex;
    }
  }
  if (depth !== 0) return undefined;
  pieces.push(html.slice(start));
  return pieces;
}
