import { createError } from '@leakproof/core';
import type { Counter, Gauge } from 'prom-client';

/** The parts of the prom-client module this subpath uses. */
export interface PromClientModule {
  readonly Gauge: typeof Gauge;
  readonly Counter: typeof Counter;
}

/** Loads prom-client (an optional peer dependency), or explains how to get it. */
export async function loadPromClient(
  importer: () => Promise<unknown> = () => import('prom-client'),
): Promise<PromClientModule> {
  let mod: unknown;
  try {
    mod = await importer();
  } catch (error) {
    throw createError('ERR_MISSING_PEER_DEPENDENCY', {}, { cause: error });
  }
  const m = mod as Partial<PromClientModule> & { default?: Partial<PromClientModule> };
  const client = typeof m.Gauge === 'function' ? m : m.default;
  if (typeof client?.Gauge !== 'function' || typeof client.Counter !== 'function') {
    throw createError('ERR_MISSING_PEER_DEPENDENCY', { reason: 'has no Gauge or Counter' });
  }
  return client as PromClientModule;
}
