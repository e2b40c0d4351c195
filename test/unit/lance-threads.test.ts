import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ensureLanceCpuThreads } from '../../src/stores/lance/lance-threads.js';

describe('LanceDB CPU threads', () => {
  it('gives the pool at least four threads, so full-text index builds cannot wait for themselves', () => {
    const env: NodeJS.ProcessEnv = {};
    ensureLanceCpuThreads(env);
    expect(Number(env.LANCE_CPU_THREADS)).toBe(Math.max(4, availableParallelism()));
  });

  it('keeps the number an operator set', () => {
    const env: NodeJS.ProcessEnv = { LANCE_CPU_THREADS: '12' };
    ensureLanceCpuThreads(env);
    expect(env.LANCE_CPU_THREADS).toBe('12');
  });
});
