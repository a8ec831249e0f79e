// 3. A global registry of connected users: added on connect, removed on 'close'. Clients
// that vanish (a dropped network, a killed tab) never send the close, so their entries
// stay forever. A BoundedSet with a ttl forgets users who stop sending heartbeats.
import { text } from '../lib/payload.mjs';

const MAX = 2_000;
// Users who stop sending heartbeats for a minute are forgotten; within a run `max` is the bound.
const TTL_MS = 60_000;

function scenario(connectedUsers) {
  return {
    step(from, to) {
      for (let i = from; i < to; i++) {
        const user = { id: `user-${i}`, connectedAt: Date.now(), profile: text(1_024, i) };
        connectedUsers.add(user);
        // Two out of three clients disconnect cleanly; the rest just disappear.
        if (i % 3 !== 0) connectedUsers.delete(user);
      }
    },
    notes: () => [`${connectedUsers.size.toLocaleString('en-US')} users in the registry at the end`],
  };
}

export default {
  id: 'registry',
  title: 'Growing registry',
  problem: 'A global `Set` of connected users only shrinks when a client says goodbye; many never do.',
  plain: 'const connectedUsers = new Set()',
  leakproof: `new BoundedSet({ max: ${MAX}, ttl: ${TTL_MS}, policy: 'lru' })`,
  requires: ['@leakproof/cache'],
  warmupOps: 3 * 3 * MAX,
  defaultOps: 30_000,
  leakBytesPerOp: 96,
  async run(variant) {
    if (variant === 'plain') return scenario(new Set());
    const { BoundedSet } = await import('@leakproof/cache');
    // A registry must admit every new user, so recency (exact LRU) is the policy, not the
    // default frequency-based admission, which would turn a new user away in favour of old ones.
    return scenario(
      new BoundedSet({ max: MAX, ttl: TTL_MS, policy: 'lru', name: 'gallery-connected-users' }),
    );
  },
};
