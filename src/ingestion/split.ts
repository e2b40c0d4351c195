import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import { headingPaths } from './heading-paths.js';

export interface ChunkingOptions {
  size: number;
  overlap: number;
  /** The most passages one file may give (MAX_PASSAGES_PER_FILE); see limits.ts for the default. */
  maxPassages?: number;
}

// A run this long from the base64 alphabet, without a space, is encoded data (an embedded image,
// a key, a compressed diagram), not words anyone asks about.
const ENCODED_RUN = /[A-Za-z0-9+/=_-]{60,}/g;

/** More than half of the passage's characters are encoded data. */
export function isMostlyEncoded(passage: string): boolean {
  const characters = passage.replace(/\s+/g, '').length;
  let encoded = 0;
  for (const run of passage.matchAll(ENCODED_RUN)) encoded += run[0].length;
  return characters > 0 && encoded / characters > 0.5;
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
  return parts.map((p) => p.trim()).filter((p) => /[\p{L}\p{N}]/u.test(p) && !isMostlyEncoded(p));
}

export interface SplitPassage {
  text: string;
  /** The headings in effect where the passage starts, outermost first; none for plain text. */
  headings: string[];
}

/** The passages of `text`, each with the heading path it sits under. */
export async function splitPassages(
  text: string,
  structured: boolean,
  options: ChunkingOptions,
): Promise<SplitPassage[]> {
  const texts = await splitText(text, structured, options);
  const paths = structured ? headingPaths(text, texts) : texts.map(() => []);
  return texts.map((t, i) => ({ text: t, headings: paths[i] ?? [] }));
}
