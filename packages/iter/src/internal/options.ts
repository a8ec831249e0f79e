import { validateAbortSignal, validateOptions, validateString } from '@leakproof/core';
import type { StageOptions } from '../stage.js';

const STAGE_KEYS = ['signal', 'name'] as const;

/** Names users bring from p-map, streaming-iterables and batching helpers, with ours. */
const HINTS: Readonly<Record<string, string>> = {
  maxWait: 'maxWaitMs',
  maxWaitTime: 'maxWaitMs',
  batchSize: 'size',
  pageSize: 'limit',
  preserveOrder: 'ordered',
  stopOnError: 'the first failure always stops the stage (fail fast); catch inside `fn` to go on',
};

/**
 * Checks an options bag the way every leakproof options bag is checked (core's
 * `validateOptions`): `undefined` means every default, anything but an object is
 * `ERR_INVALID_ARG_TYPE`, an unknown key is `ERR_INVALID_ARG_VALUE` with a did-you-mean hint.
 * `keys` are the function's own options beside `signal` and `name`, which it validates here.
 */
export function stageOptions<T extends StageOptions>(
  options: unknown,
  owner: string,
  keys: readonly string[] = [],
): Partial<T> {
  const o = validateOptions<T>(options, 'options', [...keys, ...STAGE_KEYS], { owner, hints: HINTS });
  if (o.signal !== undefined) validateAbortSignal(o.signal, 'options.signal');
  if (o.name !== undefined) validateString(o.name, 'options.name');
  return o;
}

/** The options every stage takes, picked out of a larger bag to hand to an inner stage. */
export function stagePart(o: StageOptions): StageOptions {
  return { signal: o.signal, name: o.name };
}
