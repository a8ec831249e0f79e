/**
 * `@leakproof/memwatch/prometheus`: leakproof figures as Prometheus metrics on a prom-client
 * `Registry`. prom-client is an optional peer dependency, loaded on first use.
 */

import v8 from 'node:v8';
import {
  invalidArgType,
  invalidArgValue,
  listPrimitives,
  type PrimitiveInfo,
  validateNumber,
  validateObject,
  validateOptions,
  validateString,
} from '@leakproof/core';
import type { Registry } from 'prom-client';
import { heapAfterGc, trackHeapAfterGc } from './heap-after-gc.js';
import { loadPromClient, type PromClientModule } from './load-prom-client.js';
import { memoryStatus } from './memory-status.js';

export type { PromClientModule } from './load-prom-client.js';

/** Options of {@link registerMetrics}. */
export interface RegisterMetricsOptions {
  /** Prefix of every metric name. @default 'leakproof_' */
  readonly prefix?: string | undefined;
  /** The prom-client module to use, when you load it yourself (bundlers, several copies). */
  readonly client?: PromClientModule | undefined;
  /** Overrides the container limit of the pressure reading (see `memoryStatus`). */
  readonly containerLimit?: number | undefined;
}

/** The metrics {@link registerMetrics} added; disposing removes them from the registry. */
export interface MetricsBinding extends Disposable {
  /** The names of the metrics registered. */
  readonly names: readonly string[];
  /** Removes every metric this call registered. Idempotent. */
  unregister(): void;
}

type Kind = 'counter' | 'gauge';
interface Definition {
  /** Metric name without the prefix. */
  readonly name: string;
  readonly help: string;
  readonly type: Kind;
  /** Primitive kinds it applies to. */
  readonly kinds: readonly string[];
  /** The stats keys to read, first present wins. */
  readonly stats: readonly string[];
}

const CACHE_KINDS = ['cache', 'set', 'memory-cache'];
const DEFINITIONS: readonly Definition[] = [
  {
    name: 'cache_hits_total',
    help: 'Cache lookups that found a value.',
    type: 'counter',
    kinds: CACHE_KINDS,
    stats: ['hits'],
  },
  {
    name: 'cache_misses_total',
    help: 'Cache lookups that found nothing.',
    type: 'counter',
    kinds: CACHE_KINDS,
    stats: ['misses'],
  },
  {
    name: 'cache_evictions_total',
    help: 'Entries pushed out by a bound or shed under memory pressure.',
    type: 'counter',
    kinds: CACHE_KINDS,
    stats: ['evictions'],
  },
  { name: 'cache_size', help: 'Entries held.', type: 'gauge', kinds: CACHE_KINDS, stats: ['size'] },
  { name: 'cache_bytes', help: 'Estimated bytes held.', type: 'gauge', kinds: CACHE_KINDS, stats: ['bytes'] },
  {
    name: 'pool_size',
    help: 'Resources alive, idle or borrowed.',
    type: 'gauge',
    kinds: ['pool'],
    stats: ['size'],
  },
  { name: 'pool_borrowed', help: 'Resources lent out.', type: 'gauge', kinds: ['pool'], stats: ['borrowed'] },
  {
    name: 'pool_pending',
    help: 'Acquires waiting for a resource.',
    type: 'gauge',
    kinds: ['pool'],
    stats: ['pending'],
  },
  {
    name: 'pool_timeouts_total',
    help: 'Acquires that timed out.',
    type: 'counter',
    kinds: ['pool'],
    stats: ['acquireTimeouts', 'timeouts'],
  },
  {
    name: 'emitter_listeners',
    help: 'Listeners attached.',
    type: 'gauge',
    kinds: ['emitter'],
    stats: ['listeners'],
  },
];

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Registers leakproof's metrics on a prom-client `Registry`: per-primitive series labelled
 * `kind` and `name` (cache hits/misses/evictions/size/bytes, pool size/borrowed/pending/
 * timeouts, emitter listeners), every registered primitive's stats as
 * `<prefix>primitive_stat{kind,name,stat}`, the process's memory pressure and limits, the heap
 * left after the last major collection, and each `watchMemory` watcher's robust growth rate and
 * trend verdict (labelled `name`). Values are
 * read from core's weak registry at scrape time, so the metrics hold no primitive alive and a
 * disposed primitive's series disappear at the next scrape.
 *
 * @example
 * ```ts
 * import { Registry } from 'prom-client';
 * import { registerMetrics } from '@leakproof/memwatch/prometheus';
 * const registry = new Registry();
 * await registerMetrics(registry, { prefix: 'app_' });
 * ```
 */
