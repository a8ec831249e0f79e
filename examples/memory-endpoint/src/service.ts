import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { BoundedMap } from '@leakproof/cache';
import { EventEmitter } from '@leakproof/events';
import {
  governMemory,
  type MemoryGovernor,
  type MemoryWatcher,
  memoryStatusHandler,
  watchMemory,
} from '@leakproof/memwatch';
import { type MetricsBinding, registerMetrics } from '@leakproof/memwatch/prometheus';
import { Registry } from 'prom-client';

/** A session as the service keeps it. */
export interface Session {
  readonly id: string;
  readonly user: string;
  readonly startedAt: number;
}

/** A running service: its server, the primitives it shows, and one call to stop it all. */
export interface MemoryService extends AsyncDisposable {
  readonly server: Server;
  readonly sessions: BoundedMap<string, Session>;
  readonly events: EventEmitter<{ session: [Session] }>;
  readonly registry: Registry;
  readonly governor: MemoryGovernor;
  readonly watcher: MemoryWatcher;
  close(): Promise<void>;
}

/** Options of {@link createMemoryService}. */
export interface MemoryServiceOptions {
  /** Bound of the session cache. @default 10000 */
  readonly maxSessions?: number;
  /** Where alarms go. @default console.warn */
  readonly log?: (message: string, detail: object) => void;
}

/**
 * An HTTP service with three routes:
 * - `GET /sessions/:id` — looks a session up, creating it on a miss (a bounded cache);
 * - `GET /status/memory` — `memoryStatus()` as JSON: heap, limits, pressure, every primitive;
 * - `GET /metrics` — Prometheus text from a prom-client registry with leakproof's metrics.
 * A governor sheds cache entries under memory pressure; a watcher logs a rising heap.
 */
export async function createMemoryService(options: MemoryServiceOptions = {}): Promise<MemoryService> {
  const log = options.log ?? ((message, detail) => console.warn(message, detail));
  const sessions = new BoundedMap<string, Session>({ name: 'sessions', max: options.maxSessions ?? 10_000 });
  const events = new EventEmitter<{ session: [Session] }>({ name: 'session-events' });
  let created = 0;
  events.on('session', () => {
    created++;
  });

  const registry = new Registry();
  const metrics: MetricsBinding = await registerMetrics(registry, { prefix: 'app_' });
  const governor = governMemory({ name: 'governor', high: 0.85, target: 0.7 });
  const watcher = watchMemory({
    name: 'watcher',
    intervalMs: 30_000,
    onTrend: ({ bytesPerSecond }) => log('heap keeps growing', { bytesPerSecond }),
    onPressure: ({ pressure }) => log('memory pressure', { pressure }),
  });
  const status = memoryStatusHandler();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET') {
      res.writeHead(405).end();
    } else if (url.pathname === '/status/memory') {
      status(req, res);
    } else if (url.pathname === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    } else if (url.pathname.startsWith('/sessions/')) {
      const id = decodeURIComponent(url.pathname.slice('/sessions/'.length));
      let session = sessions.get(id);
      if (session === undefined) {
        session = { id, user: `user-${id}`, startedAt: Date.now() };
        sessions.set(id, session);
        events.emit('session', session);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...session, created }));
    } else {
      res.writeHead(404).end();
    }
  });

  const close = async (): Promise<void> => {
    watcher.dispose();
    governor.dispose();
    metrics.unregister();
    sessions.dispose();
    events.removeAllListeners();
    if (server.listening) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  };
  return { server, sessions, events, registry, governor, watcher, close, [Symbol.asyncDispose]: close };
}
