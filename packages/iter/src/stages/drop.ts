import { validateInteger } from '@leakproof/core';
import { stageOptions } from '../internal/options.js';
import { SequentialStage, SKIP } from '../internal/sequential.js';
import { type Source, validateSource } from '../source.js';
import type { Stage, StageOptions } from '../stage.js';

/**
 * Skips the first `count` items and yields the rest.
 *
 * @example
 * ```ts
 * const withoutHeader = drop(csvLines, 1);
 * ```
 */
export function drop<T>(source: Source<T>, count: number, options?: StageOptions): Stage<T> {
  validateSource(source, 'source');
  validateInteger(count, 'count');
  return new SequentialStage<T, T>(
    'drop',
    source,
    (item, index) => (index < count ? SKIP : item),
    stageOptions(options, 'drop'),
  );
}
