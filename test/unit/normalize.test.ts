import { describe, expect, it } from 'vitest';
import { extractDocument } from '../../src/ingestion/extract.js';
import { cleanInline } from '../../src/ingestion/normalize/inline.js';
import { normalizeMarkdown } from '../../src/ingestion/normalize/markdown.js';
import { joinWrappedLines } from '../../src/ingestion/normalize/plain-text.js';
import { makeDocx, makePdf } from '../helpers/make-files.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const lines = (...l: string[]) => l.join('\n');
/** `input` read through `normalize` gives `output`, both given line by line. */
const reads = (normalize: (text: string) => string, input: string[], output: string[]) =>
  expect(normalize(lines(...input))).toBe(lines(...output));

describe('Markdown blocks before splitting', () => {
  it('joins a hard-wrapped paragraph into one line', () => {
    reads(
      normalizeMarkdown,
      [
        'Two collaborators must approve a pull request before the pull request can land.',
        '(One collaborator approval is enough if the pull request has been open for more',
        'than 7 days.)',
        '',
        'Next paragraph.',
      ],
      [
        'Two collaborators must approve a pull request before the pull request can land. (One collaborator approval is enough if the pull request has been open for more than 7 days.)',
        '',
        'Next paragraph.',
      ],
    );
  });

  it('keeps list items apart, joining only the lines an item wraps over', () => {
    const md = lines(
      'Triagers have:',
      '',
      '* Ability to label issues and pull',
      '  requests',
      '* Ability to comment',
      '  1. nested step one',
      '  2. nested step two',
    );
    expect(normalizeMarkdown(md)).toBe(
      lines(
        'Triagers have:',
        '',
        '* Ability to label issues and pull requests',
        '* Ability to comment',
        '  1. nested step one',
        '  2. nested step two',
      ),
    );
  });

  it('leaves fenced and indented code exactly as written', () => {
    const md = lines(
      'Build it:',
      '',
      '```bash',
      'export CXX=g++-12   # **not** emphasis',
      './configure',
      '```',
      '',
      '    mammoth document.docx',
      '    --output-dir=out',
      '',
      'Done.',
    );
    expect(normalizeMarkdown(md)).toBe(md);
  });

  it('turns a table into one line per row with its column names', () => {
    const md = lines(
      '| Version | Node.js Version | Redis Version |',
      '| ------- | --------------- | ------------- |',
      '| 5.x.x   | >= 12           | 2.6.12 ~ latest |',
      '| 4.x.x   |                 | 2.6.12 ~ 7      |',
    );
    expect(normalizeMarkdown(md)).toBe(
      lines(
        'Version: 5.x.x; Node.js Version: >= 12; Redis Version: 2.6.12 ~ latest.',
        'Version: 4.x.x; Redis Version: 2.6.12 ~ 7.',
      ),
    );
    expect(normalizeMarkdown(lines('Database | Native TTL', '---|---', 'Redis | **Yes**'))).toBe(
      'Database: Redis; Native TTL: Yes.',
    );
  });

  it('keeps headings on their own line and reads underlined ones as headings', () => {
    const md = lines(
      'CLI-Progress',
      '============',
      'easy to use',
      '',
      'Install',
      '-------',
      '## Usage',
      'Run it.',
    );
    expect(normalizeMarkdown(md)).toBe(
      lines('# CLI-Progress', 'easy to use', '', '## Install', '## Usage', 'Run it.'),
    );
  });

  it('drops comments, link definitions, rules and badges, and reads quotes as paragraphs', () => {
    const md = lines(
      '[![Build](https://ci.example/badge.svg)](https://ci.example)',
      '<!-- YAML',
      'added: v0.1.90',
      '-->',
      'Text with a [reference link][ref] and a [relative one](./guide.md).',
      '',
      '***',
      '',
      '> \\[!TIP]',
      '> Clone with symlinks',
      '> enabled.',
      '',
      '[ref]: https://example.com/reference',
    );
    expect(normalizeMarkdown(md)).toBe(
      lines('Text with a reference link and a relative one.', '', 'Tip: Clone with symlinks enabled.'),
    );
  });
});

