import type { AnswerOutput, ClassificationOutput } from '../../src/llm/chat-models.js';
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
  answer,
  cited,
  covered: true,
  confidence,
});

export const requestsFor = (server: FakeOpenAI, model: string, schema: string) =>
  server.requests.filter((r) => r.model === model && schemaName(r.body as unknown as ChatRequest) === schema);
