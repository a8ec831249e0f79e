import { invalidArgType, validatePositiveInteger } from '@leakproof/core';
import { MergeStage } from '../internal/merge-stage.js';
import { stageOptions } from '../internal/options.js';
import { type ItemOf, isSource, type Source, validateSource } from '../source.js';
import type { Stage, StageOptions } from '../stage.js';

/** Options for {@link merge}. */
export interface MergeOptions extends StageOptions {
  /**
   * Most sources read at once; the rest wait their turn. @default the array's length when
   * `sources` is an array; required otherwise.
   */
  readonly concurrency?: number | undefined;
}

const identity = <S, T>(source: S): Source<T> => source as Source<T>;

/**
 * Interleaves several sources, yielding items as they arrive. Each source being read has
 * at most one item read ahead, so the stage holds at most `concurrency` items; closing it
 * closes every open source (and, when `sources` is an array, the ones not reached yet).
 *
 * @example
 * ```ts
 * for await (const event of merge([kafkaEvents, timerTicks])) handle(event);
 * ```
 */
export function merge<S extends Source<unknown>>(
  sources: Source<S>,
  options?: MergeOptions,
): Stage<ItemOf<S>> {
  validateSource(sources, 'sources');
  const o = stageOptions<MergeOptions>(options, 'merge', ['concurrency']);
  let concurrency = o.concurrency;
  if (Array.isArray(sources)) {
    sources.forEach((source, i) => {
      if (!isSource(source))
        throw invalidArgType(`sources[${i}]`, 'an Iterable, AsyncIterable or Readable', source);
    });
    if (concurrency === undefined) concurrency = Math.max(1, sources.length);
  }
  validatePositiveInteger(concurrency, 'options.concurrency');
  return new MergeStage<S, ItemOf<S>>(
    'merge',
    sources,
    identity,
    concurrency as number,
    'source',
    o,
    Array.isArray(sources) ? sources : undefined,
  );
}
