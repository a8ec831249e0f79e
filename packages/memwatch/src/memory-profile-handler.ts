import { createHash, timingSafeEqual } from 'node:crypto';
import {
  invalidArgType,
  invalidArgValue,
  validateBoolean,
  validateInteger,
  validateOptions,
  validateString,
} from '@leakproof/core';
import { withProfiler } from './find-leaks/inspector.js';
import { type ProfiledSite, type ProfileWindow, profileWindow } from './find-leaks/profile-window.js';
import type { NodeResponseLike, ReplyLike } from './memory-status-handler.js';

/** Options of {@link memoryProfileHandler}. */
export interface MemoryProfileHandlerOptions {
  /**
   * The secret a caller must send as `Authorization: Bearer <token>`; at least 16
   * characters. Required: the route profiles the live process and reveals its code paths.
   */
  readonly token: string;
  /** Window when the request gives no `seconds`, in seconds. @default 30 */
  readonly defaultSeconds?: number | undefined;
  /** Longest window a request may ask for, in seconds (1..600). @default 60 */
  readonly maxSeconds?: number | undefined;
  /**
   * Sampling interval when the request gives no `interval`, in bytes: V8 samples one
   * allocation per this many bytes allocated, on average. @default 524288 (512 KiB)
   */
  readonly samplingInterval?: number | undefined;
  /** Smallest `interval` a request may ask for, in bytes: a smaller one costs more throughput. @default 65536 */
  readonly minSamplingInterval?: number | undefined;
  /**
   * Force a full collection before each of the window's four readings, so only memory that
   * is really retained counts. Each one pauses the process (tens of ms on a small heap,
   * longer on a large one). @default false
   */
  readonly collect?: boolean | undefined;
  /** Sites reported per list. @default 20 */
  readonly top?: number | undefined;
}

/** The JSON body of a profile. */
export interface MemoryProfileReport {
  readonly seconds: number;
  readonly samplingInterval: number;
  readonly startedAt: string;
  readonly durationMs: number;
  /** Sites whose live memory grew through the window, fastest first: the leak suspects. */
  readonly growing: readonly ProfiledSite[];
  /** Sites holding the most memory allocated during the window and alive at its end. */
  readonly live: readonly ProfiledSite[];
}

/** A request handler for `node:http`, express and fastify; it resolves once it has answered. */
export type MemoryProfileHandler = (
  request: unknown,
  response: NodeResponseLike | ReplyLike,
) => Promise<void>;

