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
    env: { LANCEDB_LOG: 'error' },
  },
});
