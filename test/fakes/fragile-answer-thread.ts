// A stand-in for the answer thread that dies when asked "crash": lets a test watch AnswerThread
// supervise a thread that fails, without making the real one fail.
import { parentPort } from 'node:worker_threads';
import { rpcLink } from '../../src/threads/rpc.js';

if (!parentPort) throw new Error('runs as a worker thread');
rpcLink(parentPort, {
  ready: async () => {},
  invoke: async (input: { question: string }) => {
    if (input.question === 'crash') process.exit(3);
    return { answer: `answered: ${input.question}` };
  },
  refresh: async () => {},
  close: async () => {},
});
