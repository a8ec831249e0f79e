import http from 'node:http';
import https from 'node:https';
import { fleetError } from './fleet-errors.js';

/** A primitive as the fleet watcher keeps it: the figures that rank "biggest". */
export interface FleetPrimitive {
  readonly kind: string;
  readonly name: string;
  readonly bytes: number | null;
  readonly size: number | null;
}

/** What one scrape of `/status/memory` yields, reduced to what the watcher keeps. */
export interface ScrapedStatus {
  /** The service's clock when it answered (ms since the epoch). */
  readonly timestamp: number;
  readonly heapUsed: number;
  /** `null` when the service does not observe collections (older memwatch, or none yet). */
  readonly heapAfterGc: number | null;
  readonly heapAfterGcAt: number | null;
  readonly heapLimit: number;
  readonly rss: number;
  readonly containerLimit: number | null;
  readonly effectiveLimit: number;
  readonly pressure: number;
  /** The three biggest primitives, by bytes then entries. */
  readonly top: readonly FleetPrimitive[];
}

/** How one scrape is bounded. */
export interface ScrapeLimits {
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
}

const TOP = 3;

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function topPrimitives(list: unknown): FleetPrimitive[] {
  if (!Array.isArray(list)) return [];
  const out: FleetPrimitive[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const { kind, name, stats } = item as { kind?: unknown; name?: unknown; stats?: unknown };
    const s = (typeof stats === 'object' && stats !== null ? stats : {}) as Record<string, unknown>;
    const p: FleetPrimitive = {
      kind: typeof kind === 'string' ? kind.slice(0, 64) : '?',
      name: typeof name === 'string' ? name.slice(0, 128) : '?',
      bytes: finite(s.bytes),
      size: finite(s.size),
    };
    if (p.bytes === null && p.size === null) continue;
    // Keep the list at TOP entries as we go: a status with thousands of primitives costs no more.
    out.push(p);
    out.sort((a, b) => (b.bytes ?? -1) - (a.bytes ?? -1) || (b.size ?? -1) - (a.size ?? -1));
    if (out.length > TOP) out.length = TOP;
  }
  return out;
}

/** @internal Reads the figures the watcher needs out of a parsed `memoryStatus()` body. */
export function parseStatus(body: unknown): ScrapedStatus {
  if (typeof body !== 'object' || body === null) throw fleetError('ERR_FLEET_BAD_STATUS', { field: 'body' });
  const b = body as Record<string, unknown>;
  const heapUsed = finite(b.heapUsed);
  if (heapUsed === null || heapUsed < 0) throw fleetError('ERR_FLEET_BAD_STATUS', { field: 'heapUsed' });
  const heapLimit = finite(b.heapLimit);
  if (heapLimit === null || heapLimit <= 0) throw fleetError('ERR_FLEET_BAD_STATUS', { field: 'heapLimit' });
  const heapAfterGc = finite(b.heapAfterGc);
  const heapAfterGcAt = finite(b.heapAfterGcAt);
  const containerLimit = finite(b.containerLimit);
  const rss = finite(b.rss) ?? 0;
  return {
    timestamp: finite(b.timestamp) ?? Date.now(),
    heapUsed,
    heapAfterGc: heapAfterGc !== null && heapAfterGcAt !== null ? heapAfterGc : null,
    heapAfterGcAt: heapAfterGc !== null && heapAfterGcAt !== null ? heapAfterGcAt : null,
    heapLimit,
    rss,
    containerLimit: containerLimit !== null && containerLimit > 0 ? containerLimit : null,
    effectiveLimit: finite(b.effectiveLimit) ?? heapLimit,
    pressure: finite(b.pressure) ?? heapUsed / heapLimit,
    top: topPrimitives(b.primitives),
  };
}

/**
 * @internal GETs `url` once, on a fresh connection, following no redirect, within `timeoutMs`
 * for the whole exchange and `maxBodyBytes` of body. The timer settles a promise the round
 * awaits, so it is a plain timer, cleared the moment the exchange ends.
 */
export function scrape(url: URL, limits: ScrapeLimits): Promise<ScrapedStatus> {
  return new Promise<ScrapedStatus>((resolve, reject) => {
    const get = url.protocol === 'https:' ? https.get : http.get;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (error: Error | undefined, value?: ScrapedStatus): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error === undefined) resolve(value!);
      else {
        request.destroy();
        reject(error);
      }
    };
    const request = get(url, { agent: false, headers: { accept: 'application/json' } }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        finish(fleetError('ERR_FLEET_HTTP_STATUS', { status: response.statusCode ?? 0 }));
        return;
      }
      const chunks: Buffer[] = [];
      let length = 0;
      response.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length > limits.maxBodyBytes) {
          finish(fleetError('ERR_FLEET_BODY_TOO_LARGE', { maxBodyBytes: limits.maxBodyBytes }));
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', (error) => finish(fleetError('ERR_FLEET_UNREACHABLE', { reason: error.message })));
      response.on('end', () => {
        if (done) return;
        let parsed: unknown;
        try {
          parsed = JSON.parse(Buffer.concat(chunks, length).toString('utf8'));
        } catch {
          finish(fleetError('ERR_FLEET_BAD_STATUS', { field: 'body' }));
          return;
        }
        try {
          finish(undefined, parseStatus(parsed));
        } catch (error) {
          finish(error as Error);
        }
      });
    });
    request.on('error', (error) => finish(fleetError('ERR_FLEET_UNREACHABLE', { reason: error.message })));
    timer = setTimeout(
      () => finish(fleetError('ERR_FLEET_TIMEOUT', { timeoutMs: limits.timeoutMs })),
      limits.timeoutMs,
    );
  });
}
