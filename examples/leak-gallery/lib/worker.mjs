// One variant of one scene, alone in its own process (started with --expose-gc):
// warm up, then run the load in equal slices and sample the heap after a forced full
// collection at the end of each slice. Results go to the parent over IPC.
import { getHeapSpaceStatistics } from 'node:v8';
import { scenes } from '../scenes/index.mjs';

// Read the heap the way memwatch's measureGrowth does: compiled code left out (the JIT keeps
// adding optimised code for a while, which is not a leak).
const CODE_SPACES = new Set(['code_space', 'code_large_object_space']);
function heapUsed() {
  let used = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (!CODE_SPACES.has(space.space_name)) used += space.space_used_size;
  }
  return used;
}

const [sceneId, variant, opsArg, samplesArg, whereArg] = process.argv.slice(2);

// Operations findLeaks runs after the measurement, to show where the memory comes from.
const WHERE_OPS = 8_000;

function send(message) {
  return new Promise((resolve) => {
    if (process.send) process.send(message, () => resolve());
    else {
      process.stdout.write(`${JSON.stringify(message)}\n`);
      resolve();
    }
  });
}

async function loadGc() {
  try {
    const memwatch = await import('@leakproof/memwatch');
    if (typeof memwatch.gc === 'function') {
      return () => {
        memwatch.gc();
        memwatch.gc();
      };
    }
  } catch {
    // memwatch not built: the global one is enough with --expose-gc.
  }
  if (typeof globalThis.gc !== 'function') throw new Error('run the worker with node --expose-gc');
  return () => {
    globalThis.gc();
    globalThis.gc();
  };
}

async function main() {
  const scene = scenes.find((s) => s.id === sceneId);
  if (!scene) throw new Error(`unknown scene ${sceneId}`);
  const ops = Number(opsArg);
  const sampleCount = Number(samplesArg);
  const gc = await loadGc();
  const warnings = {};
  process.on('warning', (w) => {
    const key = w.code ?? w.name;
    warnings[key] = (warnings[key] ?? 0) + 1;
  });
  const measure = async (done) => {
    // Let pending callbacks (unref'd timers, finalizers) run before the collection.
    await new Promise((resolve) => setImmediate(resolve));
    await gc();
    const bytes = heapUsed();
    await send({ type: 'sample', ops: done, bytes });
  };

  const where = whereArg === 'where' && (scene.env ?? []).length === 0;
  const impl = await scene.run(variant, {
    totalOps: scene.warmupOps + ops + (where ? scene.warmupOps + 2 * WHERE_OPS : 0),
  });
  // findLeaks runs first, in code V8 has not optimised yet: an allocation made by code that
  // was optimised (and on-stack replaced) in a long loop can escape its sampling. The
  // measurement then goes on from where it stopped.
  const base = where ? await findWhere(impl, scene, variant === 'plain') : 0;
  await impl.step(base, base + scene.warmupOps);
  await measure(0);
  let done = 0;
  for (let k = 1; k <= sampleCount; k++) {
    const next = Math.round((k * ops) / sampleCount);
    await impl.step(base + scene.warmupOps + done, base + scene.warmupOps + next);
    done = next;
    await measure(done);
  }
  const notes = (await impl.notes?.()) ?? [];
  await impl.close?.();
  for (const [code, count] of Object.entries(warnings)) notes.push(`${count} process warning(s) ${code}`);
  await send({ type: 'done', notes });
}

/**
 * Runs memwatch's findLeaks on one more operation at a time and reports the top growing
 * site: where the memory that stays is allocated (the allocating function and its callers)
 * and, for the plain variant, what holds it. A site growing by less than the scene's line
 * between flat and growing (`leakBytesPerOp`, the line the measurement's verdict uses) is
 * not reported: a bounded structure's constant live set can read as a few dozen bytes per
 * operation of slope in a short profile, by sampling noise alone.
 */
async function findWhere(impl, scene, retainers) {
  let findLeaks;
  try {
    ({ findLeaks } = await import('@leakproof/memwatch'));
  } catch {
    return 0; // memwatch not built: the gallery still measures
  }
  let next = 0;
  const report = await findLeaks(() => impl.step(next, ++next), {
    ops: WHERE_OPS,
    warmupOps: scene.warmupOps,
    minBytesPerOp: scene.leakBytesPerOp,
    retainers,
    top: 1,
  });
  const sites = report.sites.map((site) => {
    const at = site.stack.indexOf(site.frame);
    return {
      location: site.location,
      functionName: site.frame.functionName,
      callers: site.stack.slice(at + 1, at + 3).map((f) => f.functionName),
      bytesPerOp: site.bytesPerOp,
      retainers: site.retainers?.text,
    };
  });
  await send({ type: 'sites', sites, durationMs: report.durationMs });
  return next;
}

// Leakproof timers are unref'd: without this, a run waiting only on one (a pool's close
// timeout, a TTL) would let the event loop empty and the process exit mid-scene.
const keepAlive = setInterval(() => {}, 2 ** 30);

main().then(
  () => {
    clearInterval(keepAlive);
    process.exit(0);
  },
  async (error) => {
    await send({ type: 'error', message: error?.stack ?? String(error) });
    process.exit(1);
  },
);
