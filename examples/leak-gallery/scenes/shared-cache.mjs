// 7. Two processes sharing product data through Redis. Plain: each keeps its own unbounded
// `Map` copy in front of Redis; it grows with every product and keeps serving a value the
// other process has since changed. Leakproof: a TieredCache in each process — bounded L1,
// Redis L2, and invalidations so a write in one process drops the other's copy.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { text } from '../lib/payload.mjs';

const HOT = 50;
const GRACE_MS = 100;
const PEER = new URL('./shared-cache-peer.mjs', import.meta.url);

function loadProduct(id) {
  return { id, version: 0, name: `Product ${id}`, description: text(1_024, Number(id) || 0) };
}

async function startPeer(variant, namespace) {
  const peer = fork(PEER, [variant, namespace, String(HOT)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const [message] = await once(peer, 'message');
  if (message !== 'ready') throw new Error(`peer said ${JSON.stringify(message)}`);
  return peer;
}

const stops = new WeakMap();

/**
 * Asks the peer to stop and resolves with the writes it reports (0 when it exits without
 * saying). Once per peer: `notes()` and `close()` both call it, and a second 'stop' sent to
 * a peer already on its way out fails with EPIPE.
 */
function stopPeer(peer) {
  let stopped = stops.get(peer);
  if (stopped === undefined) {
    stopped =
      peer.exitCode !== null || peer.signalCode !== null || !peer.connected
        ? Promise.resolve(0)
        : new Promise((resolve) => {
            peer.on('message', (m) => {
              if (m && typeof m === 'object') resolve(m.writes);
            });
            peer.once('exit', () => resolve(0));
            // A failed send comes to this callback instead of an 'error' event; the exit follows.
            peer.send('stop', () => {});
          });
    stops.set(peer, stopped);
  }
  return stopped;
}

export default {
  id: 'shared-cache',
  title: 'Shared cache across processes',
  problem:
    'Two processes keep their own unbounded `Map` copy of shared Redis data: it grows, and goes stale when the other one writes.',
  plain: 'new Map() in front of Redis, in each process',
  leakproof: 'new TieredCache({ l1: { max: 1000 }, l2: new RedisCache(...) }) in each process',
  requires: ['@leakproof/redis'],
  requiresPlain: ['@leakproof/redis'],
  env: ['REDIS_URL'],
  warmupOps: 5_000,
  defaultOps: 10_000,
  leakBytesPerOp: 128,
  async run(variant) {
    const { RedisCache, TieredCache } = await import('@leakproof/redis');
    const namespace = `leak-gallery-${process.pid}-${Date.now().toString(36)}`;
    const l2 = new RedisCache({ redis: process.env.REDIS_URL, namespace, ttl: 60_000, name: 'gallery-l2' });
    let read;
    let closeCache = async () => {};
    if (variant === 'plain') {
      const map = new Map();
      read = async (key, load) => {
        let value = map.get(key);
        if (value === undefined) {
          value = (await l2.get(key)) ?? load();
          map.set(key, value);
        }
        return value;
      };
    } else {
      const tiered = new TieredCache({ l1: { max: 1_000 }, l2, name: 'gallery-products' });
      read = (key, load) => tiered.getOrLoad(key, () => load());
      closeCache = () => tiered.close();
    }
    // Let the invalidation subscription come up before the other process starts writing.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const peer = await startPeer(variant, namespace);
    let hotReads = 0;
    let stale = 0;
    return {
      async step(from, to) {
        for (let i = from; i < to; i++) {
          await read(`product:${i}`, () => loadProduct(i));
          if (i % 10 === 0) {
            const key = `hot:${(i / 10) % HOT}`;
            const seen = await read(key, () => loadProduct(key));
            const truth = await l2.get(key);
            hotReads++;
            // Stale: the other process changed it more than GRACE_MS ago and this one still
            // serves the old value (an invalidation in flight is not counted).
            if (truth && seen.version < truth.version && Date.now() - truth.at > GRACE_MS) stale++;
          }
        }
      },
      async notes() {
        const writes = await stopPeer(peer);
        return [
          `stale reads: ${stale} of ${hotReads} reads of products the other process kept updating (${writes} writes)`,
        ];
      },
      async close() {
        await stopPeer(peer);
        await closeCache();
        await l2.clear().catch(() => {});
        await l2.close();
      },
    };
  },
};
