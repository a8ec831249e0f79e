import {
  invalidArgType,
  invalidArgValue,
  type Registration,
  registerPrimitive,
  unrefTimeout,
  validateDuration,
  validateFunction,
  validateInteger,
  validateNumber,
  validateObject,
  validateOptions,
  validateString,
} from '@leakproof/core';
import { scrape } from './scrape.js';
import { byRisk, type FleetService, ServiceHistory, type TrendRules } from './service-history.js';

/** A service to watch: its status URL, or `{ url, name }`. */
export type FleetTarget = string | { readonly url: string; readonly name?: string | undefined };

/** Options of {@link watchFleet}. */
export interface WatchFleetOptions {
  /**
   * The services: each a URL of a `memoryStatusHandler()` route, or a service's base URL (a
   * bare origin gets `/status/memory`). These are the only addresses the watcher ever requests;
   * it follows no redirect.
   */
  readonly targets: readonly FleetTarget[];
  /** Time between the starts of two rounds of scrapes, in ms. @default 5000 */
  readonly intervalMs?: number | undefined;
  /** Limit of one scrape, connection to last byte, in ms. @default 2000 */
  readonly timeoutMs?: number | undefined;
  /** Scrapes in flight at once. @default 8 */
  readonly concurrency?: number | undefined;
  /** Samples kept per service (the chart's span). @default 720 */
  readonly history?: number | undefined;
  /** Latest samples the trend is judged on. @default 36 */
  readonly window?: number | undefined;
  /** Samples needed before any verdict but `warming`. @default 12 */
  readonly minSamples?: number | undefined;
  /** Time the judged samples must span, in ms. @default 60000 */
  readonly minSpanMs?: number | undefined;
  /** Robust slope above which a rising service is `leaking`, in bytes per second. @default 2048 */
  readonly trendBytesPerSecond?: number | undefined;
  /** Significance the Mann–Kendall test must reach for `leaking`. @default 0.001 */
  readonly alpha?: number | undefined;
  /** Pressure ratio at which a service is `pressure`. @default 0.85 */
  readonly pressureThreshold?: number | undefined;
  /** Consecutive failed scrapes after which a service is `unreachable`. @default 3 */
  readonly unreachableAfter?: number | undefined;
  /** Largest status body read, in bytes. @default 4194304 */
  readonly maxBodyBytes?: number | undefined;
  /** Called after every round with the ranking. */
  readonly onRound?: ((report: FleetReport) => void) | undefined;
  /** Start the timer (`false`: rounds run only when you call `tick()`). @default true */
  readonly start?: boolean | undefined;
  /** A name for the registry. */
  readonly name?: string | undefined;
}

/** The fleet, riskiest service first. */
export interface FleetReport {
  /** Watcher clock, ms since the epoch. */
  readonly at: number;
  readonly rounds: number;
  readonly services: readonly FleetService[];
}

/** Figures of a {@link FleetWatcher}. */
export interface FleetWatcherStats {
  readonly [key: string]: number;
  readonly services: number;
  readonly rounds: number;
  readonly scrapes: number;
  readonly failures: number;
  readonly leaking: number;
}

/** A running fleet watcher. Disposing stops its timer; a round in flight finishes its scrapes. */
export interface FleetWatcher extends Disposable {
  readonly name: string;
  /** Runs one round now (or joins the one in flight) and resolves with the ranking. */
  tick(): Promise<FleetReport>;
  /** The ranking from the samples held; `history: true` adds each service's samples. */
  report(options?: { readonly history?: boolean | undefined }): FleetReport;
  stats(): FleetWatcherStats;
  /** Stops watching. Idempotent. */
  dispose(): void;
}

const KNOWN = [
  'targets',
  'intervalMs',
  'timeoutMs',
  'concurrency',
  'history',
  'window',
  'minSamples',
  'minSpanMs',
  'trendBytesPerSecond',
  'alpha',
  'pressureThreshold',
  'unreachableAfter',
  'maxBodyBytes',
  'onRound',
  'start',
  'name',
] as const;

/** @internal A status URL from what a user typed: a bare origin gets `/status/memory`. */
export function statusUrl(value: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidArgValue(name, 'an absolute http(s) URL', value);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidArgValue(name, 'an absolute http(s) URL', value);
  }
  if (url.pathname === '/' && url.search === '') url.pathname = '/status/memory';
  url.hash = '';
  return url;
}

