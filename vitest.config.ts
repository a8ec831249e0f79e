import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The workspace's packages: every folder of packages/ with a package.json. */
const packages = readdirSync(src('./packages'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(src(`./packages/${entry.name}/package.json`)))
  .map((entry) => entry.name);

// Tests import packages from source, so a change is tested without a rebuild: each entry of a
// package's `exports` map ("." or "./sub") maps to src/index.ts or src/sub.ts. The longest
// specifiers come first: aliases match by prefix.
const alias = packages
  .flatMap((name) => {
    const manifest = JSON.parse(readFileSync(src(`./packages/${name}/package.json`), 'utf8')) as {
      name: string;
      exports?: Record<string, unknown>;
    };
    return Object.keys(manifest.exports ?? { '.': null })
      .filter((key) => key === '.' || /^\.\/[\w-]+$/.test(key))
      .map((key) => ({
        find: key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`,
        replacement: src(`./packages/${name}/src/${key === '.' ? 'index' : key.slice(2)}.ts`),
      }));
  })
  .sort((a, b) => b.find.length - a.find.length);

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
      ...packages.map((name) => project(name, `packages/${name}/test`)),
      project('examples', 'examples'),
      project('integration', 'test'),
    ],
  },
});
