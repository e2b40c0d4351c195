import { type Tracer, trace } from '@opentelemetry/api';
import type { ModelPrice } from '../../src/config.js';
import type { AnswerCache } from '../../src/core/ports/answer-cache.js';
import type {
  CallOptions,
  LanguageModel,
  ModelReply,
  ModelTiers,
} from '../../src/core/ports/language-model.js';
import { costOf } from './pricing.js';
import { inSpan } from './spans.js';

/** A client's time-out and the question's deadline both end a call by aborting it. */
const timedOut = (error: unknown) =>
  error instanceof Error && /timeout|timed out|abort/i.test(`${error.name} ${error.message}`);

/**
 * Each model call in a span of its own, named and described as OpenTelemetry's generative-AI
 * conventions say (`chat <model>`, `gen_ai.usage.*`), with the prompt's size, the cost and how
 * the call ended: ok, timeout or error.
 */
export function tracedModels(
  models: ModelTiers,
  tracer: Tracer,
  prices: Record<string, ModelPrice>,
): ModelTiers {
  const wrap = (model: LanguageModel | undefined) => model && new TracedModel(model, tracer, prices);
  return { cheap: wrap(models.cheap), strong: wrap(models.strong) };
}

class TracedModel implements LanguageModel {
  readonly name: string;

  constructor(
    private readonly model: LanguageModel,
    private readonly tracer: Tracer,
    private readonly prices: Record<string, ModelPrice>,
  ) {
    this.name = model.name;
  }

  classify(system: string, prompt: string, options?: CallOptions) {
    return this.call('classify', system, prompt, () => this.model.classify(system, prompt, options));
  }

  answer(system: string, prompt: string, options?: CallOptions) {
    return this.call('answer', system, prompt, () => this.model.answer(system, prompt, options));
  }

  private call<T>(purpose: string, system: string, prompt: string, run: () => Promise<ModelReply<T>>) {
    const attributes = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': this.name,
      'docent.model.purpose': purpose,
      'docent.prompt.chars': system.length + prompt.length,
    };
    return inSpan(this.tracer, `chat ${this.name}`, attributes, async (span) => {
      try {
        const reply = await run();
        span.setAttributes({
          'gen_ai.usage.input_tokens': reply.usage.input,
          'gen_ai.usage.output_tokens': reply.usage.output,
          'docent.cost_usd': costOf(this.name, reply.usage, this.prices),
          'docent.model.outcome': 'ok',
        });
        return reply;
      } catch (error) {
        span.setAttribute('docent.model.outcome', timedOut(error) ? 'timeout' : 'error');
        throw error;
      }
    });
  }
}

/** Marks the step that wrote the answer cache: its span says the answer was stored. */
export function tracedAnswerCache(cache: AnswerCache): AnswerCache {
  return {
    get: (key) => cache.get(key),
    async set(key, value) {
      await cache.set(key, value);
      trace
        .getActiveSpan()
        ?.setAttributes({ 'docent.cache.decision': 'stored', 'docent.cache.reason': 'a grounded answer' });
    },
    flush: () => cache.flush(),
    close: () => cache.close(),
  };
}
