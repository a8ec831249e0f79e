// A factory whose every call can be told to succeed, throw, reject or hang, and which
// counts what the pool does with it.
import type { PoolFactory } from '@leakproof/pool';

export interface Resource {
  readonly id: number;
  destroyed: boolean;
}

export type Mode = 'ok' | 'throw' | 'reject' | 'hang';

export interface ControlledFactory {
  readonly factory: PoolFactory<Resource>;
  createMode: Mode;
  destroyMode: Mode;
  validateMode: Mode | 'false';
  /** Calls to create, destroy, validate. */
  creates: number;
  destroys: number;
  validates: number;
  /** Creates and destroys started and not settled yet. */
  creatingNow: number;
  destroyingNow: number;
  /** Resources created and not yet destroyed (by the factory's count). */
  alive: number;
  /** The highest creatingNow + alive seen. */
  peak: number;
  /** Signals the pool gave to creates. */
  readonly signals: AbortSignal[];
  /** Settles the hung creates with fresh resources. */
  resolveHungCreates(): void;
  /** Settles the hung destroys. */
  resolveHungDestroys(): void;
}

export function controlledFactory(withValidate = false): ControlledFactory {
  let nextId = 1;
  const hungCreates: Array<(r: Resource) => void> = [];
  const hungDestroys: Array<() => void> = [];
  const c: ControlledFactory = {
    createMode: 'ok',
    destroyMode: 'ok',
    validateMode: 'ok',
    creates: 0,
    destroys: 0,
    validates: 0,
    creatingNow: 0,
    destroyingNow: 0,
    alive: 0,
    peak: 0,
    signals: [],
    resolveHungCreates() {
      for (const resolve of hungCreates.splice(0)) resolve(make());
    },
    resolveHungDestroys() {
      for (const resolve of hungDestroys.splice(0)) resolve();
    },
    factory: {
      create({ signal }) {
        c.creates++;
        c.signals.push(signal);
        switch (c.createMode) {
          case 'throw':
            throw new Error(`create failed (sync) #${c.creates}`);
          case 'reject':
            return Promise.reject(new Error(`create failed #${c.creates}`));
          case 'hang':
            c.creatingNow++;
            peak();
            return new Promise<Resource>((resolve) =>
              hungCreates.push((r) => {
                c.creatingNow--;
                resolve(r);
              }),
            );
          default:
            return Promise.resolve(make());
        }
      },
      destroy(resource) {
        c.destroys++;
        resource.destroyed = true;
        switch (c.destroyMode) {
          case 'throw':
            c.alive--;
            throw new Error('destroy failed (sync)');
          case 'reject':
            c.alive--;
            return Promise.reject(new Error('destroy failed'));
          case 'hang':
            c.destroyingNow++;
            return new Promise<void>((resolve) =>
              hungDestroys.push(() => {
                c.destroyingNow--;
                c.alive--;
                resolve();
              }),
            );
          default:
            c.alive--;
            return Promise.resolve();
        }
      },
      ...(withValidate
        ? {
            validate(resource: Resource) {
              c.validates++;
              switch (c.validateMode) {
                case 'throw':
                  throw new Error('validate failed (sync)');
                case 'reject':
                  return Promise.reject(new Error('validate failed'));
                case 'hang':
                  return new Promise<boolean>(() => {});
                case 'false':
                  return false;
                default:
                  return !resource.destroyed;
              }
            },
          }
        : {}),
    },
  };
  function peak(): void {
    c.peak = Math.max(c.peak, c.alive + c.creatingNow);
  }
  function make(): Resource {
    c.alive++;
    peak();
    return { id: nextId++, destroyed: false };
  }
  return c;
}

/** Lets pending promise callbacks run (a few turns of the microtask queue and one macrotask). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Tracks a promise's outcome without ever leaving a rejection unhandled. */
export function track<T>(promise: Promise<T>): {
  settled: boolean;
  value?: T;
  error?: unknown;
  readonly promise: Promise<T>;
} {
  const t: { settled: boolean; value?: T; error?: unknown; promise: Promise<T> } = {
    settled: false,
    promise,
  };
  promise.then(
    (value) => {
      t.settled = true;
      t.value = value;
    },
    (error: unknown) => {
      t.settled = true;
      t.error = error;
    },
  );
  return t;
}

/** Checks the pool's books: every count adds up and nothing exceeds max. */
export function checkBooks(stats: {
  size: number;
  available: number;
  borrowed: number;
  validating: number;
  creating: number;
  destroying: number;
  max: number;
}): void {
  const sum = stats.available + stats.borrowed + stats.validating + stats.creating + stats.destroying;
  if (sum !== stats.size) throw new Error(`size ${stats.size} != sum ${sum}: ${JSON.stringify(stats)}`);
  if (stats.size > stats.max)
    throw new Error(`size ${stats.size} > max ${stats.max}: ${JSON.stringify(stats)}`);
  for (const [k, v] of Object.entries(stats)) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${k} = ${v}: ${JSON.stringify(stats)}`);
  }
}
