import { defineConfig } from 'vitest/config';

// Forked workers with --expose-gc, so a test can force a collection and read heap figures.
export default defineConfig({
  test: { pool: 'forks', execArgv: ['--expose-gc'], testTimeout: 30_000, hookTimeout: 60_000 },
});
