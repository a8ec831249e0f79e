import { defineErrors } from './define.js';

/**
 * The codes of @leakproof/pool. The generic-pool facade raises the same codes with
 * generic-pool's own messages (`genericPool: true`), which its users match on.
 */
export const poolErrors = defineErrors({
  ERR_POOL_CLOSED: {
    kind: 'LeakproofError',
    summary:
      '`acquire`/`use`/`ready` after `close()` (or waiting when it was called); the facade: after `drain()`',
    message: (p: { pool: string; genericPool?: boolean | undefined }) =>
      p.genericPool === true
        ? 'pool is draining and cannot accept work'
        : `Pool "${p.pool}" is closed and cannot lend resources`,
  },
  ERR_POOL_BUSY: {
    kind: 'LeakproofError',
    summary: 'the waiting queue is full (`maxWaiting`, the facade’s `maxWaitingClients`)',
    message: (p: { pool: string; waiting: number; genericPool?: boolean | undefined }) =>
      p.genericPool === true
        ? 'max waitingClients count exceeded'
        : `Pool "${p.pool}" already has ${p.waiting} acquires waiting, the most \`maxWaiting\` allows`,
  },
  ERR_POOL_TIMEOUT: {
    kind: 'TimeoutError',
    summary: 'an acquire waited past its timeout; `cause` is the last create error while creating fails',
    message: (p: { pool: string; timeoutMs: number; failing: boolean; genericPool?: boolean | undefined }) =>
      p.genericPool === true
        ? 'ResourceRequest timed out'
        : `Acquiring a resource from pool "${p.pool}" timed out after ${p.timeoutMs} ms${p.failing ? ' (creating resources is failing; see `cause`)' : ''}`,
  },
  ERR_POOL_CREATE_TIMEOUT: {
    kind: 'TimeoutError',
    summary: 'a `create` took longer than `createTimeoutMs`',
    message: (p: { pool: string; timeoutMs: number }) =>
      `factory.create() of pool "${p.pool}" did not settle within ${p.timeoutMs} ms`,
  },
  ERR_POOL_DESTROY_TIMEOUT: {
    kind: 'TimeoutError',
    summary: 'a `destroy` took longer than `destroyTimeoutMs`',
    message: (p: { pool: string; timeoutMs: number; genericPool?: boolean | undefined }) =>
      p.genericPool === true
        ? 'destroy timed out'
        : `factory.destroy() of pool "${p.pool}" did not settle within ${p.timeoutMs} ms`,
  },
  ERR_POOL_NOT_BORROWED: {
    kind: 'LeakproofError',
    summary: 'the facade’s `release`/`destroy` of a resource not on loan from the pool',
    message: () => 'Resource not currently part of this pool',
  },
  ERR_LEASE_RELEASED: {
    kind: 'LeakproofError',
    summary: '`lease.resource` read after the lease ended',
    message: () =>
      'This lease has ended (released, destroyed, or its pool closed); its resource is no longer yours',
  },
});
