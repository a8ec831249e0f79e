// The abort contract every signal-taking API of the workspace keeps (test/helpers/abort-contract.ts),
// run over every iter function that takes `{ signal }`: each stage (drained to its end), the
// consumers, and toReadable.
import {
  buffer,
  chunk,
  drop,
  filter,
  flatMap,
  forEach,
  from,
  map,
  mapConcurrent,
  merge,
  paginate,
  reduce,
  type Source,
  type Stage,
  type StageOptions,
  take,
  tap,
  toArray,
  toReadable,
} from '@leakproof/iter';
import { describeAbortContract } from '../../../test/helpers/abort-contract.js';
import { type Deferred, deferred } from './helpers.js';

/**
 * A source that yields `first` items at once, then waits for the gate before its last two.
 * Its reads can be pending while it is closed (as a socket's or a cursor's can); an async
 * generator stuck in an `await` could not run its `return()` until that await settled.
 */
function gated(gate: Promise<void>, first = 0): AsyncIterable<number> {
  return {
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        next: async (): Promise<IteratorResult<number>> => {
          if (i >= first) await gate;
          return i < first + 2 ? { done: false, value: i++ } : { done: true, value: undefined };
        },
        return: async () => ({ done: true, value: undefined }),
      };
    },
  };
}

interface Fixture {
  readonly gate: Deferred<void>;
  stage?: Stage<unknown>;
}

const setup = (): Fixture => ({ gate: deferred() });
const release = (f: Fixture): void => f.gate.resolve();
const teardown = async (f: Fixture): Promise<void> => {
  f.gate.resolve();
  await f.stage?.return(undefined);
};

async function drain(stage: Stage<unknown>): Promise<void> {
  for await (const _ of stage);
}

type MakeStage = (source: Source<number>, options: StageOptions, gate: Promise<void>) => Stage<unknown>;

const stages: [string, MakeStage, number?][] = [
  ['from', (s, o) => from(s, o)],
  ['map', (s, o) => map(s, (x) => x, o)],
  ['filter', (s, o) => filter(s, () => true, o)],
  ['tap', (s, o) => tap(s, () => {}, o)],
  ['take', (s, o) => take(s, 10, o)],
  ['drop', (s, o) => drop(s, 0, o)],
  ['buffer', (s, o) => buffer(s, 4, o)],
  ['chunk', (s, o) => chunk(s, { size: 10, ...o })],
  // One item arrives first, so the flush timer is armed when the abort comes: it must not outlive it.
  ['chunk (maxWaitMs armed)', (s, o) => chunk(s, { size: 10, maxWaitMs: 60_000, ...o }), 1],
  ['mapConcurrent', (s, o) => mapConcurrent(s, async (x) => x, { concurrency: 2, ...o })],
  [
    'mapConcurrent (fn waiting)',
    (s, o, gate) => mapConcurrent(s, (x) => gate.then(() => x), { concurrency: 2, ...o }),
    2,
  ],
  ['flatMap', (s, o) => flatMap(s, (x) => [x], o)],
  ['flatMap (inner source waiting)', (_s, o, gate) => flatMap([1], () => gated(gate), o)],
  ['merge', (s, o) => merge([s, [7]], o)],
  [
    'paginate',
    (_s, o, gate) =>
      paginate(
        async (after: number | undefined) => {
          await gate;
          return { items: [after ?? 0], next: null };
        },
        { limit: 1, ...o },
      ),
  ],
];

for (const [name, make, first] of stages) {
  describeAbortContract(`${name}(…, { signal }) drained`, {
    setup,
    start: (f, signal) => {
      f.stage = make(gated(f.gate.promise, first), { signal }, f.gate.promise);
      return drain(f.stage);
    },
    release,
    pending: (f) => Number(f.stage?.stats().waiting ?? 0),
    teardown,
  });
}

describeAbortContract('forEach(…, { signal })', {
  setup,
  start: (f, signal) => forEach(gated(f.gate.promise), () => {}, { signal, concurrency: 2 }),
  release,
  teardown,
});

describeAbortContract('reduce(…, { signal })', {
  setup,
  start: (f, signal) => reduce(gated(f.gate.promise), (a, x) => a + x, 0, { signal }),
  release,
  teardown,
});

describeAbortContract('toArray(…, { signal })', {
  setup,
  start: (f, signal) => toArray(gated(f.gate.promise), { max: 10, signal }),
  release,
  teardown,
});

describeAbortContract('toReadable(…, { signal }) read to its end', {
  setup,
  start: (f, signal) =>
    new Promise<void>((resolve, reject) => {
      const readable = toReadable(gated(f.gate.promise), { signal });
      readable.on('error', reject);
      readable.on('end', resolve);
      readable.resume();
    }),
  release,
  teardown,
});
