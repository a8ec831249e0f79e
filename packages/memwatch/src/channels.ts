import { diagnosticsChannel } from '@leakproof/core';

/** `leakproof:memwatch:trend`: a watcher saw memory rising. */
export const trendChannel = diagnosticsChannel('memwatch', 'trend');
/** `leakproof:memwatch:pressure`: a watcher saw pressure cross its threshold. */
export const pressureChannel = diagnosticsChannel('memwatch', 'pressure');
/** `leakproof:memwatch:compact`: the governor compacted a primitive. */
export const compactChannel = diagnosticsChannel('memwatch', 'compact');