describe('markup kept out of quoted text', () => {
  it('removes HTML anchors and tags but keeps what they wrap', () => {
    expect(cleanInline('<a id="export"></a>')).toBe('');
    expect(cleanInline('<a name="workers"></a>Workers mode <b>splits</b> connections<br>evenly.')).toBe(
      'Workers mode splits connections evenly.',
    );
    expect(cleanInline('Landed in \\<commit hash> for <value> &lt;tj@example.com&gt;')).toBe(
      'Landed in <commit hash> for <value> <tj@example.com>',
    );
  });

  it('removes emphasis marks, but not a lone star or snake_case', () => {
    expect(cleanInline('LTS gets 12 months of _Active LTS_ and **Maintenance** ~~never~~')).toBe(
      'LTS gets 12 months of Active LTS and Maintenance never',
    );
    expect(cleanInline('penalty is 15 * minTime for snake_case_names and *')).toBe(
      'penalty is 15 * minTime for snake_case_names and *',
    );
  });

  it('drops backslash escapes and leaves inline code as written', () => {
    expect(cleanInline('x86\\_64 on \\[arm, arm64] with `a\\_b` and `**kept**`')).toBe(
      'x86_64 on [arm, arm64] with `a\\_b` and `**kept**`',
    );
  });

  it('keeps a link text, and its address only when it is a web address', () => {
    expect(
      cleanInline('[`pino.destination`](#pino-destination) via [HackerOne](https://hackerone.com/nodejs)'),
    ).toBe('`pino.destination` via HackerOne (https://hackerone.com/nodejs)');
    expect(cleanInline('Get it at <https://nodejs.org/download/nightly/>')).toBe(
      'Get it at https://nodejs.org/download/nightly/',
    );
  });
});

describe('plain text before splitting', () => {
  it('joins lines wrapped at a fixed width and keeps short lines and lists apart', () => {
    const rest = [
      '',
      'Contacts:',
      'Alice Smith',
      'Bob Jones',
      '- first item that is long enough to look like a wrapped line here',
      '- second item',
    ];
    reads(
      joinWrappedLines,
      [
        'Normally, your report will be acknowledged within 5 days, and you will',
        'receive a more detailed response within 10 days.',
        ...rest,
      ],
      [
        'Normally, your report will be acknowledged within 5 days, and you will receive a more detailed response within 10 days.',
        ...rest,
      ],
    );
  });

  it('rejoins a word hyphenated at the end of a line', () => {
    expect(
      joinWrappedLines('The release is signed with the key listed for the indivi-\ndual releaser.'),
    ).toBe('The release is signed with the key listed for the indivi-dual releaser.');
  });
});

describe('extracted documents come out normalised', () => {
  it('joins a Markdown file’s wrapped lines and drops its markup', async () => {
    const md =
      '# Security\n\n<a id="report"></a>\nReport security bugs via **HackerOne**. Reports are\nacknowledged within 5 days.\n';
    const doc = await extractDocument(utf8(md), 'SECURITY.md');
    expect(doc.text).toBe(
      '# Security\n\nReport security bugs via HackerOne. Reports are acknowledged within 5 days.',
    );
  });

  it('joins the wrapped lines of a PDF text layer', async () => {
    const pdf = makePdf([
      ['Refunds are processed within five working days of the', 'request reaching the finance team.'],
    ]);
    const doc = await extractDocument(pdf, 'refunds.pdf');
    expect(doc.text).toContain(
      'Refunds are processed within five working days of the request reaching the finance team.',
    );
  });

  it('takes a Word document’s Title paragraph as its title', async () => {
    const titled =
      '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' +
      '<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>Travel &amp; Expenses</w:t></w:r></w:p>' +
      '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Booking</w:t></w:r></w:p>' +
      '<w:p><w:r><w:t>Book flights through the portal.</w:t></w:r></w:p></w:body></w:document>';
    const doc = await extractDocument(await makeDocx([], { 'word/document.xml': titled }), 'travel.docx');
    expect(doc.title).toBe('Travel & Expenses');
    expect(doc.text).toContain('Book flights through the portal.');
  });

  it('falls back to the title in a Word document’s properties', async () => {
    const core =
      '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">' +
      '<dc:title>Leave policy 2025</dc:title></cp:coreProperties>';
    const docx = await makeDocx(['# Annual leave', 'Everyone gets 25 days.'], { 'docProps/core.xml': core });
    expect((await extractDocument(docx, 'leave.docx')).title).toBe('Leave policy 2025');
  });
});
