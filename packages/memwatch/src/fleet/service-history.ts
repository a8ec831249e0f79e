import { mannKendall, theilSen } from '../statistics.js';
import type { FleetPrimitive, ScrapedStatus } from './scrape.js';

/** How a service looks to the fleet watcher, worst first. */
export type FleetVerdict = 'leaking' | 'pressure' | 'unreachable' | 'warming' | 'ok';

/** The rules a verdict follows. */
export interface TrendRules {
  readonly window: number;
  readonly minSamples: number;
  readonly minSpanMs: number;
  readonly trendBytesPerSecond: number;
  readonly alpha: number;
  readonly pressureThreshold: number;
  readonly unreachableAfter: number;
}

/** One service in a {@link FleetReport}. */
export interface FleetService {
  readonly name: string;
  readonly url: string;
  readonly verdict: FleetVerdict;
  /** 1 for the riskiest service. */
  readonly rank: number;
  /** Robust (Theil–Sen) slope of the heap after collection over the window, bytes per second; `null` before two samples. */
  readonly bytesPerSecond: number | null;
  /** Mann–Kendall one-sided p-value that the window rises; `null` before `minSamples`. */
  readonly pIncreasing: number | null;
  /** Seconds until the heap (or RSS, in a container) reaches its limit at that slope; `null` when not rising. */
  readonly secondsToLimit: number | null;
  /** The latest heap after collection (or heap used, see `source`), in bytes. */
  readonly heapAfterGc: number | null;
  /** Where the samples come from: the service's `heapAfterGc`, or `heapUsed` when it reports none. */
  readonly source: 'heapAfterGc' | 'heapUsed' | null;
  readonly heapLimit: number | null;
  readonly effectiveLimit: number | null;
  readonly pressure: number | null;
  /** The biggest primitives in the last status. */
  readonly top: readonly FleetPrimitive[];
  /** Samples held (at most `history`). */
  readonly samples: number;
  /** When the verdict first turned `leaking` (watcher clock, ms since the epoch), or `null`. */
  readonly flaggedAt: number | null;
  readonly scrapes: number;
  readonly failures: number;
  /** The last scrape failure, if the last scrape failed. */
  readonly lastError: { readonly code: string; readonly message: string } | null;
  /** Sample times (service clock, ms since the epoch) and values (bytes), oldest first. */
  readonly history?: { readonly t: readonly number[]; readonly bytes: readonly number[] } | undefined;
}

/**
 * @internal One service's bounded state: a ring of `(time, heap after collection)` samples in
 * two typed arrays allocated once, and the last status reduced to a few numbers.
 */
export class ServiceHistory {
  readonly name: string;
  readonly url: URL;
  readonly #t: Float64Array;
  readonly #v: Float64Array;
  #start = 0;
  #count = 0;
  #lastGcAt = Number.NaN;
  #last: ScrapedStatus | undefined;
  #source: 'heapAfterGc' | 'heapUsed' | null = null;
  #scrapes = 0;
  #failures = 0;
  #consecutiveFailures = 0;
  #lastError: { code: string; message: string } | null = null;
  #flaggedAt: number | null = null;

  constructor(name: string, url: URL, capacity: number) {
    this.name = name;
    this.url = url;
    this.#t = new Float64Array(capacity);
    this.#v = new Float64Array(capacity);
  }

  /** Records a successful scrape; a status whose collection was already seen adds no sample. */
  record(status: ScrapedStatus): void {
    this.#scrapes++;
    this.#consecutiveFailures = 0;
    this.#lastError = null;
    this.#last = status;
    if (status.heapAfterGc !== null && status.heapAfterGcAt !== null) {
      // Only a new major collection is new evidence about the floor.
      if (status.heapAfterGcAt === this.#lastGcAt) return;
      this.#lastGcAt = status.heapAfterGcAt;
      if (this.#source !== 'heapAfterGc') this.#clear();
      this.#source = 'heapAfterGc';
      this.#push(status.heapAfterGcAt, status.heapAfterGc);
    } else {
      if (this.#source !== 'heapUsed') this.#clear();
      this.#source = 'heapUsed';
      this.#push(status.timestamp, status.heapUsed);
    }
  }

  /** Records a failed scrape. */
  fail(error: unknown): void {
    this.#scrapes++;
    this.#failures++;
    this.#consecutiveFailures++;
    const e = error as { code?: unknown; message?: unknown } | null;
    this.#lastError = {
      code: typeof e?.code === 'string' ? e.code : 'ERR_FLEET_UNREACHABLE',
      message: typeof e?.message === 'string' ? e.message : String(error),
    };
  }

  #clear(): void {
    this.#start = 0;
    this.#count = 0;
  }

