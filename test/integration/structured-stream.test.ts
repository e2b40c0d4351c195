import { ChatOpenAI } from '@langchain/openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PartialAnswer } from '../../src/core/ports/language-model.js';
import { StructuredChatModel } from '../../src/llm/chat-models.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai-server.js';
import { grounded, scriptModel } from '../helpers/model-brain.js';

const ANSWER = 'Keys rotate from Settings, then API, then Rotate; the old key works for one more day [1].';

let openai: FakeOpenAI;

beforeAll(async () => {
  openai = await startFakeOpenAI();
  // gpt-4o-mini answers in a json_schema reply's content, gpt-4 in a forced tool call's arguments.
  for (const model of ['gpt-4o-mini', 'gpt-4'])
    scriptModel(openai, model, { answer: () => ({ structured: grounded(ANSWER), chunkDelayMs: 5 }) });
});
afterAll(async () => openai?.close());

describe('a structured answer streamed from the model', () => {
  for (const model of ['gpt-4o-mini', 'gpt-4'])
    it(`tells the answer as it grows, then returns it whole with its usage (${model})`, async () => {
      const chat = new ChatOpenAI({ model, apiKey: 'test', configuration: { baseURL: openai.url } });
      const partials: PartialAnswer[] = [];
      const reply = await new StructuredChatModel(model, chat).answer('system', 'question', {
        onPartial: (partial) => partials.push({ ...partial }),
      });

      expect(reply.value.answer).toBe(ANSWER);
      expect(reply.usage.output).toBeGreaterThan(0);
      const texts = partials.map((p) => p.answer).filter((t): t is string => typeof t === 'string');
      // Several growing prefixes, the first of them before the answer was complete.
      expect(texts.length).toBeGreaterThan(2);
      expect(texts.every((t) => ANSWER.startsWith(t))).toBe(true);
      expect((texts[0] as string).length).toBeLessThan(ANSWER.length);
      expect(partials.find((p) => p.answer !== undefined)).toMatchObject({
        covered: true,
        confidence: 'high',
      });
    });
});
