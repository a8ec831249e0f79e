import { Readable } from 'node:stream';
import { abortError, invalidArgValue, onAbort, validateBoolean, validateInteger } from '@leakproof/core';
import { stageOptions } from '../internal/options.js';
import type { Source } from '../source.js';
import type { StageOptions } from '../stage.js';
import { from } from '../stages/from.js';

/** Options for {@link toReadable}. */
export interface ToReadableOptions extends StageOptions {
  /**
   * Items (object mode) or bytes the stream buffers before it stops reading the source.
   * @default 16 in object mode, 16 KiB otherwise (Node's defaults)
   */
  readonly highWaterMark?: number | undefined;
  /** @default true */
  readonly objectMode?: boolean | undefined;
}

/**
 * A Node `Readable` over `source` with backpressure: the source is read only when the
 * stream's buffer is below `highWaterMark`, one item at a time. Destroying the stream
 * (or `signal` aborting) closes the source; `'close'` is emitted after its `finally` ran.
 * Object-mode streams cannot carry `null`: a `null` item destroys the stream with
 * `ERR_INVALID_ARG_VALUE`.
 *
 * @example
 * ```ts
 * await pipeline(toReadable(map(rows, toCsvLine), { objectMode: false }), createWriteStream('report.csv'));
 * ```
 */
export function toReadable<T>(source: Source<T>, options?: ToReadableOptions): Readable {
  const o = stageOptions<ToReadableOptions>(options, 'toReadable', ['highWaterMark', 'objectMode']);
  // undefined means the default; null is a wrong type.
  const objectMode = o.objectMode === undefined ? true : validateBoolean(o.objectMode, 'options.objectMode');
  if (o.highWaterMark !== undefined) validateInteger(o.highWaterMark, 'options.highWaterMark');
  const signal = o.signal;
  const stage = from(source, { name: o.name });
  let reading = false;
  const readable = new Readable({
    objectMode,
    ...(o.highWaterMark === undefined ? {} : { highWaterMark: o.highWaterMark }),
    read() {
      if (reading) return;
      reading = true;
      void (async () => {
        try {
          for (;;) {
            const result = await stage.next();
            if (readable.destroyed) return;
            if (result.done === true) {
              readable.push(null);
              return;
            }
            if (result.value === null) throw invalidArgValue('item', 'not null in a stream', null);
            if (!readable.push(result.value)) return;
          }
        } catch (error) {
          readable.destroy(error as Error);
        } finally {
          reading = false;
        }
      })();
    },
    destroy(error, callback) {
      stage.return(undefined).then(
        () => callback(error),
        (closeError: unknown) => callback(error ?? (closeError as Error)),
      );
    },
  });
  if (signal !== undefined) {
    // Destroy at once, even while the stream is paused with a full buffer and nobody reads.
    // Once every item has been read ('end') an abort has nothing left to stop.
    const subscription = onAbort(signal, () => readable.destroy(abortError(signal)));
    const dispose = (): void => subscription.dispose();
    readable.once('end', dispose);
    readable.once('close', dispose);
  }
  return readable;
}
