import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests import packages from source, so a change is tested without a rebuild.
// The longest subpaths come first: aliases match by prefix.
const alias = [
  { find: '@leakproof/pool/generic-pool', replacement: src('./packages/pool/src/generic-pool.ts') },
  { find: '@leakproof/memwatch/prometheus', replacement: src('./packages/memwatch/src/prometheus.ts') },
  ...['core', 'cache', 'events', 'pool', 'iter', 'memwatch', 'redis'].map((name) => ({
    find: `@leakproof/${name}`,
    replacement: src(`./packages/${name}/src/index.ts`),
  })),
];

// A project may bring its own global setup (the redis project starts a private cluster).
const project = (name: string, root: string) => {
  const setup = `./${root}/global-setup.ts`;
  return {
    extends: true as const,
    test: {
      name,
      include: [`${root}/**/*.test.ts`],
      ...(existsSync(src(setup)) ? { globalSetup: [setup] } : {}),
    },
  };
};

export default defineConfig({
  resolve: { alias },
  test: {
    // Forked workers with --expose-gc: memory tests force collections and read heap figures.
    pool: 'forks',
    execArgv: ['--expose-gc'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['./test/setup/global-services.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    projects: [
      ...['core', 'cache', 'events', 'pool', 'iter', 'memwatch', 'redis'].map((name) =>
        project(name, `packages/${name}/test`),
      ),
      project('examples', 'examples'),
      project('integration', 'test'),
    ],
  },
});
