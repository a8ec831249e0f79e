import { BoundedMap, SingleFlight } from '@leakproof/cache';
import { describeAbortContract } from '../../../test/helpers/abort-contract.js';

interface Fixture {
  map: BoundedMap<string, number>;
  resolve: (value: number) => void;
}

function mapWithPendingLoad(): Fixture & { loader: () => Promise<number> } {
  let resolve!: (value: number) => void;
  const pending = new Promise<number>((r) => {
    resolve = r;
  });
  return {
    map: new BoundedMap<string, number>({ max: 10 }),
    resolve: (v) => resolve(v),
    loader: () => pending,
  };
}

describeAbortContract('BoundedMap.getOrLoad', {
  setup: mapWithPendingLoad,
  start: (f, signal) => f.map.getOrLoad('k', f.loader, { signal }),
  release: (f) => f.resolve(1),
  pending: (f) => f.map.stats().inflight,
  teardown: (f) => f.map.dispose(),
});

describeAbortContract('BoundedMap.getOrLoad (a second caller joining a load in flight)', {
  setup: () => {
    const f = { ...mapWithPendingLoad(), released: false };
    // A first caller without a signal keeps the load alive: the contract is about the second.
    f.map.getOrLoad('k', f.loader).catch(() => {});
    return f;
  },
  start: (f, signal) => f.map.getOrLoad('k', f.loader, { signal }),
  release: async (f) => {
    f.resolve(1);
    await f.map.getOrLoad('k', f.loader); // the load has settled
    f.released = true;
  },
  // The first caller's load stays in flight until released; nothing more may.
  pending: (f) => f.map.stats().inflight - (f.released ? 0 : 1),
  teardown: (f) => f.map.dispose(),
});

interface FlightFixture {
  flights: SingleFlight<string, number>;
  resolve: (value: number) => void;
  pending: Promise<number>;
}

describeAbortContract('SingleFlight.run', {
  setup: (): FlightFixture => {
    let resolve!: (value: number) => void;
    const pending = new Promise<number>((r) => {
      resolve = r;
    });
    return { flights: new SingleFlight<string, number>(), resolve, pending };
  },
  start: (f, signal) => f.flights.run('k', () => f.pending, signal),
  release: (f) => f.resolve(1),
  pending: (f) => f.flights.size,
  teardown: (f) => f.flights.abortAll(new Error('teardown')),
});
