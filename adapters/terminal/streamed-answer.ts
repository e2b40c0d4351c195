import type { Writable } from 'node:stream';
import type { AnswerStream } from '../../src/core/ask.js';

const PROMPT = 'docent › ';

/**
 * An answer printed as the model writes it. A withdrawn text is erased from the screen (the
 * terminal's width says how many rows it took); the final answer then prints whole.
 */
export class TerminalAnswerStream implements AnswerStream {
  private shown = '';
  private beforeText = () => {};

  constructor(private readonly output: Writable & { columns?: number }) {}

  /** Runs before text is printed: the progress line must go first. */
  setBeforeText(run: () => void): void {
    this.beforeText = run;
  }

  onText(delta: string): void {
    if (this.shown === '') {
      this.beforeText();
      this.output.write(PROMPT);
    }
    this.shown += delta;
    this.output.write(delta);
  }

  onReset(): void {
    if (this.shown === '') return;
    const rows = rowsOf(`${PROMPT}${this.shown}`, this.output.columns ?? 80);
    // To the start of the first row the text took, then clear to the end of the screen.
    this.output.write(`\r${rows > 1 ? `\x1b[${rows - 1}A` : ''}\x1b[J`);
    this.shown = '';
  }

  /** Whether the text on screen is the whole of `answer`, so only what follows it is left to print. */
  showed(answer: string): boolean {
    return this.shown !== '' && this.shown === answer;
  }
}

/** How many terminal rows a text fills at a width, each of its lines wrapping on its own. */
function rowsOf(text: string, columns: number): number {
  return text
    .split('\n')
    .reduce((rows, line) => rows + Math.max(1, Math.ceil([...line].length / columns)), 0);
}
