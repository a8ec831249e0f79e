import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.package';

export default defineConfig(
  packageBuild({ index: 'src/index.ts', prometheus: 'src/prometheus.ts', cli: 'src/bin.ts' }),
);
