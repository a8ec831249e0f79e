// The soak: the service under mixed load for a while, with faults injected on a schedule,
// memory measured with memwatch after forced GC between load slices, and every resource
// accounted for at the end. Shared by the 60-second test and the 10-minute `pnpm soak`.
import { type GrowthMeasurement, measureGrowth } from '@leakproof/memwatch';
import {
  DEFAULT_DATABASE_URL,
  hasRedisServer,
  type PrivateRedis,
  startPrivateRedis,
  tcpAnswers,
} from '../setup/services.js';
import { restartRedis, terminateBackends } from './faults.js';
import { createLoad, type LoadStats } from './load.js';
import { startSoakService } from './service.js';

export interface SoakOptions {
  readonly durationMs: number;
  /** Load runs in slices of this length; memory is sampled between slices. @default 1000 */
  readonly sliceMs?: number;
  readonly concurrency?: number;
  readonly log?: (line: string) => void;
}

export interface SoakReport {
  readonly growth: GrowthMeasurement;
  /** Retained bytes per request: Theil–Sen slope of memwatch's post-GC samples over requests served. */
  readonly bytesPerRequest: number;
  readonly load: LoadStats;
  readonly serviceErrors: readonly string[];
  readonly faults: readonly string[];
  readonly storedOrders: number;
  readonly busListenersAtEnd: number;
  readonly poolBorrowedAtEnd: number;
  readonly clientsAtEnd: number;
  readonly slowConsumerSeen: number;
  readonly connectionErrors: number;
  readonly cacheDegraded: number;
  readonly drains: number;
  readonly cacheStats: Readonly<Record<string, number>>;
  /** The largest figures seen while the load ran (sampled every 50 ms). */
  readonly peaks: { busListeners: number; poolSize: number; clients: number; l1Size: number };
  readonly resourcesBefore: Record<string, number>;
  readonly resourcesAfter: Record<string, number>;
}

const PRODUCTS = 2_000;

/** Median of the pairwise slopes: robust to a sample taken during a fault. */
function theilSen(xs: readonly number[], ys: readonly number[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      const dx = xs[j]! - xs[i]!;
      if (dx > 0) slopes.push((ys[j]! - ys[i]!) / dx);
    }
  }
  slopes.sort((a, b) => a - b);
  return slopes[slopes.length >> 1] ?? 0;
}

/** What keeps the event loop alive, counted by kind (`TCPSocketWrap`, `Timeout`, ...). */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const sliceMs = options.sliceMs ?? 1_000;
  const log = options.log ?? (() => {});
  const resourcesBefore = activeResources();
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  if (!hasRedisServer()) {
    throw new Error(
      'The soak restarts a private Redis: put redis-server on the PATH (apt-get install -y redis-server)',
    );
  }
  if (!(await tcpAnswers(databaseUrl, 5432))) {
    throw new Error(
      `The soak needs PostgreSQL at DATABASE_URL (${databaseUrl}); start one or set DATABASE_URL`,
    );
  }
  // A private Redis: the soak restarts it, which must not disturb anyone else's tests.
  let redis: PrivateRedis = await startPrivateRedis();
  const id = `soak_${process.pid}_${Date.now().toString(36)}`;
  const service = await startSoakService({ databaseUrl, redisUrl: redis.url, id, products: PRODUCTS });
  let priceTotal = 0;
  for (let i = 1; i <= PRODUCTS; i++) priceTotal += (i * 37) % 1_000;
  const load = createLoad(service.url, { products: PRODUCTS, priceTotal }, options.concurrency ?? 8);

  const slices = Math.max(8, Math.round(options.durationMs / sliceMs));
  // The first ~30% (at most 30 slices) warms up: JIT code, the L1 filling to its bound, pool
  // connections, one rehearsal of each fault.
  const warmup = Math.max(2, Math.min(30, Math.round(slices * 0.3)));
  const faultEvery = Math.max(4, Math.round(10_000 / sliceMs));
  const faults: string[] = [];
  // Requests served at the end of each slice; the last ones line up with memwatch's samples
  // (its warm-up may extend itself until memory settles).
  const served: number[] = [];
  let slice = 0;

  // Each kind of fault is rehearsed once in the warm-up (its error paths allocate once, the
  // first time), then faults alternate every ~10 s, none in the last three slices (the
  // service must be seen to recover).
  const rehearsals = new Map([
    [1, 'redis'],
    [Math.max(2, warmup - 3), 'pg'],
  ]);
  const faultFor = (k: number): (() => Promise<void>) | undefined => {
    let kind = rehearsals.get(k);
    const since = k - warmup - 2;
    if (since >= 0 && since % faultEvery === 0 && k < slices - 3)
      kind = (since / faultEvery) % 2 === 0 ? 'redis' : 'pg';
    if (kind === 'redis') {
      return async () => {
        redis = await restartRedis(redis, 500);
        faults.push(`slice ${k}: Redis restarted`);
      };
    }
    if (kind === 'pg') {
      return async () => {
        const killed = await terminateBackends(databaseUrl, id);
        faults.push(`slice ${k}: ${killed} PostgreSQL connections terminated`);
      };
    }
    return undefined;
  };

  const peaks = { busListeners: 0, poolSize: 0, clients: 0, l1Size: 0 };
  const sampler = setInterval(() => {
    peaks.busListeners = Math.max(peaks.busListeners, service.bus.listenerCount('price'));
    peaks.poolSize = Math.max(peaks.poolSize, service.db.pool.stats().size);
    peaks.clients = Math.max(peaks.clients, service.clients.size);
    peaks.l1Size = Math.max(peaks.l1Size, service.cache.tiered.stats().l1Size);
  }, 50);

  try {
    const growth = await measureGrowth(
      async () => {
        const k = slice++;
        const fault = faultFor(k)?.();
        const requests = await load.runFor(sliceMs);
        await fault;
        served.push(load.stats.requests);
        log(
          `slice ${k + 1} (of ${slices} or a few more): ${requests} requests, heap before GC ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)} MiB`,
        );
      },
      { samples: slices - warmup, opsPerSample: 1, warmup, memory: 'heap' },
    );
    const { rows } = await service.db.query<{ n: number }>(
      `select count(*)::int as n from ${service.tables.orders}`,
    );
    const stats = service.db.pool.stats();
    clearInterval(sampler);
    const report = {
      growth,
      peaks,
      bytesPerRequest: theilSen(served.slice(-growth.samples.length), growth.samples),
      load: load.stats,
      serviceErrors: service.errors,
      faults,
      storedOrders: rows[0]?.n ?? -1,
      busListenersAtEnd: 0,
      poolBorrowedAtEnd: stats.borrowed,
      clientsAtEnd: service.clients.size,
      slowConsumerSeen: service.slowConsumer().seen,
      connectionErrors: service.db.connectionErrors(),
      cacheDegraded: service.cacheDegraded(),
      drains: service.drains(),
      cacheStats: service.cache.tiered.stats(),
    };
    load.close();
    await service.close();
    report.busListenersAtEnd = service.bus.listenerCount('price');
    await redis.stop();
    // Let closed sockets and exited children finish their callbacks before counting.
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { ...report, resourcesBefore, resourcesAfter: activeResources() };
  } finally {
    clearInterval(sampler);
    load.close();
    await service.close().catch(() => {});
    await redis.stop();
  }
}
