// Worker threads started from the TypeScript sources (under vitest) have no TypeScript loader:
// register tsx, then run the module the thread was started for (see start-thread.ts). tsx is a
// development dependency; compiled code in dist/ starts its threads without this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
