import { tokenize } from '../../src/core/tokenize.js';

/**
 * What kind of fact a question asks for, which decides what a good quoted answer holds:
 * a figure, a name in code, the steps, a "X is …" sentence, or a plain yes or no.
 */
export type QuestionKind = 'quantity' | 'name' | 'procedure' | 'definition' | 'yes_no' | 'other';

// "what is the default …", "how long …", "which versions …": the answer is a figure or a value.
const QUANTITY =
  /\b(how (much|many|long|often|soon|far|quickly|fast|big|large|old)|what time|deadline|limit|max(imum)?|min(imum)?|price|cost|default|versions?|percent(age)?|size|rate|port)\b/i;
// "which command …", "what option …", "what error do I get": the answer names a thing in code.
const NAME =
  /\b(which|what|what's|whats)\b(\s+[\w-]+){0,3}?\s+(command|commands|function|functions|method|methods|option|options|flag|flags|tool|tools|setting|settings|variable|variables|env|event|events|error|errors|header|headers|field|fields|property|properties|module|modules|package|packages|file|files|class|strategy|strategies|parameter|parameters|argument|arguments|key|label|labels|hook|hooks|algorithm|script|library|format|api|apis|signal|status|code|type)\b|\bwhat (is|are) (it|they|the \w+) called\b|\bcalled\??$/i;
// "how do I …", "what should I do …", "what now": the answer is a step, a command or a list.
const PROCEDURE =
  /\b(how (do|can|should|would|could|to)\b|how (i|we) (can|should)\b|what (do|should|can) (i|we) do|what now|steps?|procedure|set ?up|configure|install)\b/i;
const DEFINITION =
  /^(what|what's|whats)\s+(is|are|does|do)?\s*(an?\s+|the\s+)?(.+?)(\s+(mean|stand for|do))?\s*\??$/i;
const YES_NO = /^(is|are|can|could|does|do|did|should|shall|will|would|must|may|has|have)\b/i;
const LEAD_IN = /^(so|ok|okay|hi|hey|and|but|also|quick question)[,:]?\s+/i;

export interface QuestionShape {
  kind: QuestionKind;
  /** For a definition, the words of the thing to define ("primordials" in "what are primordials"). */
  subject: string[];
}

/** The kind of answer a question wants, read from its wording alone. */
export function shapeOf(question: string): QuestionShape {
  const text = question.trim().replace(LEAD_IN, '');
  // A question of several clauses is judged by its last one: "I get X, how do I fix it".
  const clause = text.split(/[,;]\s+/).at(-1) ?? text;
  if (/^how (much|many|long|often|soon|far|quickly|fast|big|large|old)\b/i.test(clause))
    return { kind: 'quantity', subject: [] };
  if (YES_NO.test(clause) && !/^(do|does|can|could) (i|we|you) \w+ (how|which|what)\b/i.test(clause))
    return { kind: 'yes_no', subject: [] };
  if (PROCEDURE.test(clause)) return { kind: 'procedure', subject: [] };
  if (NAME.test(clause)) return { kind: 'name', subject: [] };
  if (QUANTITY.test(clause)) return { kind: 'quantity', subject: [] };
  const definition = DEFINITION.exec(clause);
  const subject = definition ? tokenize(definition[4] ?? '') : [];
  if (definition && subject.length > 0 && subject.length <= 3) return { kind: 'definition', subject };
  return { kind: 'other', subject: [] };
}