function defaultName(url: URL): string {
  return url.pathname === '/status/memory' ? url.host : `${url.host}${url.pathname}`;
}

const statsOf = (w: Fleet): FleetWatcherStats => w.stats();

class Fleet implements FleetWatcher {
  readonly name: string;
  readonly #services: ServiceHistory[];
  readonly #rules: TrendRules;
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #concurrency: number;
  readonly #maxBodyBytes: number;
  readonly #onRound: ((report: FleetReport) => void) | undefined;
  readonly #registration: Registration;
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<FleetReport> | undefined;
  #rounds = 0;
  #disposed = false;

  constructor(
    services: ServiceHistory[],
    rules: TrendRules,
    o: { intervalMs: number; timeoutMs: number; concurrency: number; maxBodyBytes: number },
    onRound: ((report: FleetReport) => void) | undefined,
    name: string | undefined,
    start: boolean,
  ) {
    this.#services = services;
    this.#rules = rules;
    this.#intervalMs = o.intervalMs;
    this.#timeoutMs = o.timeoutMs;
    this.#concurrency = o.concurrency;
    this.#maxBodyBytes = o.maxBodyBytes;
    this.#onRound = onRound;
    this.#registration = registerPrimitive<Fleet>(this, { kind: 'fleet-watcher', name, stats: statsOf });
    this.name = this.#registration.name;
    if (start) this.#schedule(0);
  }

