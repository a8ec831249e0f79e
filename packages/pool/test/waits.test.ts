// Every wait settles: the abort contract for every signal-taking API of the pool, an aborted
// acquire that can never later be handed a resource, and random interleavings of
// acquire / abort / release / close checked against a model.
import { getEventListeners } from 'node:events';
import { createPool, type Lease, type Pool } from '@leakproof/pool';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeAbortContract } from '../../../test/helpers/abort-contract.js';
import { checkBooks, flush } from './helpers.js';

interface Res {
  id: number;
}
interface Fixture {
  pool: Pool<Res>;
  held: Lease<Res>;
}

function factory() {
  let next = 1;
  return { create: async () => ({ id: next++ }), destroy: async () => {} };
}

/** A pool of one whose only resource is lent: the next acquire must wait. */
async function fullPool(): Promise<Fixture> {
  const pool = createPool(factory(), { max: 1, name: 'full' });
  const held = await pool.acquire();
  return { pool, held };
}

describeAbortContract<Fixture>('pool.acquire', {
  setup: fullPool,
  start: (f, signal) => f.pool.acquire({ signal }).then((lease) => lease.release()),
  release: (f) => f.held.release(),
  pending: (f) => f.pool.stats().pending,
  teardown: (f) => f.pool.close({ timeoutMs: 0 }),
});

describeAbortContract<Fixture>('pool.acquire with a per-call timeoutMs', {
  setup: fullPool,
  start: (f, signal) => f.pool.acquire({ signal, timeoutMs: 60_000 }).then((lease) => lease.release()),
  release: (f) => f.held.release(),
  pending: (f) => f.pool.stats().pending,
  teardown: (f) => f.pool.close({ timeoutMs: 0 }),
});

describeAbortContract<Fixture>('pool.use', {
  setup: fullPool,
  start: (f, signal) => f.pool.use((r) => r.id, { signal }),
  release: (f) => f.held.release(),
  pending: (f) => f.pool.stats().pending,
  teardown: (f) => f.pool.close({ timeoutMs: 0 }),
});

describe('an aborted acquire', () => {
  it('is never handed a resource, even when a stopImmediatePropagation() listener runs ahead of ours', async () => {
    const { pool, held } = await fullPool();
    const controller = new AbortController();
    controller.signal.addEventListener('abort', (event) => event.stopImmediatePropagation());
    let lease: Lease<Res> | undefined;
    let error: unknown;
    const waiting = pool.acquire({ signal: controller.signal }).then(
      (l) => {
        lease = l;
      },
      (e: unknown) => {
        error = e;
      },
    );
    await flush();
    controller.abort(new Error('gone'));
    held.release();
    await waiting;
    expect(lease).toBeUndefined();
    expect(error).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
    expect(pool.stats()).toMatchObject({ pending: 0, borrowed: 0, available: 1 });
    await pool.close();
  });

  it('rejects with ERR_INVALID_ARG_TYPE for a signal-like object, and leaves the books as they were', async () => {
    const { pool, held } = await fullPool();
    const fake = { aborted: false, reason: undefined, addEventListener() {} };
    await expect(pool.acquire({ signal: fake as never })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
    held.release();
    await pool.close();
    expect(pool.stats()).toMatchObject({ size: 0, borrowed: 0, pending: 0, available: 0 });
    checkBooks(pool.stats());
  });

  it('keeps the books right when removing its abort listener throws', async () => {
    const { pool, held } = await fullPool();
    const controller = new AbortController();
    const signal = controller.signal;
    signal.removeEventListener = () => {
      throw new Error('hostile removeEventListener');
    };
    const waiting = pool.acquire({ signal });
    await flush();
    held.release();
    const lease = await waiting;
    checkBooks(pool.stats());
    expect(pool.stats()).toMatchObject({ borrowed: 1, pending: 0 });
    lease.release();
    await pool.close();
    expect(pool.stats()).toMatchObject({ size: 0, borrowed: 0, pending: 0 });
  });
});

// ---- random interleavings against a model --------------------------------------------------

type Op =
  | { kind: 'acquire'; abortable: boolean }
  | { kind: 'abort'; index: number }
  | { kind: 'release'; index: number }
  | { kind: 'tick' }
  | { kind: 'close' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('acquire' as const), abortable: fc.boolean() }),
  fc.record({ kind: fc.constant('abort' as const), index: fc.nat(20) }),
  fc.record({ kind: fc.constant('release' as const), index: fc.nat(20) }),
  fc.record({ kind: fc.constant('tick' as const) }),
  fc.record({ kind: fc.constant('close' as const) }),
);

interface Caller {
  controller: AbortController | undefined;
  /** The model: aborted before it settled. */
  abortedWhileWaiting: boolean;
  state: 'waiting' | 'holding' | 'released' | 'rejected';
  lease: Lease<Res> | undefined;
  /** The resource's id, read when the lease arrived. */
  id: number;
  error: unknown;
}

