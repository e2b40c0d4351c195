import { DEFAULTS } from '../config.js';
import { IngestError } from '../core/errors.js';
import type { ChunkingOptions } from './split.js';

/** Passages one file may give unless MAX_PASSAGES_PER_FILE says otherwise. */
export const DEFAULT_MAX_PASSAGES = DEFAULTS.MAX_PASSAGES_PER_FILE;
/**
 * Bytes of XML a DOCX may unpack to per allowed character of text (5 MB by default): mammoth takes
 * ~40 bytes of memory per byte of XML, and Word's markup is 2 to 5 times its text.
 */
const DOCX_XML_BYTES_PER_CHAR = 2;
/** Nesting past this is machine output, not something a question is answered from. */
export const MAX_JSON_DEPTH = 100;

/**
 * How much one file may make while it is prepared, so a small file that expands (a ZIP bomb, a
 * CSV repeating a long header on every value) is refused before it costs memory.
 */
export interface PreparationLimits {
  maxPassages: number;
  /** Text beyond this would make more passages than allowed: refused while it is produced. */
  maxTextChars: number;
  /** Bytes a DOCX's parts may unpack to, counted while inflating whatever the ZIP declares. */
  maxInflatedBytes: number;
}

export function limitsFor(chunking: ChunkingOptions): PreparationLimits {
  const maxPassages = chunking.maxPassages ?? DEFAULT_MAX_PASSAGES;
  const maxTextChars = maxPassages * chunking.size;
  return { maxPassages, maxTextChars, maxInflatedBytes: maxTextChars * DOCX_XML_BYTES_PER_CHAR };
}

/** The one sentence for a file whose text would give more passages than one file may. */
export function tooMuchText(fileName: string, limits: PreparationLimits): IngestError {
  return new IngestError(
    'too_large',
    `${fileName}: refused, its text would make more than ${limits.maxPassages.toLocaleString('en-US')} passages, the most one file may give (MAX_PASSAGES_PER_FILE); split it into smaller files.`,
  );
}

/** Tracks characters as text is produced, refusing the file the moment it passes the limit. */
export class TextBudget {
  private used = 0;

  constructor(
    private readonly fileName: string,
    private readonly limits: PreparationLimits,
  ) {}

  spend(chars: number): void {
    this.used += chars;
    if (this.used > this.limits.maxTextChars) throw tooMuchText(this.fileName, this.limits);
  }
}
