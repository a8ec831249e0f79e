// The scenes, in the order the gallery runs them. Each one is
// `{ id, title, problem, plain, leakproof, requires, requiresPlain?, warmupOps, defaultOps, leakBytesPerOp, env?, run }`
// where `run(variant, { totalOps })` resolves `{ step(from, to), notes?(), close?() }`.

import capturedClosure from './captured-closure.mjs';
import growingRegistry from './growing-registry.mjs';
import listenerPerRequest from './listener-per-request.mjs';
import loadEverything from './load-everything.mjs';
import sharedCache from './shared-cache.mjs';
import unboundedCache from './unbounded-cache.mjs';
import unreleasedConnection from './unreleased-connection.mjs';

export const scenes = [
  unboundedCache,
  listenerPerRequest,
  growingRegistry,
  capturedClosure,
  unreleasedConnection,
  loadEverything,
  sharedCache,
].map((scene, index) => ({ ...scene, number: index + 1 }));
