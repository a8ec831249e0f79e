import { AsyncDisposableStack, DisposableStack, SuppressedError } from '@leakproof/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('DisposableStack', () => {
  it('runs disposers last-in-first-out, once, and is idempotent', () => {
    const order: string[] = [];
    const stack = new DisposableStack();
    stack.defer(() => order.push('defer'));
    stack.use({ [Symbol.dispose]: () => order.push('use') });
    stack.adopt('value', (v) => order.push(`adopt:${v}`));
    stack.dispose();
    stack.dispose();
    expect(order).toEqual(['adopt:value', 'use', 'defer']);
    expect(stack.disposed).toBe(true);
  });

  it('passes null and undefined through use() and rejects non-disposables', () => {
    const stack = new DisposableStack();
    expect(stack.use(null)).toBeNull();
    expect(stack.use(undefined)).toBeUndefined();
    expect(() => stack.use({} as Disposable)).toThrow(TypeError);
  });

  it('refuses additions once disposed', () => {
    const stack = new DisposableStack();
    stack.dispose();
    expect(() => stack.defer(() => {})).toThrow(ReferenceError);
  });

  it('move() hands the disposers over without running them', () => {
    const order: number[] = [];
    const stack = new DisposableStack();
    stack.defer(() => order.push(1));
    const moved = stack.move();
    expect(stack.disposed).toBe(true);
    stack.dispose();
    expect(order).toEqual([]);
    moved.dispose();
    expect(order).toEqual([1]);
  });

  it('chains errors through SuppressedError, latest outermost', () => {
    const stack = new DisposableStack();
    const first = new Error('first registered, runs last');
    const second = new Error('second registered, runs first');
    stack.defer(() => {
      throw first;
    });
    stack.defer(() => {
      throw second;
    });
    let caught: unknown;
    try {
      stack.dispose();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SuppressedError);
    const suppressed = caught as { error: unknown; suppressed: unknown };
    expect(suppressed.error).toBe(first);
    expect(suppressed.suppressed).toBe(second);
  });

  it('runs every disposer exactly once in LIFO order whatever throws (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 30 }), (throws) => {
        const ran: number[] = [];
        const stack = new DisposableStack();
        for (const [i, t] of throws.entries()) {
          stack.defer(() => {
            ran.push(i);
            if (t) throw new Error(String(i));
          });
        }
        let caught: unknown;
        try {
          stack.dispose();
        } catch (error) {
          caught = error;
        }
        expect(ran).toEqual(throws.map((_, i) => i).reverse());
        // Unwrap the SuppressedError chain: the errors in the order they were thrown, latest outermost.
        const errors: string[] = [];
        let e = caught;
        while (e instanceof SuppressedError) {
          errors.push((e as unknown as { error: Error }).error.message);
          e = (e as unknown as { suppressed: unknown }).suppressed;
        }
        if (e !== undefined) errors.push((e as Error).message);
        const expected = throws.flatMap((t, i) => (t ? [String(i)] : []));
        expect(errors).toEqual(expected);
        stack.dispose();
        expect(ran.length).toBe(throws.length);
      }),
    );
  });
});

describe('AsyncDisposableStack', () => {
  it('awaits disposers one after another, newest first, preferring asyncDispose', async () => {
    const order: string[] = [];
    const stack = new AsyncDisposableStack();
    stack.use({ [Symbol.dispose]: () => order.push('sync') });
    stack.use({
      [Symbol.asyncDispose]: async () => {
        await new Promise((r) => setTimeout(r, 5));
        order.push('async');
      },
      [Symbol.dispose]: () => order.push('wrong'),
    });
    stack.defer(async () => {
      order.push('deferred');
    });
    await stack.disposeAsync();
    await stack[Symbol.asyncDispose]();
    expect(order).toEqual(['deferred', 'async', 'sync']);
  });

  it('runs every disposer once even when some reject (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('ok', 'throw', 'reject'), { maxLength: 15 }),
        async (kinds) => {
          const ran: number[] = [];
          const stack = new AsyncDisposableStack();
          for (const [i, kind] of kinds.entries()) {
            stack.defer(() => {
              ran.push(i);
              if (kind === 'throw') throw new Error(String(i));
              if (kind === 'reject') return Promise.reject(new Error(String(i)));
              return undefined;
            });
          }
          const failed = await stack.disposeAsync().then(
            () => false,
            () => true,
          );
          expect(ran).toEqual(kinds.map((_, i) => i).reverse());
          expect(failed).toBe(kinds.some((k) => k !== 'ok'));
        },
      ),
    );
  });
});