export async function registerMetrics(
  registry: Registry,
  options?: RegisterMetricsOptions,
): Promise<MetricsBinding> {
  const reg = validateObject<Registry>(registry, 'registry');
  if (typeof reg.registerMetric !== 'function' || typeof reg.removeSingleMetric !== 'function') {
    throw invalidArgType('registry', 'a prom-client Registry', registry);
  }
  const opts = validateOptions<RegisterMetricsOptions>(
    options,
    'options',
    ['prefix', 'client', 'containerLimit'],
    {
      owner: 'registerMetrics',
    },
  );
  const prefix =
    opts.prefix === undefined ? 'leakproof_' : validateString(opts.prefix, 'options.prefix', true);
  if (prefix !== '' && !NAME.test(prefix)) {
    throw invalidArgValue('options.prefix', 'a valid Prometheus metric name prefix', prefix);
  }
  const containerLimit =
    opts.containerLimit === undefined
      ? undefined
      : validateNumber(opts.containerLimit, 'options.containerLimit', 0, Number.MAX_VALUE);
  if (opts.client !== undefined) validateObject(opts.client, 'options.client');
  const client =
    opts.client === undefined ? await loadPromClient() : await loadPromClient(async () => opts.client);

  // One registry walk per scrape, shared by every metric's collect().
  let snapshot: PrimitiveInfo[] | undefined;
  const primitives = (): PrimitiveInfo[] => {
    if (snapshot === undefined) {
      snapshot = listPrimitives();
      // prom-client calls every collect() synchronously within one scrape.
      queueMicrotask(() => {
        snapshot = undefined;
      });
    }
    return snapshot;
  };

  const registered: string[] = [];
  try {
    // One unlabelled figure of the whole process, read at scrape time.
    const processGauge = (name: string, help: string, read: () => number): void => {
      new client.Gauge({
        name: `${prefix}${name}`,
        help,
        registers: [reg],
        collect() {
          this.set(read());
        },
      });
      registered.push(`${prefix}${name}`);
    };
    for (const def of DEFINITIONS) {
      const read = (info: PrimitiveInfo): number | undefined => {
        if (!def.kinds.includes(info.kind)) return undefined;
        // A stat that is not a finite number (a primitive's bug, `Infinity`) is left out of the
        // series: one bad figure must never make the whole scrape throw.
        for (const key of def.stats) {
          const value = info.stats[key];
          if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
        }
        return undefined;
      };
      const name = `${prefix}${def.name}`;
      if (def.type === 'gauge') {
        new client.Gauge({
          name,
          help: def.help,
          labelNames: ['kind', 'name'],
          registers: [reg],
          collect() {
            this.reset();
            for (const info of primitives()) {
              const value = read(info);
              if (value !== undefined) this.set({ kind: info.kind, name: info.name }, value);
            }
          },
        });
      } else {
        new client.Counter({
          name,
          help: def.help,
          labelNames: ['kind', 'name'],
          registers: [reg],
          collect() {
            this.reset();
            for (const info of primitives()) {
              const value = read(info);
              if (value !== undefined && value >= 0) this.inc({ kind: info.kind, name: info.name }, value);
            }
          },
        });
      }
      registered.push(name);
    }
    new client.Gauge({
      name: `${prefix}primitive_stat`,
      help: 'Every figure a live leakproof primitive reports in stats().',
      labelNames: ['kind', 'name', 'stat'],
      registers: [reg],
      collect() {
        this.reset();
        for (const info of primitives()) {
          for (const [stat, value] of Object.entries(info.stats)) {
            if (Number.isFinite(value)) this.set({ kind: info.kind, name: info.name, stat }, value);
          }
        }
      },
    });
    registered.push(`${prefix}primitive_stat`);
    new client.Gauge({
      name: `${prefix}primitives`,
      help: 'Live leakproof primitives, by kind.',
      labelNames: ['kind'],
      registers: [reg],
      collect() {
        this.reset();
        const counts = new Map<string, number>();
        for (const info of primitives()) counts.set(info.kind, (counts.get(info.kind) ?? 0) + 1);
        for (const [kind, count] of counts) this.set({ kind }, count);
      },
    });
    registered.push(`${prefix}primitives`);
    const statusOptions = { primitives: false, ...(containerLimit === undefined ? {} : { containerLimit }) };
    processGauge(
      'memory_pressure_ratio',
      'The larger of heap used over the heap limit and RSS over the container limit.',
      () => memoryStatus(statusOptions).pressure,
    );
    processGauge(
      'memory_effective_limit_bytes',
      'The smaller of the V8 heap limit and the container memory limit.',
      () => memoryStatus(statusOptions).effectiveLimit,
    );
    processGauge(
      'heap_limit_bytes',
      "V8's heap limit (--max-old-space-size or its default).",
      () => v8.getHeapStatistics().heap_size_limit,
    );
    processGauge(
      'heap_after_gc_bytes',
      'Heap used right after the last major collection V8 ran on its own (NaN until the first).',
      () => heapAfterGc()?.bytes ?? Number.NaN,
    );
    new client.Gauge({
      name: `${prefix}heap_growth_bytes_per_second`,
      help: 'Robust (Theil-Sen) slope of the heap after major collections over a watchMemory window.',
      labelNames: ['name'],
      registers: [reg],
      collect() {
        this.reset();
        for (const info of primitives()) {
          const { windows, lastBytesPerSecond } = info.stats;
          if (info.kind !== 'memory-watcher' || !(windows! > 0) || !Number.isFinite(lastBytesPerSecond))
            continue;
          this.set({ name: info.name }, lastBytesPerSecond!);
        }
      },
    });
    registered.push(`${prefix}heap_growth_bytes_per_second`);
    new client.Gauge({
      name: `${prefix}heap_trend`,
      help: "watchMemory's verdict on its last window (Mann-Kendall): 1 rising, 0 no trend, -1 falling.",
      labelNames: ['name'],
      registers: [reg],
      collect() {
        this.reset();
        for (const info of primitives()) {
          const { windows, lastTrend } = info.stats;
          if (info.kind !== 'memory-watcher' || !(windows! > 0) || !Number.isFinite(lastTrend)) continue;
          this.set({ name: info.name }, lastTrend!);
        }
      },
    });
    registered.push(`${prefix}heap_trend`);
  } catch (error) {
    // A name clash (say, registered twice) leaves nothing half-registered.
    for (const name of registered) reg.removeSingleMetric(name);
    throw error;
  }

  // `heap_after_gc_bytes` needs the process to observe major collections while registered.
  const untrack = trackHeapAfterGc();
  let active = true;
  const unregister = (): void => {
    if (!active) return;
    active = false;
    untrack();
    for (const name of registered) reg.removeSingleMetric(name);
  };
  return { names: [...registered], unregister, [Symbol.dispose]: unregister };
}
