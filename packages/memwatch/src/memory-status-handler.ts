import { invalidArgType, validateInteger, validateOptions } from '@leakproof/core';
import { trackHeapAfterGc } from './heap-after-gc.js';
import { type MemoryStatusOptions, memoryStatus } from './memory-status.js';

// A handler has no dispose: it observes collections for as long as it can be called.
const releaseWhenCollected = new FinalizationRegistry<() => void>((release) => release());

/** The part of `http.ServerResponse` (and express's `res`) the handler uses. */
export interface NodeResponseLike {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

/** The part of a fastify `reply` the handler uses. */
export interface ReplyLike {
  code(statusCode: number): unknown;
  header(name: string, value: string): unknown;
  send(body: string): unknown;
}

/** A request handler for `node:http`, express (`(req, res, next)`) and fastify (`(request, reply)`). */
export type MemoryStatusHandler = (request: unknown, response: NodeResponseLike | ReplyLike) => void;

/** Options of {@link memoryStatusHandler}. */
export interface MemoryStatusHandlerOptions extends MemoryStatusOptions {
  /** Indentation of the JSON body; 0 for compact. @default 2 */
  readonly space?: number | undefined;
}

function isNodeResponse(response: unknown): response is NodeResponseLike {
  const r = response as Partial<NodeResponseLike> | null;
  return (
    typeof r === 'object' && r !== null && typeof r.setHeader === 'function' && typeof r.end === 'function'
  );
}

function isReply(response: unknown): response is ReplyLike {
  const r = response as Partial<ReplyLike> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.send === 'function' &&
    typeof r.header === 'function' &&
    typeof r.code === 'function'
  );
}

/**
 * A handler that serves {@link memoryStatus} as JSON (`Cache-Control: no-store`). It
 * fits `http.createServer`, an express route and a fastify route alike. While the handler
 * exists, the process observes V8's major collections, so the body carries `heapAfterGc`.
 *
 * @example
 * ```ts
 * const status = memoryStatusHandler();
 * http.createServer((req, res) => (req.url === '/status/memory' ? status(req, res) : app(req, res)));
 * // express: app.get('/status/memory', memoryStatusHandler());
 * // fastify: fastify.get('/status/memory', memoryStatusHandler());
 * ```
 */
export function memoryStatusHandler(options?: MemoryStatusHandlerOptions): MemoryStatusHandler {
  const { space: givenSpace, ...statusOptions } = validateOptions<MemoryStatusHandlerOptions>(
    options,
    'options',
    ['containerLimit', 'primitives', 'space'],
    { owner: 'memoryStatusHandler' },
  );
  const space =
    givenSpace === undefined ? 2 : validateInteger(givenSpace, 'options.space', { min: 0, max: 10 });
  memoryStatus(statusOptions); // validates the rest now, not on the first request
  const handler: MemoryStatusHandler = (_request, response) => {
    let status = 200;
    let body: string;
    try {
      body = JSON.stringify(memoryStatus(statusOptions), null, space);
    } catch (error) {
      status = 500;
      body = JSON.stringify({ error: error instanceof Error ? error.message : String(error) });
    }
    if (isNodeResponse(response)) {
      response.statusCode = status;
      response.setHeader('content-type', 'application/json; charset=utf-8');
      response.setHeader('cache-control', 'no-store');
      response.end(body);
    } else if (isReply(response)) {
      response.code(status);
      response.header('content-type', 'application/json; charset=utf-8');
      response.header('cache-control', 'no-store');
      response.send(body);
    } else {
      throw invalidArgType('response', 'an http.ServerResponse or a fastify reply', response);
    }
  };
  // `heapAfterGc` in the body: the floor a fleet watcher tracks.
  releaseWhenCollected.register(handler, trackHeapAfterGc());
  return handler;
}
