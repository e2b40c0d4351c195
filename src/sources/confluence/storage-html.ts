const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A page's storage format (Confluence's XHTML with `ac:` and `ri:` elements) as an HTML document
 * for the HTML extraction every file goes through: its title carries the page's ancestors, so
 * passages are found and cited under the page's place in the space. Code blocks keep their text
 * (an HTML parser would drop CDATA), and macro parameters, which are settings, are left out.
 */
export function storageToHtml(path: readonly string[], storage: string): string {
  const title = path.at(-1) ?? '';
  const body = storage
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, text: string) => escapeHtml(text))
    .replace(/<ac:parameter\b[^>]*\/>/g, '')
    .replace(/<ac:parameter\b[^>]*>[\s\S]*?<\/ac:parameter>/g, '')
    .replace(/<ac:plain-text-body\b[^>]*>/g, '<pre>')
    .replace(/<\/ac:plain-text-body>/g, '</pre>');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(path.join(' › '))}</title></head><body><h1>${escapeHtml(title)}</h1>\n${body}\n</body></html>`;
}

/** The titles from the space's top page down to this one, from the listing's parent ids (no requests). */
export function ancestry(
  id: string,
  pages: ReadonlyMap<string, { title: string; parentId?: string }>,
): string[] {
  const titles: string[] = [];
  const visited = new Set<string>();
  for (let at = pages.get(id), key = id; at && !visited.has(key) && titles.length < 50; ) {
    visited.add(key);
    titles.unshift(at.title);
    key = at.parentId ?? '';
    at = at.parentId ? pages.get(at.parentId) : undefined;
  }
  return titles;
}
