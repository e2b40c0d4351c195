import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareDocument } from '../../src/ingestion/prepare.js';
import { makeDocx } from '../helpers/make-files.js';
import { tempLanceKnowledgeBase } from '../helpers/temp-kb.js';

// A guide whose answer sits under "API keys > Rotation", in a passage that never says "API",
// "key" or "rotate": only its headings do. The Rotation section is longer than a passage, so
// the answer's passage does not start with the heading either.
type Block = { heading: number; text: string } | { heading?: undefined; text: string };
const GUIDE: Block[] = [
  { heading: 1, text: 'Security guide' },
  { text: 'This guide is for everyone who runs production services.' },
  { heading: 2, text: 'API keys' },
  { text: 'Every service gets its own credential from the platform team. Never share one between services.' },
  { heading: 3, text: 'Rotation' },
  {
    text:
      'Do it every ninety days, and at once when someone who held the value leaves the team. Plan it for a ' +
      'quiet hour: clients that cache the old value need a restart, and the on-call engineer should know it ' +
      'is happening. Tell the platform channel before you start, so nobody mistakes the errors for an outage.',
  },
  {
    text:
      'In the console, open Settings and press Regenerate. The previous value keeps working for 24 hours, ' +
      'then stops; deploy the new one everywhere before then.',
  },
  { heading: 2, text: 'Passwords' },
  { text: 'Change yours every year, and after any phishing scare. A password manager makes it painless.' },
  { heading: 2, text: 'Backups' },
  { text: 'Snapshots are taken nightly at 02:00 UTC and kept for thirty days. Restoring one takes an hour.' },
  { heading: 2, text: 'Office' },
  { text: 'Badges open the doors from 7 to 20. Lost badges go to reception, spare ones are in the safe.' },
];

const markdown = GUIDE.map((b) => (b.heading ? `${'#'.repeat(b.heading)} ${b.text}` : b.text)).join('\n\n');
const html = `<html><body>${GUIDE.map((b) => (b.heading ? `<h${b.heading}>${b.text}</h${b.heading}>` : `<p>${b.text}</p>`)).join('')}</body></html>`;
const docx = () => makeDocx(GUIDE.map((b) => (b.heading ? `${'#'.repeat(b.heading)} ${b.text}` : b.text)));

const FORMATS = {
  'security.md': async () => new TextEncoder().encode(markdown),
  'security.html': async () => new TextEncoder().encode(html),
  'security.docx': docx,
};
const QUESTION = 'How do I rotate an API key?';
const ANSWER = 'press Regenerate';
const audience = (tenantId: string) => ({ tenantId, scopes: ['tenant' as const] });

describe('passages searched with their title and headings', () => {
  let world: Awaited<ReturnType<typeof tempLanceKnowledgeBase>>;
  beforeEach(async () => {
    world = await tempLanceKnowledgeBase({ chunkSize: 400 });
  });
  afterEach(async () => world.cleanup());

  it.each(Object.entries(FORMATS))(
    '%s: a question in the headings’ words finds the passage under them',
    async (source, bytes) => {
      const tenantId = source.replace('.', '-');
      await world.kb.ingest({ tenantId, scope: 'tenant', source, fetchData: bytes });
      // Full-text search alone: only the headings can have brought it.
      const byWords = await world.kb.search(QUESTION, audience(tenantId), { mode: 'bm25' });
      expect(
        byWords
          .slice(0, 2)
          .map((p) => p.text)
          .join('\n'),
      ).toContain(ANSWER);
      const hits = await world.kb.search(QUESTION, audience(tenantId));
      const answer = hits.slice(0, 2).find((p) => p.text.includes(ANSWER));
      // What is shown and quoted is the passage as written, without the headings put before it.
      expect(answer?.text).toBe(
        'In the console, open Settings and press Regenerate. The previous value keeps working for 24 hours, ' +
          'then stops; deploy the new one everywhere before then.',
      );
      expect(answer?.title).toBe('Security guide');
    },
  );
});

it('records for every passage the headings it sits under, from Markdown, HTML and Word alike', async () => {
  for (const [source, bytes] of Object.entries(FORMATS)) {
    const prepared = await prepareDocument(await bytes(), source, { size: 400, overlap: 40 });
    const at = (phrase: string) => prepared.contexts[prepared.texts.findIndex((t) => t.includes(phrase))];
    expect(at(ANSWER), source).toBe('Security guide > API keys > Rotation');
    expect(at('password manager'), source).toBe('Security guide > Passwords');
    expect(at('production services'), source).toBe('Security guide');
    expect(prepared.texts.join('\n'), source).not.toContain(' > ');
  }
});

it('takes no heading from a comment line in code, and none for plain text', async () => {
  const withCode =
    '# Deploying\n\n## Steps\n\n```sh\n# build first\nmake build\n```\n\nThen ship it to the fleet.';
  const md = await prepareDocument(new TextEncoder().encode(withCode), 'deploy.md', { size: 40, overlap: 0 });
  expect(md.contexts.at(-1)).toBe('Deploying > Steps');
  const txt = await prepareDocument(new TextEncoder().encode(markdown), 'security.txt', {
    size: 400,
    overlap: 40,
  });
  expect(new Set(txt.contexts)).toEqual(new Set(['security']));
});
