import type { BlockObjectResponse, PageObjectResponse } from '@notionhq/client';

type RichText = { plain_text?: string }[];
type Content = {
  rich_text?: RichText;
  checked?: boolean;
  language?: string;
  title?: string;
  cells?: RichText[];
};

/** A page's sub-pages and databases, read as documents of their own. */
export interface ChildLink {
  kind: 'page' | 'database';
  id: string;
}

const plain = (text: RichText | undefined) => (text ?? []).map((t) => t.plain_text ?? '').join('');
const contentOf = (block: BlockObjectResponse) =>
  ((block as unknown as Record<string, unknown>)[block.type] ?? {}) as Content;

/** The page's title, whichever property holds it. */
export function pageTitle(page: PageObjectResponse): string {
  for (const property of Object.values(page.properties))
    if (property.type === 'title') return plain(property.title as RichText).trim() || 'Untitled';
  return 'Untitled';
}

/** A database row's other properties as `Name: value` lines (the simple kinds; relations and files left out). */
export function propertyLines(page: PageObjectResponse): string[] {
  const lines: string[] = [];
  for (const [name, p] of Object.entries(page.properties)) {
    let value = '';
    if (p.type === 'rich_text') value = plain(p.rich_text as RichText);
    else if (p.type === 'select') value = p.select?.name ?? '';
    else if (p.type === 'status') value = p.status?.name ?? '';
    else if (p.type === 'multi_select') value = p.multi_select.map((o) => o.name).join(', ');
    else if (p.type === 'number' && p.number !== null) value = String(p.number);
    else if (p.type === 'checkbox') value = p.checkbox ? 'yes' : 'no';
    else if (p.type === 'date' && p.date)
      value = p.date.end ? `${p.date.start} to ${p.date.end}` : p.date.start;
    else if (p.type === 'url') value = p.url ?? '';
    else if (p.type === 'email') value = p.email ?? '';
    if (value.trim()) lines.push(`${name}: ${value.trim()}`);
  }
  return lines;
}

/**
 * One block as Markdown, its nested blocks' lines already rendered (`inner`), indented under
 * list items. Child pages and databases are not inlined: they are documents of their own.
 */
export function blockLines(block: BlockObjectResponse, inner: string[], numbered: number): string[] {
  const c = contentOf(block);
  const text = plain(c.rich_text);
  const indented = inner.map((line) => `   ${line}`);
  switch (block.type) {
    case 'heading_1':
      return [`# ${text}`, ...inner];
    case 'heading_2':
      return [`## ${text}`, ...inner];
    case 'heading_3':
      return [`### ${text}`, ...inner];
    case 'bulleted_list_item':
      return [`- ${text}`, ...indented];
    case 'numbered_list_item':
      return [`${numbered}. ${text}`, ...indented];
    case 'to_do':
      return [`- [${c.checked ? 'x' : ' '}] ${text}`, ...indented];
    case 'quote':
    case 'callout':
      return [`> ${text}`, ...inner.map((line) => `> ${line}`)];
    case 'code':
      return [`\`\`\`${c.language ?? ''}\n${text}\n\`\`\``];
    case 'table':
      return tableLines(inner);
    case 'table_row':
      return [`| ${(c.cells ?? []).map((cell) => plain(cell).replaceAll('|', '\\|')).join(' | ')} |`];
    case 'divider':
      return ['---'];
    case 'child_page':
    case 'child_database':
      return [];
    default:
      // Paragraphs, toggles, columns and whatever else carries text: its text, then its children's.
      return text ? [text, ...inner] : inner;
  }
}

/** A table's rows with the separator Markdown wants after the first. */
function tableLines(rows: string[]): string[] {
  if (rows.length === 0) return [];
  const columns = (rows[0]?.match(/ \| /g)?.length ?? 0) + 1;
  return [rows[0] as string, `|${' --- |'.repeat(columns)}`, ...rows.slice(1)];
}

/** The sub-page or database a block stands for, if it is one. */
export function childLink(block: BlockObjectResponse): ChildLink | undefined {
  if (block.type === 'child_page') return { kind: 'page', id: block.id };
  if (block.type === 'child_database') return { kind: 'database', id: block.id };
  return undefined;
}

/** Blocks whose children are read into the same document (not sub-pages and databases). */
export function readsChildren(block: BlockObjectResponse): boolean {
  return block.has_children && block.type !== 'child_page' && block.type !== 'child_database';
}
