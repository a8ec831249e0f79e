import type { Options } from 'tsup';

/**
 * The build every package shares: ESM and CJS for Node 20 with `.d.ts`/`.d.cts`, from the
 * package's `tsconfig.build.json`. `entry` maps `dist/` names to sources; `extra` overrides.
 */
export function packageBuild(entry: Record<string, string>, extra: Options = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    tsconfig: 'tsconfig.build.json',
    ...extra,
  };
}
