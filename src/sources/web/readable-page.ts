import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { absolute } from './sitemap.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

/**
 * A page's main content as a small HTML document (its title, then the article Readability finds,
 * without menus, sidebars and footers), and the addresses it links to. A page Readability finds
 * no article in is kept whole; the HTML extractor still drops its navigation and footer.
 */
export function readablePage(html: string, url: string): { html: string; links: string[] } {
  const { document } = parseHTML(html);
  const base = document.querySelector('base[href]')?.getAttribute('href') ?? url;
  const links = new Set<string>();
  for (const a of document.querySelectorAll('a[href]')) {
    const href = absolute(a.getAttribute('href') ?? '', absolute(base, url) ?? url);
    if (href) links.add(href);
  }
  const title = document.querySelector('title')?.textContent?.trim() ?? '';
  // Readability takes the document apart; the links were read before.
  const article = new Readability(document as unknown as Document).parse();
  if (!article?.content) return { html, links: [...links] };
  const heading = article.title || title;
  const page = `<!doctype html><html><head><title>${escapeHtml(heading)}</title></head><body>${article.content}</body></html>`;
  return { html: page, links: [...links] };
}