describe('random interleavings of acquire / abort / release / close', () => {
  it('an aborted caller never receives a resource; every resource created is borrowed by a live caller, idle, or destroyed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 }),
        fc.array(opArb, { maxLength: 40 }),
        async (max, ops) => {
          const created = new Set<number>();
          const destroyed = new Set<number>();
          let next = 1;
          const pool = createPool<Res>(
            {
              create: async () => {
                const r = { id: next++ };
                created.add(r.id);
                return r;
              },
              destroy: async (r) => {
                destroyed.add(r.id);
              },
            },
            { max, maxWaiting: 50, acquireTimeoutMs: Number.POSITIVE_INFINITY },
          );
          const callers: Caller[] = [];
          let closed = false;
          // Every step: the books add up, an aborted caller holds nothing, nothing is lent twice.
          // At quiet points (after a tick, when every callback has run): the counts match the callers.
          const check = (quiet: boolean) => {
            const s = pool.stats();
            checkBooks(s);
            for (const c of callers) {
              if (c.abortedWhileWaiting && (c.state === 'holding' || c.state === 'released')) {
                throw new Error('an aborted caller received a resource');
              }
            }
            const holding = callers.filter((c) => c.state === 'holding');
            const borrowedIds = new Set(holding.map((c) => c.id));
            if (borrowedIds.size !== holding.length) throw new Error('a resource is lent twice');
            if (quiet && !closed) {
              if (s.borrowed !== holding.length)
                throw new Error(`borrowed ${s.borrowed} != ${holding.length} held`);
              const waiting = callers.filter((c) => c.state === 'waiting').length;
              if (s.pending !== waiting) throw new Error(`pending ${s.pending} != ${waiting} waiting`);
              // Every created resource: borrowed by a live caller, idle, or destroyed.
              const alive = [...created].filter((id) => !destroyed.has(id));
              if (s.creating !== 0 || alive.length !== s.available + s.borrowed + s.destroying) {
                throw new Error(
                  `${alive.length} alive, but ${s.available} idle + ${s.borrowed} borrowed + ${s.destroying} destroying`,
                );
              }
            }
          };
          for (const op of ops) {
            switch (op.kind) {
              case 'acquire': {
                const controller = op.abortable ? new AbortController() : undefined;
                // A stopImmediatePropagation() listener ahead of the pool's, every time.
                controller?.signal.addEventListener('abort', (e) => e.stopImmediatePropagation());
                const caller: Caller = {
                  controller,
                  abortedWhileWaiting: false,
                  state: 'waiting',
                  lease: undefined,
                  id: 0,
                  error: undefined,
                };
                callers.push(caller);
                pool.acquire(controller === undefined ? undefined : { signal: controller.signal }).then(
                  (lease) => {
                    // (close() may have taken it back before this callback ran)
                    caller.state = lease.ended ? 'released' : 'holding';
                    caller.lease = lease;
                    caller.id = lease.ended ? -1 : lease.resource.id;
                  },
                  (error: unknown) => {
                    caller.state = 'rejected';
                    caller.error = error;
                  },
                );
                break;
              }
              case 'abort': {
                // Every callback has run: a caller still 'waiting' is in the pool's queue.
                await flush();
                const abortable = callers.filter(
                  (c) => c.controller !== undefined && !c.controller.signal.aborted,
                );
                const c = abortable[op.index % Math.max(1, abortable.length)];
                if (c !== undefined) {
                  if (c.state === 'waiting') c.abortedWhileWaiting = true;
                  c.controller!.abort(new Error('abort'));
                }
                break;
              }
              case 'release': {
                const holding = callers.filter((c) => c.state === 'holding');
                const c = holding[op.index % Math.max(1, holding.length)];
                if (c !== undefined) {
                  c.lease!.release();
                  c.state = 'released';
                }
                break;
              }
              case 'tick':
                await flush();
                check(true);
                break;
              case 'close':
                if (!closed) {
                  closed = true;
                  void pool.close({ timeoutMs: 0 });
                }
                break;
            }
            check(false);
            await Promise.resolve();
          }
          await flush();
          check(true);
          for (const c of callers) if (c.state === 'holding') c.lease!.release();
          await pool.close({ timeoutMs: 0 });
          await flush();
          for (const c of callers) {
            expect(c.state).not.toBe('waiting');
            if (c.abortedWhileWaiting) expect(c.state).toBe('rejected');
            if (c.controller !== undefined)
              expect(getEventListeners(c.controller.signal, 'abort').length).toBeLessThanOrEqual(1);
          }
          // After close every resource created has been destroyed.
          expect([...created].filter((id) => !destroyed.has(id))).toEqual([]);
          checkBooks(pool.stats());
          expect(pool.stats()).toMatchObject({ size: 0, pending: 0 });
        },
      ),
      {
        numRuns: 300,
        examples: [
          [
            1,
            [
              { kind: 'acquire', abortable: false },
              { kind: 'acquire', abortable: true },
              { kind: 'abort', index: 0 },
              { kind: 'release', index: 0 },
              { kind: 'tick' },
            ],
          ],
        ],
      },
    );
  });
});
