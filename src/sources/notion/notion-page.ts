import { type Client, isFullBlock, iteratePaginatedAPI, type PageObjectResponse } from '@notionhq/client';
import { DocentError } from '../../core/errors.js';
import {
  blockLines,
  type ChildLink,
  childLink,
  pageTitle,
  propertyLines,
  readsChildren,
} from './notion-text.js';

// Nesting past this is rare in a page and unbounded in a hostile one.
const MAX_DEPTH = 8;
const MAX_BLOCKS = 20_000;

/** A page's blocks as Markdown under its title, with the sub-pages and databases it holds. */
export async function readPage(
  notion: Client,
  page: PageObjectResponse,
  maxBytes: number,
): Promise<{ markdown: string; children: ChildLink[] }> {
  const children: ChildLink[] = [];
  let bytes = 0;
  let blocks = 0;
  const readBlocks = async (blockId: string, depth: number): Promise<string[]> => {
    const lines: string[] = [];
    let numbered = 0;
    for await (const block of iteratePaginatedAPI(notion.blocks.children.list, {
      block_id: blockId,
      page_size: 100,
    })) {
      if (++blocks > MAX_BLOCKS)
        throw new DocentError('too_large', `${page.url} has more than ${MAX_BLOCKS} blocks.`);
      if (!isFullBlock(block)) continue;
      const link = childLink(block);
      if (link) children.push(link);
      numbered = block.type === 'numbered_list_item' ? numbered + 1 : 0;
      const inner = readsChildren(block) && depth < MAX_DEPTH ? await readBlocks(block.id, depth + 1) : [];
      const rendered = blockLines(block, inner, numbered);
      bytes += rendered.reduce((sum, line) => sum + line.length + 1, 0);
      if (bytes > maxBytes)
        throw new DocentError('too_large', `${page.url} is larger than the ${maxBytes} bytes allowed.`);
      lines.push(...rendered);
    }
    return lines;
  };
  const body = await readBlocks(page.id, 0);
  const head = [`# ${pageTitle(page)}`, ...propertyLines(page)];
  return { markdown: `${[...head, '', ...spaced(body)].join('\n')}\n`, children };
}

/** Blank lines between blocks, except between a list's items and a table's rows. */
function spaced(lines: string[]): string[] {
  const out: string[] = [];
  const listy = (line: string) => /^(?:\s*[-|>]|\s*\d+\. |\s{3})/.test(line);
  for (const line of lines) {
    const last = out.at(-1);
    if (last !== undefined && !(listy(line) && listy(last))) out.push('');
    out.push(line);
  }
  return out;
}
