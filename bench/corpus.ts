import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A deterministic pseudo-random generator (mulberry32) so every run measures the same corpus. Its
 * state advances by a constant step, which gives it a full 2^32 period; feeding the scrambled
 * output back as the state fell into short cycles, and 100,000 generated passages held only a few
 * hundred distinct texts.
 */
export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = 'ka lo mi ne ra su ti vo be da fe gi ho ju ly pa qu se to vi wa xe zo an el in on ur'.split(
  ' ',
);

/** A vocabulary with a Zipf-like frequency profile, like real prose. */
export function vocabulary(size: number, random: () => number): string[] {
  const words: string[] = [];
  for (let i = 0; i < size; i++) {
    const n = 1 + Math.floor(random() * 3);
    let w = '';
    for (let j = 0; j < n; j++) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.push(w);
  }
  return words;
}

export function sentenceMaker(words: string[], random: () => number): () => string {
  const logSize = Math.log(words.length + 1);
  return () => {
    const length = 8 + Math.floor(random() * 14);
    const out: string[] = [];
    // Zipf's law (frequency ~ 1 / rank), as in prose: the commonest word is ~7% of all words. The
    // rank is e^(u ln N), whose distribution function is ln(rank) / ln(N).
    for (let i = 0; i < length; i++)
      out.push(words[Math.min(words.length - 1, Math.floor(Math.exp(random() * logSize)) - 1)] as string);
    const s = out.join(' ');
    return `${s[0]?.toUpperCase()}${s.slice(1)}.`;
  };
}

/** Writes a mixed corpus (md, txt, html, csv, json) of roughly `megabytes` MB under `dir`. */
export async function writeMixedCorpus(dir: string, megabytes: number, seed = 7): Promise<number> {
  await mkdir(dir, { recursive: true });
  const random = rng(seed);
  const sentence = sentenceMaker(vocabulary(20_000, random), random);
  const paragraph = () => Array.from({ length: 3 + Math.floor(random() * 5) }, sentence).join(' ');
  const target = megabytes * 1024 * 1024;
  let written = 0;
  for (let i = 0; written < target; i++) {
    const kind = ['md', 'md', 'txt', 'html', 'csv', 'json'][i % 6] as string;
    const sections = Array.from({ length: 20 + Math.floor(random() * 40) }, () => ({
      title: sentence().slice(0, 40),
      body: paragraph(),
    }));
    let content: string;
    if (kind === 'md')
      content = `# ${sentence()}\n\n${sections.map((s) => `## ${s.title}\n\n${s.body}\n`).join('\n')}`;
    else if (kind === 'txt') content = sections.map((s) => s.body).join('\n\n');
    else if (kind === 'html')
      content = `<!doctype html><html><head><title>${sentence()}</title></head><body>${sections.map((s) => `<h2>${s.title}</h2><p>${s.body}</p>`).join('')}</body></html>`;
    else if (kind === 'csv')
      content = `name,owner,notes\n${sections.map((s, j) => `item${j},"${s.title}","${s.body}"`).join('\n')}\n`;
    else content = JSON.stringify(sections.map((s, j) => ({ id: j, title: s.title, body: s.body })));
    await writeFile(path.join(dir, `doc-${String(i).padStart(5, '0')}.${kind}`), content);
    written += Buffer.byteLength(content);
  }
  return written;
}

/** Draws from `items` Zipf-like over their rank: the first few very often, most rarely. */
export function zipfDraw<T>(items: readonly T[], random: () => number): () => T {
  const weights = items.map((_, rank) => 1 / (rank + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  return () => {
    let u = random() * total;
    for (let i = 0; i < items.length; i++) {
      u -= weights[i] as number;
      if (u <= 0) return items[i] as T;
    }
    return items.at(-1) as T;
  };
}
