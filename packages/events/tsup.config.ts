import { defineConfig } from 'tsup';

// ESM and CJS come from different entries: the ESM build has named exports plus a default,
// while `require('@leakproof/events')` must return the EventEmitter constructor itself
// (as `require('events')` does), so the CJS entry assigns it to `module.exports`.
export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: false, // as every package (tsup.package.ts says why)
    target: 'node20',
    tsconfig: 'tsconfig.build.json',
  },
  {
    entry: { index: 'src/cjs.ts' },
    format: ['cjs'],
    dts: false,
    clean: false,
    sourcemap: false,
    target: 'node20',
    tsconfig: 'tsconfig.build.json',
    // cjs.ts assigns module.exports on purpose.
    esbuildOptions(options) {
      options.logOverride = { 'commonjs-variable-in-esm': 'silent' };
    },
  },
]);
