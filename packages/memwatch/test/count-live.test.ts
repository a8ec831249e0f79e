import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { countLive } from '../src/count-live.js';

class Session {
  constructor(readonly id: number) {}
}
class AdminSession extends Session {}

describe('countLive', () => {
  it('counts live instances, subclasses included, and drops collected ones', () => {
    const base = countLive(Session);
    let held: Session[] = Array.from({ length: 25 }, (_, i) => new Session(i));
    held.push(new AdminSession(99));
    expect(countLive(Session)).toBe(base + 26);
    expect(countLive(AdminSession)).toBe(1);
    held = [];
    expect(held).toHaveLength(0);
    // queryObjects collects first: the dropped sessions are gone.
    expect(countLive(Session)).toBe(base);
  });

  it('rejects what is not a constructor', () => {
    expect(() => countLive(42 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    const arrow = (() => {}) as unknown as Function;
    expect(() => countLive(arrow)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  it('says so clearly on a runtime without v8.queryObjects', () => {
    const holder = v8 as { queryObjects?: unknown };
    const original = holder.queryObjects;
    holder.queryObjects = undefined;
    try {
      expect(() => countLive(Session)).toThrow(
        expect.objectContaining({
          code: 'ERR_UNSUPPORTED_RUNTIME',
          message: expect.stringContaining('v8.queryObjects'),
        }),
      );
    } finally {
      holder.queryObjects = original;
    }
  });
});
