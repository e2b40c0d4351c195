import type {
  AnswerOutput,
  ClassificationOutput,
  LanguageModel,
  ModelReply,
} from '../../src/core/ports/language-model.js';

/** An in-process model with scripted replies and no latency: isolates the pipeline's own time. */
export class ScriptedModel implements LanguageModel {
  calls = 0;
  readonly prompts: string[] = [];

  constructor(
    readonly name: string,
    private readonly script: { classification?: Partial<ClassificationOutput>; answer?: AnswerOutput } = {},
  ) {}

  async classify(_system: string, prompt: string): Promise<ModelReply<ClassificationOutput>> {
    this.calls++;
    this.prompts.push(prompt);
    const question = /New message:\n([\s\S]*)$/.exec(prompt)?.[1]?.trim() ?? prompt;
    return {
      value: {
        intent: 'question',
        complexity: 'simple',
        standalone: question,
        ...this.script.classification,
      },
      usage: { input: 300, output: 30 },
    };
  }

  async answer(): Promise<ModelReply<AnswerOutput>> {
    this.calls++;
    return {
      value: this.script.answer ?? {
        answer: 'From the documents [1].',
        cited: [1],
        covered: true,
        confidence: 'high',
      },
      usage: { input: 1200, output: 120 },
    };
  }
}
