import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { AnswerResult } from '../../src/core/ask.js';
import type { MessageHandler } from '../../src/core/handle-message.js';
import type { FileOutcome, InboundMessage, MessageOutcome, SharedFile } from '../../src/core/message.js';
import { answerFooter, renderAnswer, renderFilesAdded, renderSources } from './render.js';
import { TerminalAnswerStream } from './streamed-answer.js';

/** The files a path names (a file, or every document under a folder), and why others could not be read. */
export type FileCollector = (
  paths: string[],
) => Promise<{ files: { source: string; absolutePath: string }[]; errors: Error[] }>;

export interface ChatOptions {
  handleMessage: MessageHandler;
  tenantId: string;
  input: Readable;
  output: Writable;
  /** Interactive terminal: prompts and a progress line. Otherwise plain lines, for scripts. */
  interactive: boolean;
  greeting?: string;
  /** What `/files <path>` shares: the terminal's shared files are paths on this machine. */
  collectFiles: FileCollector;
}

const HELP =
  'Ask a question, or: /files <path> to add documents, /sources for the last answer’s passages, /new for a new thread, /quit.';
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** `docent chat`: a third adapter on the same message port as Slack and Discord. */
export async function runChat(options: ChatOptions): Promise<void> {
  const { output, interactive } = options;
  const say = (text: string) => output.write(`${text}\n`);
  const lines = createInterface({
    input: options.input,
    output: interactive ? output : undefined,
    terminal: interactive,
  });
  let threadId = randomUUID();
  let turn = 0;
  let last: AnswerResult | undefined;
  const send = (label: string, text: string, files: SharedFile[] = [], stream?: TerminalAnswerStream) =>
    withProgress(interactive, output, label, (stopProgress) => {
      const message = terminalMessage(options.tenantId, threadId, turn++, text, files);
      stream?.setBeforeText(stopProgress);
      return options.handleMessage(message, stream ? { stream } : {});
    });

  say(options.greeting ?? HELP);
  const prompt = () => {
    if (interactive) lines.prompt();
  };
  lines.setPrompt('you › ');
  prompt();
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === '/quit' || line === '/exit') break;
    if (line === '') {
      prompt();
      continue;
    }
    if (line === '/help') say(HELP);
    else if (line === '/new') {
      threadId = randomUUID();
      last = undefined;
      say('Started a new thread.');
    } else if (line === '/sources') say(renderSources(last));
    else if (line.startsWith('/files')) {
      const target = line.slice('/files'.length).trim();
      if (!target) say('Usage: /files <file or folder>');
      else
        say(
          renderFilesAdded(
            await addFiles(target, options.collectFiles, (shared) =>
              send(`indexing ${shared.length} file(s)`, '', shared),
            ),
          ),
        );
    } else if (line.startsWith('/')) say(`Unknown command ${line.split(' ')[0]}. ${HELP}`);
    else {
      // A script reading the output gets whole answers; a person watches them form.
      const stream = interactive ? new TerminalAnswerStream(output) : undefined;
      const outcome = await send('thinking', line, [], stream);
      if (outcome.kind === 'answer') {
        last = outcome.result;
        if (stream?.showed(outcome.result.answer)) say(['', ...answerFooter(outcome.result)].join('\n'));
        else say(`docent › ${renderAnswer(outcome.result)}`);
      } else if (outcome.kind === 'throttled')
        say(`Too many questions at once; try again in ${Math.ceil(outcome.retryAfterMs / 1000)} s.`);
    }
    prompt();
  }
  lines.close();
}

/** The terminal's operator, in a channel of its own, speaking in one thread at a time. */
function terminalMessage(
  tenantId: string,
  threadId: string,
  turn: number,
  text: string,
  files: SharedFile[],
): InboundMessage {
  return {
    platform: 'terminal',
    eventId: `${threadId}:${turn}`,
    tenantId,
    channelId: 'terminal',
    userId: 'operator',
    threadId,
    isDirectMessage: false,
    isPrivateChannel: false,
    text,
    files,
  };
}

/** Shares every file under `target` in one message, and returns what became of each. */
async function addFiles(
  target: string,
  collectFiles: FileCollector,
  share: (files: SharedFile[]) => Promise<MessageOutcome>,
): Promise<FileOutcome[]> {
  const { files, errors } = await collectFiles([target]);
  const missing = errors.map((e): FileOutcome => ({ name: target, status: 'failed', reason: e.message }));
  if (files.length === 0) return missing;
  const outcome = await share(files.map((f) => ({ name: f.source, url: f.absolutePath })));
  return outcome.kind === 'ingested' ? [...missing, ...outcome.files] : missing;
}

/** A spinner on one line while work runs, erased when it ends; nothing at all when not a terminal. */
async function withProgress<T>(
  interactive: boolean,
  output: Writable,
  label: string,
  work: (stopProgress: () => void) => Promise<T>,
): Promise<T> {
  if (!interactive) return work(() => {});
  let frame = 0;
  let timer: NodeJS.Timeout | undefined = setInterval(
    () => output.write(`\r${SPINNER[frame++ % SPINNER.length]} ${label}…`),
    80,
  );
  // Once text shows, the spinner's line is where it goes.
  const stop = () => {
    if (timer === undefined) return;
    clearInterval(timer);
    timer = undefined;
    output.write('\r\x1b[2K');
  };
  try {
    return await work(stop);
  } finally {
    stop();
  }
}