interface RequestLike {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers?: Record<string, string | string[] | undefined> | undefined;
  /** fastify's request wraps node's. */
  readonly raw?: RequestLike | undefined;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

const json = (status: number, value: unknown, headers: Record<string, string> = {}): Answer => ({
  status,
  body: JSON.stringify(value, null, 2),
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
});

function send(response: NodeResponseLike | ReplyLike, answer: Answer): void {
  const r = response as Partial<NodeResponseLike & ReplyLike>;
  const headers = { 'cache-control': 'no-store', ...answer.headers };
  if (typeof r.setHeader === 'function' && typeof r.end === 'function') {
    r.statusCode = answer.status;
    for (const [k, v] of Object.entries(headers)) r.setHeader(k, v);
    r.end(answer.body);
  } else if (typeof r.code === 'function' && typeof r.header === 'function' && typeof r.send === 'function') {
    r.code(answer.status);
    for (const [k, v] of Object.entries(headers)) r.header(k, v);
    r.send(answer.body);
  } else {
    throw invalidArgType('response', 'an http.ServerResponse or a fastify reply', response);
  }
}

/** Reads a positive integer query parameter; `undefined` when absent, `NaN` when malformed. */
function intParam(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  return /^\d{1,10}$/.test(raw) ? Number(raw) : Number.NaN;
}

/**
 * An opt-in route that profiles the live process's heap for a bounded window and answers
 * with the allocation sites whose retained memory grew (`growing`) and those holding the
 * most (`live`), as JSON — or, with `?format=heapprofile`, the raw profile that Chrome
 * DevTools opens (Memory tab → Load). Query: `seconds` (1..`maxSeconds`), `interval`
 * (bytes, `minSamplingInterval`..1 GiB), `format` (`json` | `heapprofile`).
 *
 * Guards: the caller must send `Authorization: Bearer <token>` (compared in constant time;
 * 401 without it, 403 when wrong); only `GET` (405); one profile at a time in the process,
 * this route and {@link findLeaks} together (409); bad parameters are 400. A client that
 * disconnects ends its profile early.
 *
 * @example
 * ```ts
 * const profile = memoryProfileHandler({ token: process.env.PROFILE_TOKEN! });
 * http.createServer((req, res) =>
 *   req.url?.startsWith('/status/memory/profile') ? profile(req, res) : app(req, res));
 * // curl -H "Authorization: Bearer $PROFILE_TOKEN" 'http://host/status/memory/profile?seconds=30'
 * ```
 */
export function memoryProfileHandler(options: MemoryProfileHandlerOptions): MemoryProfileHandler {
  if (options === undefined) {
    throw invalidArgType(
      'options',
      'an object with a `token`: the profiling route is off unless given one',
      options,
    );
  }
  const o = validateOptions<MemoryProfileHandlerOptions>(
    options,
    'options',
    ['token', 'defaultSeconds', 'maxSeconds', 'samplingInterval', 'minSamplingInterval', 'collect', 'top'],
    { owner: 'memoryProfileHandler', hints: { interval: 'samplingInterval', seconds: 'defaultSeconds' } },
  );
  const token = validateString(o.token, 'options.token');
  if (token.length < 16)
    throw invalidArgValue('options.token', 'a string of at least 16 characters', '(hidden)');
  const maxSeconds =
    o.maxSeconds === undefined
      ? 60
      : validateInteger(o.maxSeconds, 'options.maxSeconds', { min: 1, max: 600 });
  const defaultSeconds =
    o.defaultSeconds === undefined
      ? Math.min(30, maxSeconds)
      : validateInteger(o.defaultSeconds, 'options.defaultSeconds', { min: 1, max: maxSeconds });
  const minSamplingInterval =
    o.minSamplingInterval === undefined
      ? 65_536
      : validateInteger(o.minSamplingInterval, 'options.minSamplingInterval', { min: 1_024, max: 2 ** 30 });
  const samplingInterval =
    o.samplingInterval === undefined
      ? Math.max(524_288, minSamplingInterval)
      : validateInteger(o.samplingInterval, 'options.samplingInterval', {
          min: minSamplingInterval,
          max: 2 ** 30,
        });
  const collect = o.collect === undefined ? false : validateBoolean(o.collect, 'options.collect');
  const top = o.top === undefined ? 20 : validateInteger(o.top, 'options.top', { min: 1, max: 1000 });
  const expected = digest(token);

  const authorized = (header: string | string[] | undefined): 401 | 403 | 0 => {
    if (typeof header !== 'string') return 401;
    const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
    if (match === null) return 401;
    // Digests first: timingSafeEqual needs equal lengths, and the length must not leak either.
    return timingSafeEqual(digest(match[1]!), expected) ? 0 : 403;
  };

  return async (request, response) => {
    const req = (request ?? {}) as RequestLike;
    const raw = req.raw ?? req;
    const method = req.method ?? raw.method ?? 'GET';
    const headers = req.headers ?? raw.headers ?? {};
    if (method !== 'GET') {
      send(response, json(405, { error: 'only GET profiles' }, { allow: 'GET' }));
      return;
    }
    const denied = authorized(headers.authorization);
    if (denied !== 0) {
      send(
        response,
        json(
          denied,
          { error: denied === 401 ? 'send Authorization: Bearer <token>' : 'wrong token' },
          denied === 401 ? { 'www-authenticate': 'Bearer' } : {},
        ),
      );
      return;
    }
    const params = new URL(req.url ?? raw.url ?? '/', 'http://localhost').searchParams;
    const seconds = intParam(params, 'seconds') ?? defaultSeconds;
    const interval = intParam(params, 'interval') ?? samplingInterval;
    const format = params.get('format') ?? 'json';
    if (!(seconds >= 1 && seconds <= maxSeconds)) {
      send(response, json(400, { error: `seconds must be an integer from 1 to ${maxSeconds}` }));
      return;
    }
    if (!(interval >= minSamplingInterval && interval <= 2 ** 30)) {
      send(
        response,
        json(400, { error: `interval must be an integer from ${minSamplingInterval} to ${2 ** 30} bytes` }),
      );
      return;
    }
    if (format !== 'json' && format !== 'heapprofile') {
      send(response, json(400, { error: 'format must be json or heapprofile' }));
      return;
    }

    // The window's timer settles the response somebody awaits: ref'd, cleared when it ends.
    // A client that disconnects (the response closes unfinished) ends the profile early.
    let gone = false;
    let abandon: (() => void) | undefined;
    const onClose = (): void => {
      gone = true;
      abandon?.();
    };
    const res = ((response as { raw?: unknown }).raw ?? response) as {
      once?(event: string, fn: () => void): unknown;
      off?(event: string, fn: () => void): unknown;
    };
    res.once?.('close', onClose);
    const wait = (ms: number): Promise<void> =>
      gone
        ? Promise.reject(new Error('the client went away'))
        : new Promise<void>((resolve, reject) => {
            const timer = setTimeout(
              () => {
                abandon = undefined;
                resolve();
              },
              Math.max(0, ms),
            );
            abandon = () => {
              clearTimeout(timer);
              reject(new Error('the client went away'));
            };
          });
    const startedAt = new Date();
    const started = performance.now();
    let outcome: { value: ProfileWindow } | undefined;
    try {
      outcome = await withProfiler((session) =>
        profileWindow(session, { ms: seconds * 1000, samplingInterval: interval, collect, top, wait }),
      );
    } catch (error) {
      if (gone) return; // nobody to answer
      send(
        response,
        json(500, { error: `the profile failed: ${error instanceof Error ? error.message : String(error)}` }),
      );
      return;
    } finally {
      res.off?.('close', onClose);
    }
    if (outcome === undefined) {
      send(
        response,
        json(
          409,
          { error: 'a heap profile is already running in this process' },
          { 'retry-after': String(seconds) },
        ),
      );
      return;
    }
    const { growing, live, profile } = outcome.value;
    if (format === 'heapprofile') {
      const name = `heap-${startedAt.toISOString().replace(/[:.]/g, '-')}.heapprofile`;
      send(response, {
        status: 200,
        body: JSON.stringify(profile),
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-disposition': `attachment; filename="${name}"`,
        },
      });
      return;
    }
    const report: MemoryProfileReport = {
      seconds,
      samplingInterval: interval,
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - started),
      growing,
      live,
    };
    send(response, json(200, report));
  };
}
