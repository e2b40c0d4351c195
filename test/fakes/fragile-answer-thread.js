// A stand-in for the answer thread that dies when asked "crash": lets a test watch AnswerThread
// supervise a thread that fails, without making the real one fail.
import { register } from 'tsx/esm/api';

register();
await import('./fragile-answer-thread-body.ts');
