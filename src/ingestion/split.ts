import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';

export interface ChunkingOptions {
  size: number;
  overlap: number;
  /** The most passages one file may give (MAX_PASSAGES_PER_FILE); see limits.ts for the default. */
  maxPassages?: number;
}

/** Markdown-aware splitting keeps headings with their sections; plain text splits on paragraphs then sentences. */
export async function splitText(
  text: string,
  structured: boolean,
  options: ChunkingOptions,
): Promise<string[]> {
  const settings = { chunkSize: options.size, chunkOverlap: options.overlap };
  const splitter = structured
    ? RecursiveCharacterTextSplitter.fromLanguage('markdown', settings)
    : new RecursiveCharacterTextSplitter({
        ...settings,
        separators: ['\n\n', '\n', '. ', '; ', ', ', ' ', ''],
      });
  const parts = await splitter.splitText(text);
  return parts.map((p) => p.trim()).filter((p) => /[\p{L}\p{N}]/u.test(p));
}
