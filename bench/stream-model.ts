// The fake model of `npm run bench:stream`, in a process of its own (as a real model is): its
// 50 streams' writing must not take the event loop being measured. Tells its parent its URL,
// and on request when each call arrived and when its first token left.
import { startFakeOpenAI } from '../test/fakes/openai-server.js';
import { grounded, schemaName, scriptModel, userText } from '../test/helpers/model-brain.js';

export interface ModelCall {
  schema: string;
  /** The asker's marker in the question, `(q12)`. */
  marker: string;
  /** Epoch ms the request arrived. */
  at: number;
}

const TTFT_MS = Number(process.env.TTFT_MS);
const CHUNK_MS = Number(process.env.CHUNK_MS);
const CLASSIFY_MS = Number(process.env.CLASSIFY_MS);
const ANSWER = String(process.env.ANSWER);

const openai = await startFakeOpenAI();
scriptModel(openai, 'gpt-4o-mini', {
  classify: (prompt) => {
    const question = /New message:\n([\s\S]*)$/.exec(prompt)?.[1]?.trim() ?? prompt;
    return {
      structured: { intent: 'question', complexity: 'simple', standalone: question },
      delayMs: CLASSIFY_MS,
      usage: { prompt_tokens: 200, completion_tokens: 20 },
    };
  },
  answer: () => ({ structured: grounded(ANSWER), delayMs: TTFT_MS, chunkDelayMs: CHUNK_MS }),
});

process.on('message', (message) => {
  if (message === 'calls') {
    const calls: ModelCall[] = openai.requests.flatMap((r) => {
      const schema = r.body ? schemaName(r.body as never) : undefined;
      const marker = schema ? /\(q\d+\)/.exec(userText(r.body as never))?.[0] : undefined;
      return schema && marker ? [{ schema, marker, at: r.at }] : [];
    });
    process.send?.({ calls });
  } else if (message === 'close') void openai.close().then(() => process.exit(0));
});
process.send?.({ url: openai.url });
