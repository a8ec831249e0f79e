import type { Options } from 'tsup';

/**
 * The build every package shares: ESM and CJS for Node 20 with `.d.ts`/`.d.cts`, from the
 * package's `tsconfig.build.json`. `entry` maps `dist/` names to sources; `extra` overrides.
 *
 * No source maps: the output is unminified and keeps the sources' names and structure,
 * so stack traces and debuggers are readable without them, while maps (with the
 * sources inlined, the only way they resolve from a tarball without `src/`) were more than half
 * of every tarball and recorded paths of the build machine (pnpm's store, for tsup's shims).
 */
export function packageBuild(entry: Record<string, string>, extra: Options = {}): Options {
  const { shims, ...rest } = extra;
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: false,
    target: 'node20',
    tsconfig: 'tsconfig.build.json',
    ...rest,
    ...(shims ? cjsImportMetaUrl : {}),
  };
}

/**
 * `shims: true` without tsup's shim module: in the CJS build `import.meta.url` becomes the
 * file's URL, set by a one-line banner. (tsup injects a module from its own folder instead, and
 * esbuild prints that module's path, inside pnpm's store, as a comment into `dist/`.)
 */
const cjsImportMetaUrl: Options = {
  esbuildOptions(options, { format }) {
    if (format === 'cjs') options.define = { ...options.define, 'import.meta.url': '__importMetaUrl' };
  },
  banner: ({ format }) =>
    format === 'cjs'
      ? { js: 'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' }
      : {},
};
