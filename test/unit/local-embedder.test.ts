import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { embedLocally } from '../../src/ingestion/local-embedder.js';

// Passages that exercise every branch of the tokenizer: case, digits, stopwords, suffixes, overlong
// runs, punctuation inside words, and scripts whose lower case differs in length or by context.
const HANDWRITTEN = [
  'How do I rotate the API key? Rotating keys: see rotation policy v2.3 (2024-01-15).',
  'The rotated keys are REVOKED after 30 days; revocation is logged in audit_log_2024.',
  "Don't store secrets in .env files — use the vault's KV engine instead.",
  'Café naïve façade résumé: Straße, ÉCOLE, İstanbul, ΟΔΟΣ ΣΟΦΟΣ, Ἀθῆναι.',
  'Supercalifragilisticexpialidociousandevenlongerthanfortycharacters word word word word.',
  '日本語のテキストと English mixed, 中文, 한국어, emoji 🚀 and math ∑ x².',
  'a an and the of to in is it', // stopwords only
  '',
  'Deploying: deployment, deployed, deploys. Classes, buses, analysis, status, glasses, studies.',
  'K-means (Kelvin sign K) and ﬁ ligature ﬁle; ǅ titlecase; ΣΑΣ.Β final sigma context.',
  'tab\tseparated\tvalues\nand\r\nwindows line endings; ALLCAPS MixedCase camelCaseWords snake_case.',
  // Two words whose 32-bit FNV-1a hashes agree in their low 30 bits.
  'hraba dsbjm Hraba DSBJM dsbjn hrabb hraba.',
];

/** A seeded stream of English-like passages, so the digest covers thousands of word pairs. */
function generated(count: number): string[] {
  const words =
    'key rotate rotation rotating deploy deployment service services cluster node nodes backup restore ' +
    'policy policies incident incidents runbook alert alerts latency error errors retry retries token ' +
    'tokens cache caching database migration migrations schema index indexes query queries user users';
  const vocabulary = words.split(' ');
  const syllables = 'ka lo mi ne ra su ti vo be da ing ed ly er ies s ss es ation ment e 7 x'.split(' ');
  let state = 12345;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  return Array.from({ length: count }, () => {
    const length = 5 + Math.floor(next() * 60);
    const out: string[] = [];
    for (let i = 0; i < length; i++) {
      let word = vocabulary[Math.floor(next() * vocabulary.length)] as string;
      if (next() < 0.3) {
        word = '';
        for (let n = 1 + Math.floor(next() * 4); n > 0; n--)
          word += syllables[Math.floor(next() * syllables.length)];
      }
      out.push(next() < 0.1 ? word.toUpperCase() : word);
      if (next() < 0.08) out.push(`${Math.floor(next() * 1000)}.`);
    }
    return out.join(next() < 0.5 ? ' ' : ', ');
  });
}

function digest(texts: string[]): string {
  const hash = createHash('sha256');
  for (const text of texts) hash.update(embedLocally(text));
  return hash.digest('hex');
}

describe('the local embedder', () => {
  // Tables record the embedder they were built with ('local-hash-v1'); a question embedded
  // differently would search them with vectors from another space. These digests pin the vectors.
  it('gives, bit for bit, the vectors its tables were built with', () => {
    expect(digest(HANDWRITTEN)).toBe('effe0a03527ea6eeaaee2c06f07162930478b3132b7a0211b88c03379d99dc8e');
    expect(digest(generated(3000))).toBe('75ce0a2dbe95d57f7c0d94c556d1fb54d39000f6a58aa0045045159c50ed2d38');
  });

  it('gives the same vector after it has seen more words than it remembers', () => {
    const text = 'Rotating keys: rotate the rotated key, then rotate again.';
    const before = embedLocally(text);
    for (let i = 0; i < 1200; i++)
      embedLocally(`${Array.from({ length: 100 }, (_, j) => `w${i}x${j}`).join(' ')} ${text}`);
    expect(embedLocally(text)).toEqual(before);
  });

  it('gives unit vectors, and the zero vector to text with no words', () => {
    const vector = embedLocally('rotate the signing key');
    const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
    expect(norm).toBeCloseTo(1, 5);
    expect([...embedLocally('the and of')].every((x) => x === 0)).toBe(true);
  });

  it('brings different forms of a word together', () => {
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);
    const query = embedLocally('rotating keys');
    expect(dot(query, embedLocally('key rotation'))).toBeGreaterThan(
      dot(query, embedLocally('database backups')),
    );
  });
});
