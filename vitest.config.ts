import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that spawn `docent` run the compiled dist/: this builds it when the sources changed.
    globalSetup: ['test/helpers/build-dist.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // LanceDB's native threads plus two cores: forks keep native state isolated per file.
    pool: 'forks',
    // Most test time is spent waiting on fake servers and child processes, so two files at once
    // on two cores (vitest's default would be one) halves the suite's wall time.
    maxWorkers: 2,
    env: { LANCEDB_LOG: 'error' },
  },
});
