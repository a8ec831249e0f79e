import { LeakproofError } from '@leakproof/core';
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
  // Not createError: @leakproof/redis uses the same code with its own message, and the
  // catalogue holds one message per code (the code is listed in memwatch-fleet.ts too).
  let mod: unknown;
  try {
    mod = await importer();
  } catch (error) {
    throw new LeakproofError(
      'ERR_MISSING_PEER_DEPENDENCY',
      '@leakproof/memwatch/prometheus needs prom-client, an optional peer dependency: install it with `npm install prom-client`',
      { cause: error },
    );
  }
  const m = mod as Partial<PromClientModule> & { default?: Partial<PromClientModule> };
  const client = typeof m.Gauge === 'function' ? m : m.default;
  if (typeof client?.Gauge !== 'function' || typeof client.Counter !== 'function') {
    throw new LeakproofError(
      'ERR_MISSING_PEER_DEPENDENCY',
      'The loaded prom-client module has no Gauge or Counter',
    );
  }
  return client as PromClientModule;
}
