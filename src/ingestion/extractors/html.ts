import { NodeHtmlMarkdown } from 'node-html-markdown';

const converter = new NodeHtmlMarkdown({
  ignore: ['script', 'style', 'nav', 'footer', 'noscript', 'svg'],
  maxConsecutiveNewlines: 2,
});

export function htmlToMarkdown(html: string): { markdown: string; title?: string } {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1]?.trim();
  // The <head> holds no reading text; dropping it keeps the title from being indexed as a paragraph.
  const body = html.replace(/<head[\s\S]*?<\/head>/i, '');
  return { markdown: converter.translate(body).trim(), title: title || undefined };
}
