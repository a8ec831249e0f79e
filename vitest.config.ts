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

// Coverage of each package's src/ by the whole suite (`pnpm test` runs with --coverage): the
// floor per package sits at the level measured when it was set, so coverage can only go up.
// Raise a floor when a package's figure rises; never lower one to let a change in.
// memwatch is lower because its CLI, fleet watcher and profiling route are exercised in child
// processes (from dist/), which v8 coverage of the test workers does not see.
const coverageFloors: Record<
  string,
  { lines: number; statements: number; functions: number; branches: number }
> = {
  core: { lines: 92, statements: 91, functions: 91, branches: 93 },
  cache: { lines: 93, statements: 90, functions: 91, branches: 84 },
  events: { lines: 95, statements: 92, functions: 94, branches: 85 },
  iter: { lines: 97, statements: 95, functions: 93, branches: 91 },
  memwatch: { lines: 78, statements: 75, functions: 78, branches: 67 },
  pool: { lines: 96, statements: 95, functions: 96, branches: 89 },
  redis: { lines: 94, statements: 91, functions: 93, branches: 84 },
};
for (const name of packages) {
  if (!(name in coverageFloors)) throw new Error(`vitest.config.ts: no coverage floor for packages/${name}`);
}

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
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: './coverage',
      thresholds: Object.fromEntries(
        Object.entries(coverageFloors).map(([name, floor]) => [`packages/${name}/src/**/*.ts`, floor]),
      ),
    },
    projects: [
      ...packages.map((name) => project(name, `packages/${name}/test`)),
      project('examples', 'examples'),
      project('integration', 'test'),
    ],
  },
});
