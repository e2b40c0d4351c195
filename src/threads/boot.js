// Worker threads start without the main thread's TypeScript loader: register it, then run the
// module the thread was started for (see start-thread.ts).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
