import { describe, expect, it } from 'vitest';
import { expectCollected } from '../src/expect-collected.js';

describe('expectCollected', () => {
  it('resolves for an object nothing holds', async () => {
    await expectCollected(() => ({ payload: new Array(1000).fill(7) }));
  });

  it('resolves for an object an async factory returns', async () => {
    await expectCollected(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return { payload: 'x'.repeat(1000) };
    });
  });

  it('rejects with ERR_LEAK_DETECTED when something still holds it', async () => {
    const registry: object[] = [];
    await expect(
      expectCollected(
        () => {
          const session = { user: 1 };
          registry.push(session); // the leak
          return session;
        },
        { attempts: 3, label: 'the session' },
      ),
    ).rejects.toMatchObject({
      code: 'ERR_LEAK_DETECTED',
      message:
        'Expected the session to be garbage-collected, but it was still reachable after 3 full collections',
    });
    expect(registry).toHaveLength(1);
  });

  it('detects a closure that captures the object', async () => {
    const handlers: (() => number)[] = [];
    await expect(
      expectCollected(
        () => {
          const big = { rows: new Array(100).fill(0) };
          handlers.push(() => big.rows.length);
          return big;
        },
        { attempts: 2 },
      ),
    ).rejects.toMatchObject({ code: 'ERR_LEAK_DETECTED' });
  });

  it('rejects bad input', async () => {
    await expect(expectCollected('x' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(expectCollected(() => 5)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(expectCollected(() => ({}), { attempts: 0 })).rejects.toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
    });
  });
});
