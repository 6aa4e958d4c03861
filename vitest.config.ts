import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql@16 ships CJS (main) and ESM (module) builds. Node loads the CJS one for Pothos and
    // yoga; Vite would give our files the ESM one, and two copies of graphql refuse each other's
    // types ("from another module or realm"). Pin everything to the copy Node uses.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Every file fails when a mutation answered an error its union does not declare.
    setupFiles: ['test/support/error-contract-guard.ts'],
    // Each test file opens its own database (in-memory PGlite, or a fresh PostgreSQL database when
    // TEST_DATABASE_URL is set). Two cores: two files at a time.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
