import { afterEach, describe, expect, it } from 'vitest';
import { IngestError } from '../../src/core/errors.js';
import { LocalEmbedder } from '../../src/ingestion/local-embedder.js';
import { InlinePreparer } from '../../src/ingestion/prepare.js';
import { ThreadPreparer } from '../../src/ingestion/thread-preparer.js';
import { makeDocx, makeDocxBomb, makePdf } from '../helpers/make-files.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const chunking = { size: 300, overlap: 30 };
const embedder = new LocalEmbedder();
let preparer: ThreadPreparer | undefined;

afterEach(async () => {
  await preparer?.close();
  preparer = undefined;
});

const section = (i: number) =>
  `## Section ${i}\n\nRotate the production key ${i} in Settings, then API. Staging keys expire after ${i} days.\n`;

describe('ingestion threads', () => {
  it('prepare every type exactly as the calling thread does: same title, passages and vectors', async () => {
    preparer = new ThreadPreparer(chunking, embedder, 2);
    await preparer.ready();
    const inline = new InlinePreparer(chunking, embedder);
    const files: [string, Uint8Array][] = [
      ['guide.md', utf8(`# Key guide\n\n${Array.from({ length: 30 }, (_, i) => section(i)).join('\n')}`)],
      ['notes.txt', utf8('Backups run nightly at 02:00 UTC.\n\nRestores take an hour.')],
      [
        'page.html',
        utf8(
          '<html><head><title>On-call</title></head><body><p>Escalate after 15 minutes.</p></body></html>',
        ),
      ],
      ['owners.csv', utf8('service,owner\nbilling,Ana\nsearch,Bo\n')],
      ['limits.json', utf8(JSON.stringify({ api: { rate: '100 per minute' } }))],
      ['runbook.pdf', makePdf([['Failover', 'Promote the replica, then repoint DNS.']])],
      ['policy.docx', await makeDocx(['Leave policy', 'Carry over five days at most.'])],
    ];
    for (const [name, bytes] of files) {
      const threaded = await preparer.prepare(bytes, name);
      const local = await inline.prepare(bytes, name);
      expect(threaded.title, name).toBe(local.title);
      expect(threaded.texts, name).toEqual(local.texts);
      expect(threaded.contexts, name).toEqual(local.contexts);
      expect(threaded.texts.length, name).toBeGreaterThan(0);
      expect(
        threaded.vectors?.map((v) => Array.from(v)),
        name,
      ).toEqual(local.vectors?.map((v) => Array.from(v)));
    }
  });

  it('report a bad file with its reason and file name, and go on with the next', async () => {
    preparer = new ThreadPreparer(chunking, embedder, 1);
    await preparer.ready();
    const failure = await preparer.prepare(await makeDocxBomb(), 'bomb.docx').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(IngestError);
    expect((failure as IngestError).code).toBe('corrupt');
    expect((failure as IngestError).message).toContain('bomb.docx');
    const empty = await preparer.prepare(utf8(''), 'empty.txt').catch((e: unknown) => e);
    expect((empty as IngestError).code).toBe('no_text');
    const next = await preparer.prepare(utf8('Deploys happen on Tuesdays.'), 'deploys.txt');
    expect(next.texts).toEqual(['Deploys happen on Tuesdays.']);
  });

  it('hold a file to MAX_PASSAGES_PER_FILE and refuse deep JSON in words, as the calling thread does', async () => {
    const limited = { size: 300, overlap: 30, maxPassages: 5 };
    preparer = new ThreadPreparer(limited, embedder, 1);
    await preparer.ready();
    const inline = new InlinePreparer(limited, embedder);
    // Eight paragraphs of 160 characters: within 5 × 300 characters of text, but one passage each.
    const paragraphs = Array.from({ length: 8 }, (_, i) =>
      `${i} ${'Rotate the key in Settings. '.repeat(6)}`.slice(0, 160),
    );
    const tooMany = utf8(paragraphs.join('\n\n'));
    const tooLong = utf8(Array.from({ length: 30 }, (_, i) => section(i)).join('\n'));
    const deep = utf8(`${'['.repeat(5000)}1${']'.repeat(5000)}`);
    for (const prepare of [preparer.prepare.bind(preparer), inline.prepare.bind(inline)]) {
      for (const [bytes, name] of [
        [tooMany, 'many.txt'],
        [tooLong, 'long.md'],
      ] as const) {
        const refused = await prepare(bytes, name).catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(IngestError);
        expect(refused).toMatchObject({
          code: 'too_large',
          message: `${name}: refused, its text would make more than 5 passages, the most one file may give (MAX_PASSAGES_PER_FILE); split it into smaller files.`,
          transient: false,
        });
      }
      const tooDeep = await prepare(deep, 'deep.json').catch((e: unknown) => e);
      expect(tooDeep).toBeInstanceOf(IngestError);
      expect(tooDeep).toMatchObject({ code: 'unsupported_type', transient: false });
      const fits = await prepare(utf8(paragraphs.slice(0, 5).join('\n\n')), 'fits.txt');
      expect(fits.texts).toHaveLength(5);
    }
  });
});