  #push(t: number, v: number): void {
    const capacity = this.#t.length;
    // A clock that went backwards (a restarted service) starts a new history.
    if (this.#count > 0 && t <= this.#t[(this.#start + this.#count - 1) % capacity]!) this.#clear();
    const at = (this.#start + this.#count) % capacity;
    this.#t[at] = t;
    this.#v[at] = v;
    if (this.#count < capacity) this.#count++;
    else this.#start = (this.#start + 1) % capacity;
  }

  /** The last `n` samples, oldest first: times in ms, values in bytes. */
  #tail(n: number): { xs: number[]; ys: number[] } {
    const take = Math.min(n, this.#count);
    const xs: number[] = [];
    const ys: number[] = [];
    const capacity = this.#t.length;
    for (let i = this.#count - take; i < this.#count; i++) {
      const at = (this.#start + i) % capacity;
      xs.push(this.#t[at]!);
      ys.push(this.#v[at]!);
    }
    return { xs, ys };
  }

  /** Judges the service now; `now` is the watcher's clock. */
  assess(rules: TrendRules, now: number, withHistory: boolean): Omit<FleetService, 'rank'> {
    const last = this.#last;
    const { xs: ms, ys } = this.#tail(rules.window);
    const xs = ms.map((t) => t / 1000);
    let bytesPerSecond: number | null = null;
    let pIncreasing: number | null = null;
    if (xs.length >= 2) bytesPerSecond = theilSen(xs, ys).slope;
    const spanMs = xs.length >= 2 ? ms[ms.length - 1]! - ms[0]! : 0;
    const enough = xs.length >= rules.minSamples && spanMs >= rules.minSpanMs;
    if (enough) pIncreasing = mannKendall(ys, rules.alpha).pIncreasing;
    const rising = enough && bytesPerSecond! > rules.trendBytesPerSecond && pIncreasing! < rules.alpha;

    let secondsToLimit: number | null = null;
    const floor = ys.length > 0 ? ys[ys.length - 1]! : null;
    if (last !== undefined && floor !== null && bytesPerSecond !== null && bytesPerSecond > 0) {
      let headroom = last.heapLimit - floor;
      // In a container the kernel kills on RSS: the heap's growth is RSS growth too.
      if (last.containerLimit !== null) headroom = Math.min(headroom, last.containerLimit - last.rss);
      secondsToLimit = Math.max(0, headroom) / bytesPerSecond;
    }

    let verdict: FleetVerdict;
    if (this.#consecutiveFailures >= rules.unreachableAfter || (last === undefined && this.#failures > 0)) {
      verdict = 'unreachable';
    } else if (rising) verdict = 'leaking';
    else if (last !== undefined && last.pressure >= rules.pressureThreshold) verdict = 'pressure';
    else if (!enough) verdict = 'warming';
    else verdict = 'ok';
    if (verdict === 'leaking' && this.#flaggedAt === null) this.#flaggedAt = now;

    const service: Omit<FleetService, 'rank'> = {
      name: this.name,
      url: this.url.href,
      verdict,
      bytesPerSecond,
      pIncreasing,
      secondsToLimit,
      heapAfterGc: floor,
      source: this.#source,
      heapLimit: last?.heapLimit ?? null,
      effectiveLimit: last?.effectiveLimit ?? null,
      pressure: last?.pressure ?? null,
      top: last?.top ?? [],
      samples: this.#count,
      flaggedAt: this.#flaggedAt,
      scrapes: this.#scrapes,
      failures: this.#failures,
      lastError: this.#lastError,
    };
    if (!withHistory) return service;
    const all = this.#tail(this.#count);
    return { ...service, history: { t: all.xs, bytes: all.ys } };
  }
}

const ORDER: Record<FleetVerdict, number> = { leaking: 0, pressure: 1, unreachable: 2, warming: 3, ok: 3 };

/** @internal Riskiest first: leaking by time to limit, then pressure, unreachable, the rest by slope. */
export function byRisk(a: Omit<FleetService, 'rank'>, b: Omit<FleetService, 'rank'>): number {
  const order = ORDER[a.verdict] - ORDER[b.verdict];
  if (order !== 0) return order;
  if (a.verdict === 'leaking') {
    const ta = a.secondsToLimit ?? Number.POSITIVE_INFINITY;
    const tb = b.secondsToLimit ?? Number.POSITIVE_INFINITY;
    if (ta !== tb) return ta - tb;
  }
  if (a.verdict === 'pressure') return (b.pressure ?? 0) - (a.pressure ?? 0);
  return (
    (b.bytesPerSecond ?? Number.NEGATIVE_INFINITY) - (a.bytesPerSecond ?? Number.NEGATIVE_INFINITY) ||
    a.name.localeCompare(b.name)
  );
}
