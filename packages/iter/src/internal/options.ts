import { validateAbortSignal, validateOptions, validateString } from '@leakproof/core';
import type { StageOptions } from '../stage.js';

/** Validates the options every stage shares and returns them with the rest of the bag. */
export function stageOptions<T extends StageOptions>(options: unknown): Partial<T> {
  const o = validateOptions<T>(options);
  if (o.signal !== undefined) validateAbortSignal(o.signal, 'signal');
  if (o.name !== undefined) validateString(o.name, 'name');
  return o;
}
