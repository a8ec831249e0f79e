import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.package';

export default defineConfig(
  packageBuild(
    { index: 'src/index.ts' },
    // `import.meta.url` (used to load the optional ioredis peer lazily) in the CJS build.
    { shims: true },
  ),
);
