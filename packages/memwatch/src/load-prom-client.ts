import { createError } from '@leakproof/core';
import type { Counter, Gauge } from 'prom-client';

/** The parts of the prom-client module this subpath uses. */
export interface PromClientModule {
  readonly Gauge: typeof Gauge;
  readonly Counter: typeof Counter;
}

const PROM_CLIENT = { pkg: '@leakproof/memwatch/prometheus', peer: 'prom-client' };

/** Loads prom-client (an optional peer dependency), or explains how to get it. */
export async function loadPromClient(
  importer: () => Promise<unknown> = () => import('prom-client'),
): Promise<PromClientModule> {
  let mod: unknown;
  try {
    mod = await importer();
  } catch (error) {
    throw createError('ERR_MISSING_PEER_DEPENDENCY', PROM_CLIENT, { cause: error });
  }
  const m = mod as Partial<PromClientModule> & { default?: Partial<PromClientModule> | undefined };
  const client = typeof m.Gauge === 'function' ? m : m.default;
  if (typeof client?.Gauge !== 'function' || typeof client.Counter !== 'function') {
    throw createError('ERR_MISSING_PEER_DEPENDENCY', {
      ...PROM_CLIENT,
      detail: 'the loaded prom-client module has no Gauge or Counter',
    });
  }
  return client as PromClientModule;
}
