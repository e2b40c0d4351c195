import { createHash } from 'node:crypto';
import { estimateTokens } from './chat.js';

/**
 * A unit-length vector seeded by the text's SHA-256, so equal texts embed identically across runs
 * while different texts land far apart.
 */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${block}:${text}`).digest();
    for (let offset = 0; offset + 4 <= digest.length && values.length < dimensions; offset += 4) {
      values.push(digest.readUInt32LE(offset) / 0xffffffff - 0.5);
    }
  }
  const norm = Math.hypot(...values) || 1;
  // Rounded to float32 so the float and base64 encodings decode to identical numbers.
  return values.map((v) => Math.fround(v / norm));
}

// The openai SDK decodes base64 embeddings as a little-endian Float32Array.
function toBase64(vector: number[]): string {
  const buffer = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => {
    buffer.writeFloatLE(v, i * 4);
  });
  return buffer.toString('base64');
}

export interface EmbeddingControl {
  /** Vector size when a request does not ask for `dimensions`. */
  dimensions: number;
  /** Replaces the vector served for a text: a wrong size, non-finite numbers. */
  vectorFor?: (text: string, dimensions: number) => number[];
}

export function embeddingsBody(body: Record<string, unknown>, control: EmbeddingControl) {
  const raw = body.input;
  const inputs: unknown[] = Array.isArray(raw) && typeof raw[0] !== 'number' ? raw : [raw];
  const texts = inputs.map((input) => (typeof input === 'string' ? input : JSON.stringify(input)));
  const dimensions = typeof body.dimensions === 'number' ? body.dimensions : control.dimensions;
  const vectorFor = control.vectorFor ?? fakeEmbedding;
  const base64 = body.encoding_format === 'base64';
  const tokens = texts.reduce((sum, text) => sum + estimateTokens(text), 0);
  return {
    object: 'list',
    model: body.model,
    data: texts.map((text, index) => {
      const vector = vectorFor(text, dimensions);
      return { object: 'embedding', index, embedding: base64 ? toBase64(vector) : vector };
    }),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
