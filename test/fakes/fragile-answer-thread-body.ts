import { parentPort } from 'node:worker_threads';
import { rpcLink } from '../../src/answer-thread/rpc.js';

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
