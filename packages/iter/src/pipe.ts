import { invalidArgType } from '@leakproof/core';
import { validateSource } from './source.js';

type Fn<A, B> = (input: A) => B;

/**
 * Threads `source` through `stages` left to right: `pipe(s, f, g)` is `g(f(s))`, each
 * stage typed by the one before. A stage that throws while the pipeline is being built
 * (bad options) closes what was already built, so the source is released.
 *
 * @example
 * ```ts
 * await pipe(
 *   paginate(fetchPage, { limit: 5000 }),
 *   (rows) => chunk(rows, 500),
 *   (batches) => mapConcurrent(batches, summarize, { concurrency: 4 }),
 *   (summaries) => reduce(summaries, mergeSummary, emptySummary()),
 * );
 * ```
 */
export function pipe<A>(source: A): A;
export function pipe<A, B>(source: A, s1: Fn<A, B>): B;
export function pipe<A, B, C>(source: A, s1: Fn<A, B>, s2: Fn<B, C>): C;
export function pipe<A, B, C, D>(source: A, s1: Fn<A, B>, s2: Fn<B, C>, s3: Fn<C, D>): D;
export function pipe<A, B, C, D, E>(source: A, s1: Fn<A, B>, s2: Fn<B, C>, s3: Fn<C, D>, s4: Fn<D, E>): E;
export function pipe<A, B, C, D, E, F>(
  source: A,
  s1: Fn<A, B>,
  s2: Fn<B, C>,
  s3: Fn<C, D>,
  s4: Fn<D, E>,
  s5: Fn<E, F>,
): F;
export function pipe<A, B, C, D, E, F, G>(
  source: A,
  s1: Fn<A, B>,
  s2: Fn<B, C>,
  s3: Fn<C, D>,
  s4: Fn<D, E>,
  s5: Fn<E, F>,
  s6: Fn<F, G>,
): G;
export function pipe<A, B, C, D, E, F, G, H>(
  source: A,
  s1: Fn<A, B>,
  s2: Fn<B, C>,
  s3: Fn<C, D>,
  s4: Fn<D, E>,
  s5: Fn<E, F>,
  s6: Fn<F, G>,
  s7: Fn<G, H>,
): H;
export function pipe<A, B, C, D, E, F, G, H, I>(
  source: A,
  s1: Fn<A, B>,
  s2: Fn<B, C>,
  s3: Fn<C, D>,
  s4: Fn<D, E>,
  s5: Fn<E, F>,
  s6: Fn<F, G>,
  s7: Fn<G, H>,
  s8: Fn<H, I>,
): I;
export function pipe(source: unknown, ...stages: Fn<unknown, unknown>[]): unknown;
export function pipe(source: unknown, ...stages: Fn<unknown, unknown>[]): unknown {
  validateSource(source, 'source');
  stages.forEach((stage, i) => {
    if (typeof stage !== 'function') throw invalidArgType(`stages[${i}]`, 'a function', stage);
  });
  let current = source;
  for (const stage of stages) {
    try {
      current = stage(current);
    } catch (error) {
      const built = current as { return?: ((value?: unknown) => unknown) | undefined };
      if (typeof built.return === 'function') Promise.resolve(built.return()).catch(() => {});
      throw error;
    }
  }
  return current;
}
