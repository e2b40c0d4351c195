// Worker threads start without the main thread's TypeScript loader: register it, then run the thread.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