  #schedule(delay: number): void {
    if (this.#disposed) return;
    // Housekeeping: the watcher never keeps a process alive on its own.
    this.#timer = unrefTimeout(() => {
      this.#timer = undefined;
      const started = Date.now();
      this.tick().then(
        () => this.#schedule(Math.max(0, this.#intervalMs - (Date.now() - started))),
        () => this.#schedule(this.#intervalMs),
      );
    }, delay);
  }

  tick(): Promise<FleetReport> {
    this.#round ??= this.#runRound().finally(() => {
      this.#round = undefined;
    });
    return this.#round;
  }

  async #runRound(): Promise<FleetReport> {
    let next = 0;
    const limits = { timeoutMs: this.#timeoutMs, maxBodyBytes: this.#maxBodyBytes };
    const worker = async (): Promise<void> => {
      while (next < this.#services.length) {
        const service = this.#services[next++]!;
        try {
          service.record(await scrape(service.url, limits));
        } catch (error) {
          service.fail(error);
        }
      }
    };
    const workers: Promise<void>[] = [];
    for (let i = 0; i < Math.min(this.#concurrency, this.#services.length); i++) workers.push(worker());
    await Promise.all(workers);
    this.#rounds++;
    const report = this.report();
    this.#onRound?.(report);
    return report;
  }

  report(options?: { readonly history?: boolean | undefined }): FleetReport {
    const opts = validateOptions<{ history?: boolean | undefined }>(options, 'options', ['history'], {
      owner: 'report',
    });
    const withHistory = opts.history === true;
    const now = Date.now();
    const services = this.#services
      .map((s) => s.assess(this.#rules, now, withHistory))
      .sort(byRisk)
      .map((s, i) => ({ ...s, rank: i + 1 }));
    return { at: now, rounds: this.#rounds, services };
  }

  stats(): FleetWatcherStats {
    let scrapes = 0;
    let failures = 0;
    let leaking = 0;
    const now = Date.now();
    for (const s of this.#services) {
      const a = s.assess(this.#rules, now, false);
      scrapes += a.scrapes;
      failures += a.failures;
      if (a.verdict === 'leaking') leaking++;
    }
    return { services: this.#services.length, rounds: this.#rounds, scrapes, failures, leaking };
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#registration.unregister();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

function optional<T>(value: T | undefined, fallback: T, validate: (v: unknown) => T): T {
  return value === undefined ? fallback : validate(value);
}

/**
 * Watches many services' `/status/memory` and ranks them by leak risk. Every `intervalMs` it
 * scrapes each target (at most `concurrency` at once, each within `timeoutMs` and
 * `maxBodyBytes`), keeps the heap left after each service's latest major collection in a
 * bounded history, and judges the last `window` samples with a Theil–Sen slope and a
 * Mann–Kendall test: `leaking` when the slope exceeds `trendBytesPerSecond` and the test
 * agrees at `alpha`. Its timer is unref'd: it never keeps a process alive on its own.
 *
 * @example
 * ```ts
 * using fleet = watchFleet({
 *   targets: ['http://orders:3000', { name: 'billing', url: 'http://billing:3000/status/memory' }],
 *   onRound: ({ services }) => {
 *     for (const s of services) if (s.verdict === 'leaking') log.warn(s, 'leaking');
 *   },
 * });
 * ```
 */
export function watchFleet(options: WatchFleetOptions): FleetWatcher {
  const opts = validateOptions<WatchFleetOptions>(options, 'options', KNOWN, {
    owner: 'watchFleet',
    hints: {
      interval: 'intervalMs',
      timeout: 'timeoutMs',
      threshold: 'trendBytesPerSecond',
      urls: 'targets',
    },
  });
  if (!Array.isArray(opts.targets)) throw invalidArgType('options.targets', 'an array', opts.targets);
  if (opts.targets.length === 0) throw invalidArgValue('options.targets', 'a non-empty array', opts.targets);
  if (opts.targets.length > 10_000)
    throw invalidArgValue('options.targets', 'at most 10000 targets', opts.targets);
  const history = optional(opts.history, 720, (v) =>
    validateInteger(v, 'options.history', { min: 3, max: 1_000_000 }),
  );
  const window = optional(opts.window, 36, (v) =>
    validateInteger(v, 'options.window', { min: 3, max: 10_000 }),
  );
  if (window > history)
    throw invalidArgValue('options.window', `at most options.history (${history})`, window);
  const minSamples = optional(opts.minSamples, Math.min(12, window), (v) =>
    validateInteger(v, 'options.minSamples', { min: 3, max: window }),
  );
  const rules: TrendRules = {
    window,
    minSamples,
    minSpanMs: optional(opts.minSpanMs, 60_000, (v) => validateDuration(v, 'options.minSpanMs')),
    trendBytesPerSecond: optional(opts.trendBytesPerSecond, 2048, (v) =>
      validateNumber(v, 'options.trendBytesPerSecond', 0, Number.MAX_VALUE),
    ),
    alpha: optional(opts.alpha, 0.001, (v) => validateNumber(v, 'options.alpha', Number.MIN_VALUE, 0.5)),
    pressureThreshold: optional(opts.pressureThreshold, 0.85, (v) =>
      validateNumber(v, 'options.pressureThreshold', 0, Number.MAX_VALUE),
    ),
    unreachableAfter: optional(opts.unreachableAfter, 3, (v) =>
      validateInteger(v, 'options.unreachableAfter', { min: 1, max: 1_000_000 }),
    ),
  };
  const o = {
    intervalMs: optional(opts.intervalMs, 5000, (v) => validateDuration(v, 'options.intervalMs', { min: 1 })),
    timeoutMs: optional(opts.timeoutMs, 2000, (v) => validateDuration(v, 'options.timeoutMs', { min: 1 })),
    concurrency: optional(opts.concurrency, 8, (v) =>
      validateInteger(v, 'options.concurrency', { min: 1, max: 1024 }),
    ),
    maxBodyBytes: optional(opts.maxBodyBytes, 4 * 1024 * 1024, (v) =>
      validateInteger(v, 'options.maxBodyBytes', { min: 1024, max: 2 ** 31 }),
    ),
  };
  const onRound =
    opts.onRound === undefined
      ? undefined
      : validateFunction<(report: FleetReport) => void>(opts.onRound, 'options.onRound');
  const start = optional(opts.start, true, (v) => {
    if (typeof v !== 'boolean') throw invalidArgType('options.start', 'a boolean', v);
    return v;
  });
  const name = opts.name === undefined ? undefined : validateString(opts.name, 'options.name');
  const names = new Set<string>();
  const services = opts.targets.map((target: unknown, i) => {
    const label = `options.targets[${i}]`;
    let url: URL;
    let serviceName: string | undefined;
    if (typeof target === 'string') url = statusUrl(target, label);
    else {
      const t = validateObject<{ url?: unknown; name?: unknown }>(target, label);
      url = statusUrl(validateString(t.url, `${label}.url`), `${label}.url`);
      if (t.name !== undefined) serviceName = validateString(t.name, `${label}.name`);
    }
    serviceName ??= defaultName(url);
    if (names.has(serviceName)) throw invalidArgValue(label, 'a service named only once', serviceName);
    names.add(serviceName);
    return new ServiceHistory(serviceName, url, history);
  });
  return new Fleet(services, rules, o, onRound, name, start);
}
