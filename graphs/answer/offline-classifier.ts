import { tokenize } from '../../src/core/tokenize.js';

export type Intent = 'smalltalk' | 'question' | 'out_of_scope';
export type Complexity = 'simple' | 'complex';

export interface Classification {
  intent: Intent;
  complexity: Complexity;
  standalone: string;
}

const SMALLTALK =
  /^(hi|hello|hey|yo|hiya|howdy|good (morning|afternoon|evening)|thanks?( you)?|thx|ty|cheers|ok(ay)?|cool|great|nice|bye|goodbye|see you|who are you|what are you|what can you do|help)[\s!.?]*$/i;
const FOLLOW_UP =
  /^(and|also|what about|how about|same for|or|but)\b|\b(it|that|this|those|these|them|there)\b/i;
const COMPLEX =
  /\b(compare|comparison|difference|differences|versus|vs\.?|why|trade-?offs?|pros and cons|explain|step[- ]by[- ]step|summari[sz]e)\b/i;

/**
 * The offline stand-in for the cheap model's classifier: deterministic rules that are right for
 * the common cases (greetings, follow-ups in a thread, comparison questions).
 */
export function classifyOffline(question: string, previousQuestions: string[]): Classification {
  const text = question.trim();
  if (SMALLTALK.test(text)) return { intent: 'smalltalk', complexity: 'simple', standalone: text };
  const previous = previousQuestions.filter((q) => q.trim() !== '').at(-1);
  const contentWords = tokenize(text).length;
  // A follow-up ("and for staging?", "what about it?") borrows the topic of the thread's last question.
  const standalone = previous && (contentWords <= 1 || FOLLOW_UP.test(text)) ? `${previous} ${text}` : text;
  const complexity: Complexity =
    COMPLEX.test(text) || contentWords > 18 || (text.match(/\?/g)?.length ?? 0) > 1 ? 'complex' : 'simple';
  return { intent: 'question', complexity, standalone };
}

export const SMALLTALK_REPLY =
  'Hi! I answer questions from your team\'s documents. Ask me something like "how do I rotate the API key?", ' +
  'or share a file with me to add it to what I know.';
