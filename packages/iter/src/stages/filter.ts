import { validateFunction } from '@leakproof/core';
import { stageOptions } from '../internal/options.js';
import { SequentialStage, SKIP } from '../internal/sequential.js';
import { isPromiseLike } from '../internal/util.js';
import { type Source, validateSource } from '../source.js';
import type { Stage, StageOptions } from '../stage.js';

/**
 * Yields the items for which `predicate(item, index)` is truthy (it may be async).
 *
 * @example
 * ```ts
 * const outgoing = filter(movements, (m) => m.qty < 0);
 * ```
 */
export function filter<T, S extends T>(
  source: Source<T>,
  predicate: (item: T, index: number) => item is S,
  options?: StageOptions,
): Stage<S>;
export function filter<T>(
  source: Source<T>,
  predicate: (item: T, index: number) => unknown,
  options?: StageOptions,
): Stage<T>;
export function filter<T>(
  source: Source<T>,
  predicate: (item: T, index: number) => unknown,
  options?: StageOptions,
): Stage<T> {
  validateSource(source, 'source');
  validateFunction(predicate, 'predicate');
  return new SequentialStage<T, T>(
    'filter',
    source,
    (item, index) => {
      const keep = predicate(item, index);
      if (isPromiseLike(keep)) return Promise.resolve(keep).then((ok) => (ok ? item : SKIP));
      return keep ? item : SKIP;
    },
    stageOptions(options, 'filter'),
  );
}
