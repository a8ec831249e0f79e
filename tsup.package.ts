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
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: false,
    target: 'node20',
    tsconfig: 'tsconfig.build.json',
    ...extra,
  };
}
