import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.package';

export default defineConfig(
  packageBuild({
    index: 'src/index.ts',
    prometheus: 'src/prometheus.ts',
    fleet: 'src/fleet.ts',
    // The `memwatch` command loads the fleet view on demand, from dist/fleet/cli.js.
    'fleet/cli': 'src/fleet/cli.ts',
    cli: 'src/bin.ts',
  }),
);
