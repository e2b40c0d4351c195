import { tokenize } from '../../src/core/tokenize.js';
import type { QuestionShape } from './question-kind.js';

/** What a sentence offers an answer: the facts a question's kind looks for. */
export interface SentenceFacts {
  text: string;
  code: boolean;
  listed: boolean;
}

const NUMBER =
  /\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|hundred|thousand|million|once|twice|half|single|double|unlimited|infinity)\b/i;
// camelCase, dotted.calls(), --flags, CONSTANTS, snake_case, file.ext: names as code writes them.
const IDENTIFIER =
  /\b[a-z]+[A-Z]\w*|\b\w+\.\w+|(^|\s)--?[a-z][\w-]+|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|\b[a-z]+_[a-z_]+\b|\w\(\)/;
const IMPERATIVE =
  /^(run|use|set|call|pass|add|create|install|enable|disable|open|go|click|choose|configure|include|specify|provide|make|check|see|import|require|remove|delete|write|start|type|put|send|ask|contact|email|file|submit|update|edit)\b/i;
// Sentences that say yes or no, or under which condition.
const POLARITY =
  /\b(not|no|never|only|cannot|can't|won't|don't|doesn't|isn't|aren't|must|always|disabled|enabled|supported|unsupported|default|required|allowed|should|avoid|instead)\b/i;

/**
 * Words a question is framed with rather than what it is about: a sentence that shares only these
 * (and stop words) with the question shares no topic with it.
 */
const FRAME = new Set(
  tokenize(
    'many much long often default value values use used using way ways make work works happen happens mean means ' +
      'called name names thing things kind type types new one ones good best right possible able sure true false ' +
      'time times first next last set setting settings option options',
  ),
);

/** Whether the sentence shares a word with the question beyond its framing. */
export const sharesTopic = (terms: Iterable<string>, tokens: Set<string>) =>
  [...terms].some((t) => !FRAME.has(t) && tokens.has(t));

const definesSubject = (text: string, subject: string[]) => {
  const last = subject.at(-1);
  if (!last) return false;
  const escaped = last.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\b${escaped}\\w*\\)?\\s+(is|are|refers? to|means?|provides?|contains?)\\b`, 'i').test(
    text,
  );
};

/** Whether a sentence holds the kind of fact the question asks for. */
export function holdsWantedFact(shape: QuestionShape, s: SentenceFacts): boolean {
  switch (shape.kind) {
    case 'quantity':
      return NUMBER.test(s.text);
    case 'name':
      return s.code || IDENTIFIER.test(s.text);
    case 'procedure':
      return s.code || IMPERATIVE.test(s.text) || IDENTIFIER.test(s.text);
    case 'definition':
      return definesSubject(s.text, shape.subject);
    case 'yes_no':
      return POLARITY.test(s.text);
    default:
      return false;
  }
}
