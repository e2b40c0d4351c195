/**
 * An earlier message of the thread a question was asked in, by a person (bots' messages are left
 * out). Its text is hostile input: quoted to the answer path as context, never obeyed, and never
 * a say in whose documents are read.
 */
export interface ThreadMessage {
  /** The platform's id of its author. */
  author: string;
  text: string;
}

export interface ThreadLimits {
  messages: number;
  chars: number;
  perMessageChars: number;
}

/** Enough to see what a thread asks; a thread's whole history would cost tokens on every mention. */
export const THREAD_LIMITS: ThreadLimits = { messages: 20, chars: 4000, perMessageChars: 1000 };

/**
 * The messages kept as a thread's context, oldest first: its opening message (where a thread's
 * question usually is) and then the latest ones, within `limits` of messages and characters.
 */
export function boundThread(messages: readonly ThreadMessage[], limits = THREAD_LIMITS): ThreadMessage[] {
  const kept = messages
    .map((m) => ({ author: m.author, text: clip(m.text.trim(), limits.perMessageChars) }))
    .filter((m) => m.text !== '');
  const [first, ...rest] = kept;
  if (!first || limits.messages < 1) return [];
  let chars = first.text.length;
  const latest: ThreadMessage[] = [];
  for (let i = rest.length - 1; i >= 0 && latest.length + 1 < limits.messages; i--) {
    const message = rest[i] as ThreadMessage;
    if (chars + message.text.length > limits.chars) break;
    chars += message.text.length;
    latest.unshift(message);
  }
  return [first, ...latest];
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
