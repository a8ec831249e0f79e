import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A status a fake service serves: a function of how many times it was asked. */
export type StatusFn = (call: number) => unknown;

/** A real HTTP server on 127.0.0.1 whose `/status/memory` body the test decides. */
export interface FakeService {
  readonly url: string;
  readonly server: Server;
  /** Requests received, by path. */
  readonly requests: string[];
  /** Requests being answered right now, and the most at once. */
  readonly inFlight: { now: number; max: number };
  close(): Promise<void>;
}

/**
 * A memoryStatus()-shaped body: heap after GC `floor` bytes at `at` ms, with optional extras.
 */
export function status(
  floor: number,
  at: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    heapUsed: floor + 1_000_000,
    heapAfterGc: floor,
    heapAfterGcAt: at,
    heapTotal: floor * 2,
    heapLimit: 4_000_000_000,
    rss: floor * 3,
    external: 0,
    arrayBuffers: 0,
    containerLimit: null,
    effectiveLimit: 4_000_000_000,
    limitedBy: 'heap',
    pressure: floor / 4_000_000_000,
    primitives: [],
    timestamp: at + 10,
    ...extra,
  };
}

/** Starts a fake service; `handler` may take over the response entirely. */
export async function fakeService(
  body: StatusFn,
  handler?: (req: IncomingMessage, res: ServerResponse, call: number) => boolean | Promise<boolean>,
  options: { record?: boolean } = {},
): Promise<FakeService> {
  const requests: string[] = [];
  const inFlight = { now: 0, max: 0 };
  let calls = 0;
  const server = createServer(async (req, res) => {
    // Memory tests turn the log off: it would grow with every request.
    if (options.record !== false) requests.push(req.url ?? '');
    inFlight.now++;
    inFlight.max = Math.max(inFlight.max, inFlight.now);
    res.on('close', () => inFlight.now--);
    const call = calls++;
    if (handler !== undefined && (await handler(req, res, call))) return;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body(call)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    requests,
    inFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A leak of `bytesPerSecond`, one major collection every `stepMs`, from a 20 MB floor. */
export const rising =
  (bytesPerSecond: number, stepMs = 5000, noise = 0): StatusFn =>
  (call) =>
    status(
      20_000_000 + (bytesPerSecond * call * stepMs) / 1000 + (call % 2 === 0 ? noise : -noise),
      1e12 + call * stepMs,
    );

/** A flat service with alternating noise. */
export const flat =
  (noise = 200_000, stepMs = 5000): StatusFn =>
  (call) =>
    status(20_000_000 + ((call * 7919) % 5) * (noise / 2) - noise, 1e12 + call * stepMs);
