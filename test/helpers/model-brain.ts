import type { AnswerOutput, ClassificationOutput } from '../../src/core/ports/language-model.js';
import { contentText } from '../fakes/openai/chat.js';
import type { ChatRequest, FakeOpenAI, Reply } from '../fakes/openai-server.js';

/** Which structured call this is: the classifier or the grounded answer. */
export function schemaName(req: ChatRequest): string | undefined {
  return (
    req.response_format?.json_schema?.name ??
    (req.tools?.[0] as { function?: { name?: string } } | undefined)?.function?.name
  );
}

export const userText = (req: ChatRequest) =>
  contentText([...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '');

export interface Brain {
  classify?: (prompt: string) => Partial<ClassificationOutput> | Reply;
  answer?: (prompt: string) => AnswerOutput | Reply;
}

const isReply = (value: object): value is Exclude<Reply, string> =>
  'status' in value || 'malformed' in value || 'text' in value || 'structured' in value;

/**
 * Scripts one model on the fake server to behave like a real one: a classifier that
 * defaults to "simple question, unchanged", and an answerer the test decides.
 */
export function scriptModel(server: FakeOpenAI, model: string, brain: Brain): void {
  server.script.on(model, (req) => {
    const prompt = userText(req);
    if (schemaName(req) === 'classification') {
      const decided = brain.classify?.(prompt) ?? {};
      if (typeof decided === 'string' || isReply(decided)) return decided;
      const question = /New message:\n([\s\S]*)$/.exec(prompt)?.[1]?.trim() ?? prompt;
      return {
        structured: { intent: 'question', complexity: 'simple', standalone: question, ...decided },
        usage: { prompt_tokens: 200, completion_tokens: 20 },
      };
    }
    const answered = brain.answer?.(prompt);
    if (!answered) return { status: 400, message: `no answer scripted for ${model}` };
    if (typeof answered === 'string' || isReply(answered)) return answered;
    return { structured: answered, usage: { prompt_tokens: 1000, completion_tokens: 100 } };
  });
}

export const grounded = (
  answer: string,
  cited = [1],
  confidence: AnswerOutput['confidence'] = 'high',
): AnswerOutput => ({
  // In the schema's order, as a model writes them.
  covered: true,
  confidence,
  answer,
  cited,
});

export const requestsFor = (server: FakeOpenAI, model: string, schema: string) =>
  server.requests.filter((r) => r.model === model && schemaName(r.body as unknown as ChatRequest) === schema);

/**
 * A model that behaves plausibly: the classifier resolves "what about it?" from the thread, the
 * answerer quotes the first passage, and a question containing "slowly" takes 4 s ("haltingly": 9 s, "glacially": 30 s).
 */
export function scriptQuotingModel(server: FakeOpenAI) {
  scriptModel(server, 'gpt-4o-mini', {
    classify: (prompt) => {
      const latest = /New message:\n([\s\S]*)$/.exec(prompt)?.[1]?.trim() ?? '';
      const earlier = [...prompt.matchAll(/^User: (.*)$/gm)].map((m) => m[1]).at(-1);
      return { standalone: earlier && /^(what about|and )/i.test(latest) ? `${earlier} ${latest}` : latest };
    },
    answer: (prompt) => {
      const passage = /<passage n="1"[^>]*>\n([\s\S]*?)\n<\/passage>/.exec(prompt)?.[1] ?? '';
      const reply = {
        covered: true,
        confidence: 'high' as const,
        answer: `${passage.replace(/^#.*$/gm, '').replace(/\s+/g, ' ').trim()} [1]`,
        cited: [1],
      };
      if (/Question: .*glacially/.test(prompt)) return { structured: reply, delayMs: 30_000 };
      if (/Question: .*haltingly/.test(prompt)) return { structured: reply, delayMs: 9000 };
      return /Question: .*slowly/.test(prompt) ? { structured: reply, delayMs: 4000 } : reply;
    },
  });
}
