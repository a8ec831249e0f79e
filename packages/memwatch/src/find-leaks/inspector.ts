import { Session } from 'node:inspector';

/** The part of V8's sampling heap profile (`HeapProfiler.getSamplingProfile`) this package reads. */
export interface SamplingHeapProfile {
  readonly head: SamplingHeapProfileNode;
  readonly samples: readonly SamplingHeapProfileSample[];
}

/** One node of the allocation call tree. Positions are 0-based, as the protocol gives them. */
export interface SamplingHeapProfileNode {
  readonly callFrame: {
    readonly functionName: string;
    readonly scriptId: string;
    readonly url: string;
    readonly lineNumber: number;
    readonly columnNumber: number;
  };
  readonly selfSize: number;
  readonly id: number;
  readonly children: readonly SamplingHeapProfileNode[];
}

/** One sampled allocation still alive: `size` is the bytes it stands for (object size × scaled count). */
export interface SamplingHeapProfileSample {
  readonly size: number;
  readonly nodeId: number;
  readonly ordinal: number;
}

/**
 * One in-process inspector session. `post` is the callback API wrapped in a promise:
 * `node:inspector/promises` is missing from some Node 20 builds' type definitions and
 * from Node < 19.
 */
export class InspectorSession {
  readonly #session = new Session();
  #connected = false;

  connect(): void {
    this.#session.connect();
    this.#connected = true;
  }

  post<T = unknown>(method: string, params?: object): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#session.post(method, params ?? {}, (error: Error | null, result?: unknown) => {
        if (error) reject(error);
        else resolve(result as T);
      });
    });
  }

  on(event: string, listener: (message: { params: unknown }) => void): void {
    this.#session.on(event, listener);
  }

  off(event: string, listener: (message: { params: unknown }) => void): void {
    this.#session.off(event, listener);
  }

  disconnect(): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.#session.disconnect();
  }
}

let busy = false;

/**
 * Runs `fn` with the process's sampling heap profiler to itself: V8 has one per isolate,
 * so two profiles at once would read each other's samples. Resolves `undefined` without
 * running `fn` when another profile is in progress.
 */
export async function withProfiler<T>(
  fn: (session: InspectorSession) => Promise<T>,
): Promise<{ value: T } | undefined> {
  if (busy) return undefined;
  busy = true;
  const session = new InspectorSession();
  try {
    session.connect();
    return { value: await fn(session) };
  } finally {
    session.disconnect();
    busy = false;
  }
}

/** Whether a profile is in progress in this process. */
export function profilerBusy(): boolean {
  return busy;
}
