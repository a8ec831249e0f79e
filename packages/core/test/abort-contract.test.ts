import { raceAbort, sleep } from '@leakproof/core';
import { describeAbortContract } from '../../../test/helpers/abort-contract.js';

describeAbortContract('sleep', {
  setup: () => undefined,
  start: (_, signal) => sleep(30, { signal }),
  release: () => {}, // the sleep ends on its own
  teardown: () => {},
});

interface Deferred {
  promise: Promise<string>;
  resolve: (value: string) => void;
}

describeAbortContract('raceAbort', {
  setup: (): Deferred => {
    let resolve!: (value: string) => void;
    const promise = new Promise<string>((r) => {
      resolve = r;
    });
    return { promise, resolve };
  },
  start: (deferred, signal) => raceAbort(deferred.promise, signal),
  release: (deferred) => deferred.resolve('done'),
  teardown: () => {},
});
