import { describe, expect, it } from 'vitest';
import { extractiveAnswer } from '../../graphs/answer/extractive-answerer.js';
import { shapeOf } from '../../graphs/answer/question-kind.js';
import type { Passage } from '../../src/core/types.js';

const passage = (text: string, title = 'Doc'): Passage => ({
  chunkId: 'c',
  docId: 'd',
  title,
  source: 's.md',
  text,
  position: 0,
  score: 1,
});

const answerTo = (question: string, ...texts: string[]) =>
  extractiveAnswer(
    question,
    texts.map((t) => passage(t)),
  )?.answer;

describe('offline answers by the kind of question', () => {
  it('reads the kind of fact a question asks for', () => {
    expect(shapeOf('how many approvals does a pull request need?').kind).toBe('quantity');
    expect(shapeOf("what's the default body timeout").kind).toBe('quantity');
    expect(shapeOf('which option makes ioredis reconnect on READONLY errors').kind).toBe('name');
    expect(shapeOf('I get file not found errors, how do I clean up').kind).toBe('procedure');
    expect(shapeOf('is compression enabled by default in ws?').kind).toBe('yes_no');
    expect(shapeOf('what are primordials?')).toEqual({ kind: 'definition', subject: ['primordial'] });
  });

  it('answers "what is X" with the sentence that says what X is', () => {
    const answer = answerTo(
      'what are primordials?',
      'Using primordials makes the code in lib more reliable. Primordials are frozen copies of the built-in objects, made before any user code runs.',
    );
    expect(answer).toBe(
      'Primordials are frozen copies of the built-in objects, made before any user code runs [1].',
    );
  });

  it('answers "how many" with the sentence holding the number, written as a word or in digits', () => {
    const answer = answerTo(
      'How many approvals does a pull request need before it can land?',
      'Pull requests older than 30 days are closed by a bot. Two collaborators must approve a pull request before it can land.',
    );
    expect(answer).toContain('Two collaborators must approve');
    expect(answer).not.toContain('30 days');
  });

  it('answers "which command" with the command a lead-in introduces', () => {
    const answer = answerTo(
      'which command removes build artifacts?',
      'Stale builds are a common problem.\n\nTo remove build artifacts, run:\n\n```bash\nmake distclean\n```\n\nBuild artifacts are kept in the out folder.',
    );
    expect(answer).toContain('To remove build artifacts, run: make distclean [1].');
  });

  it('answers "how do I" with the sentence that solves the problem the question describes', () => {
    const answer = answerTo(
      'I get file not found errors from a stale build, how do I clean up?',
      'Stale builds can sometimes result in `file not found` errors while building. This and some other problems can be resolved with `make distclean`. The next build takes longer.',
    );
    expect(answer).toContain('make distclean');
    expect(answer).not.toContain('next build');
  });

  it('answers yes or no with the sentence that says it, even when it leans on the one before', () => {
    const answer = answerTo(
      'is compression enabled by default in ws?',
      'Compression in ws is set with the perMessageDeflate option of the ws server, and compression settings are negotiated for each connection. It is disabled by default on the server.',
    );
    expect(answer).toContain('It is disabled by default on the server');
  });

  it('quotes from a lower passage when the top one does not answer', () => {
    const answer = extractiveAnswer('how long is a pino major release supported?', [
      passage('Pino majors never drop a Node.js release line they shipped with.'),
      passage(
        'Pino major releases are supported for a minimum period of six months from their release date.',
      ),
    ]);
    expect(answer?.answer).toContain('six months');
    expect(answer?.cited).toEqual([2]);
  });

  it('never quotes a sentence that shares only the question’s framing words', () => {
    expect(
      answerTo('how many are there by default?', 'Many teams keep the default settings.'),
    ).toBeUndefined();
  });

  it('does not quote a table of contents', () => {
    const answer = answerTo(
      'how do I send binary data with ws?',
      'Protocol support; Installing; API docs; Usage examples; Sending and receiving text data; Sending binary data; FAQ\n\nTo send binary data, pass a Buffer or an ArrayBuffer to `ws.send()`.',
    );
    expect(answer).toBe('To send binary data, pass a Buffer or an ArrayBuffer to ws.send() [1].');
  });
});
