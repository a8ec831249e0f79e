import diagnostics_channel from 'node:diagnostics_channel';
import { listPrimitives } from '@leakproof/core';
import { CircuitBreaker } from '@leakproof/redis';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

function fakeClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('CircuitBreaker', () => {
  it('opens after consecutive failures, half-opens after the cooldown, closes on a good probe', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 100, now: clock.now });
    breaker.failure(new Error('1'));
    breaker.failure(new Error('2'));
    breaker.success(); // resets the run
    breaker.failure(new Error('3'));
    breaker.failure(new Error('4'));
    expect(breaker.state).toBe('closed');
    breaker.failure(new Error('5'));
    expect(breaker.state).toBe('open');
    expect((breaker.lastError as Error).message).toBe('5');
    expect(breaker.allow()).toBe(false);
    clock.advance(99);
    expect(breaker.allow()).toBe(false);
    clock.advance(1);
    expect(breaker.allow()).toBe(true);
    expect(breaker.state).toBe('half-open');
    expect(breaker.allow()).toBe(false); // one probe at a time
    breaker.success();
    expect(breaker.state).toBe('closed');
    expect(breaker.stats()).toMatchObject({ state: 0, failures: 5, successes: 2, rejected: 3, opened: 1 });
  });

  it('a failed probe reopens it for another full cooldown', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 50, now: clock.now });
    breaker.failure();
    clock.advance(50);
    expect(breaker.allow()).toBe(true);
    breaker.failure();
    expect(breaker.state).toBe('open');
    clock.advance(49);
    expect(breaker.allow()).toBe(false);
    clock.advance(1);
    expect(breaker.allow()).toBe(true);
    breaker.reset();
    expect(breaker.state).toBe('closed');
  });

  it('publishes state changes on leakproof:redis:breaker', () => {
    const events: unknown[] = [];
    const listener = (message: unknown) => events.push(message);
    diagnostics_channel.subscribe('leakproof:redis:breaker', listener);
    try {
      const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 0, name: 'b1' });
      breaker.failure(new Error('x'));
      breaker.allow();
      breaker.success();
      expect(events).toEqual([
        expect.objectContaining({ name: 'b1', state: 'open', previous: 'closed' }),
        expect.objectContaining({ name: 'b1', state: 'half-open', previous: 'open' }),
        expect.objectContaining({ name: 'b1', state: 'closed', previous: 'half-open' }),
      ]);
      breaker.dispose();
    } finally {
      diagnostics_channel.unsubscribe('leakproof:redis:breaker', listener);
    }
  });

  it('validates options and registers until disposed', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => new CircuitBreaker({ cooldownMs: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => new CircuitBreaker('x' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    const breaker = new CircuitBreaker({ name: 'registered-breaker' });
    expect(listPrimitives({ kind: 'circuit-breaker' }).map((p) => p.name)).toContain('registered-breaker');
    breaker[Symbol.dispose]();
    breaker.dispose();
    expect(listPrimitives({ kind: 'circuit-breaker' }).map((p) => p.name)).not.toContain(
      'registered-breaker',
    );
  });

  it('matches a reference model under random sequences of calls, results and time', () => {
    type Model = {
      state: 'closed' | 'open' | 'half-open';
      run: number;
      openedAt: number;
      probing: boolean;
      t: number;
    };
    const threshold = 3;
    const cooldown = 10;
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constant('allow'),
            fc.constant('ok'),
            fc.constant('fail'),
            fc.integer({ min: 1, max: 15 }),
          ),
          {
            maxLength: 60,
          },
        ),
        (steps) => {
          const clock = fakeClock();
          const breaker = new CircuitBreaker({
            failureThreshold: threshold,
            cooldownMs: cooldown,
            now: clock.now,
          });
          const m: Model = { state: 'closed', run: 0, openedAt: 0, probing: false, t: 0 };
          for (const step of steps) {
            if (typeof step === 'number') {
              clock.advance(step);
              m.t += step;
            } else if (step === 'allow') {
              let expected: boolean;
              if (m.state === 'closed') expected = true;
              else if (m.state === 'open' && m.t - m.openedAt >= cooldown) {
                m.state = 'half-open';
                m.probing = true;
                expected = true;
              } else if (m.state === 'half-open' && !m.probing) {
                m.probing = true;
                expected = true;
              } else expected = false;
              expect(breaker.allow()).toBe(expected);
            } else if (step === 'ok') {
              breaker.success();
              m.run = 0;
              m.state = 'closed';
              m.probing = false;
            } else {
              breaker.failure();
              m.run++;
              if (m.state === 'half-open' || (m.state === 'closed' && m.run >= threshold)) {
                m.state = 'open';
                m.openedAt = m.t;
                m.probing = false;
              } else if (m.state === 'open') m.openedAt = m.t;
            }
            expect(breaker.state).toBe(m.state);
          }
          breaker.dispose();
        },
      ),
    );
  });
});
