// Where node:events defines a misuse, ours throws Node's class, code and message, checked
// against the running Node's own events module (so the same test holds on Node 20, 22, 24).
import * as nodeEvents from 'node:events';
import * as ours from '@leakproof/events';
import { describe, expect, it } from 'vitest';
import { describeReceived, nodeInvalidArgType, nodeOutOfRange } from '../src/node-errors.js';

// biome-ignore lint/suspicious/noExplicitAny: both modules are driven through the same untyped calls
type Impl = any;

function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return 'no error';
  } catch (error) {
    const e = error as Error & { code?: string };
    return { name: e.name, code: e.code, message: e.message, type: e.constructor.name };
  }
}

async function rejected(fn: () => Promise<unknown>): Promise<unknown> {
  const settled = await Promise.race([
    fn().then(
      () => 'resolved',
      (error: Error & { code?: string }) => ({
        name: error.name,
        code: error.code,
        message: error.message,
        type: error.constructor.name,
      }),
    ),
    new Promise((resolve) => setTimeout(resolve, 20, 'pending')),
  ]);
  return settled;
}

function same(title: string, scenario: (m: Impl) => unknown): void {
  it(title, async () => {
    const expected = await scenario(nodeEvents);
    expect(expected).not.toBe('no error');
    expect(await scenario(ours)).toEqual(expected);
  });
}

describe("Node's words for the misuses node:events defines", () => {
  same('on() iterator .throw() with a non-Error', (m) =>
    thrown(() => m.on(new m.EventEmitter(), 'x').throw(undefined)),
  );
  same('on() with a non-AbortSignal signal', (m) =>
    thrown(() => m.on(new m.EventEmitter(), 'x', { signal: 1 })),
  );
  same('on() on something that is no emitter', (m) => thrown(() => m.on({}, 'x')));
  same('on() with highWaterMark 0', (m) =>
    thrown(() => m.on(new m.EventEmitter(), 'x', { highWaterMark: 0 })),
  );
  same('on() with a string highWaterMark', (m) =>
    thrown(() => m.on(new m.EventEmitter(), 'x', { highWaterMark: '5' })),
  );
  same('on() with a fractional highWaterMark', (m) =>
    thrown(() => m.on(new m.EventEmitter(), 'x', { highWaterMark: 1.5 })),
  );
  same('once() on something that is no emitter', (m) => rejected(() => m.once({}, 'x')));
  same('once() with a non-AbortSignal signal', (m) =>
    rejected(() => m.once(new m.EventEmitter(), 'x', { signal: 1 })),
  );
  same('once() with an already-aborted signal', (m) =>
    rejected(() => m.once(new m.EventEmitter(), 'x', { signal: AbortSignal.abort('why') })),
  );
  same('new EventEmitterAsyncResource({ name: 1 })', (m) =>
    thrown(() => new m.EventEmitterAsyncResource({ name: 1 })),
  );
  same('new EventEmitterAsyncResource() without a name', (m) =>
    thrown(() => new m.EventEmitterAsyncResource()),
  );
  same('a non-function listener', (m) => thrown(() => new m.EventEmitter().on('x', 1)));
  same('setMaxListeners(-1)', (m) => thrown(() => new m.EventEmitter().setMaxListeners(-1)));

  it("new EventEmitterAsyncResource({ name: '' }) falls back to the class name, as Node's does", () => {
    const theirs = new nodeEvents.EventEmitterAsyncResource({ name: '' });
    const mine = new ours.EventEmitterAsyncResource({ name: '' });
    expect(typeof mine.asyncId).toBe('number');
    expect(mine.asyncResource.eventEmitter).toBe(mine);
    theirs.emitDestroy();
    mine.emitDestroy();
  });

  for (const method of ['emit', 'emitDestroy']) {
    same(`EventEmitterAsyncResource.prototype.${method} with a wrong this`, (m) =>
      thrown(() => m.EventEmitterAsyncResource.prototype[method].call({}, 'x')),
    );
  }
  for (const getter of ['asyncId', 'triggerAsyncId', 'asyncResource']) {
    same(`EventEmitterAsyncResource.prototype.${getter} with a wrong this`, (m) =>
      thrown(() => Reflect.get(m.EventEmitterAsyncResource.prototype, getter, new m.EventEmitter())),
    );
  }

  it("the formatter describes received values as Node's determineSpecificType does", () => {
    expect(describeReceived(null)).toBe('null');
    expect(describeReceived(undefined)).toBe('undefined');
    expect(describeReceived(-0)).toBe('type number (-0)');
    expect(describeReceived(1n)).toBe('type bigint (1n)');
    expect(describeReceived(Symbol('s'))).toBe('type symbol (Symbol(s))');
    expect(describeReceived(function named() {})).toBe('function named');
    expect(describeReceived(Object.create(null))).toBe('[Object: null prototype] {}');
    expect(describeReceived('a'.repeat(40))).toBe(`type string ('${'a'.repeat(25)}...')`);
    expect(describeReceived("it's")).toBe('type string ("it\'s")');
    expect(nodeInvalidArgType('first argument', ['string', 'Buffer', 'an array'], 1).message).toBe(
      'The first argument must be of type string or an instance of Buffer or an array. Received type number (1)',
    );
    expect(nodeInvalidArgType('x', ['string', 'number', 'boolean'], 1).message).toBe(
      'The "x" argument must be one of type string, number, or boolean. Received type number (1)',
    );
    expect(nodeOutOfRange('n', '>= 1', 2 ** 40).message).toBe(
      'The value of "n" is out of range. It must be >= 1. Received 1_099_511_627_776',
    );
  });

  it('our own extensions keep our codes: limits, scopes, timeoutMs, the bounded buffer', async () => {
    const e = new ours.EventEmitter({ listenerLimit: 1 });
    e.on('x', () => {});
    expect(() => e.on('x', () => {})).toThrow(expect.objectContaining({ code: 'ERR_LISTENER_LIMIT' }));
    await expect(ours.once(e, 'y', { timeoutMs: -1 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    expect(() => ours.on(e, 'y', { overflow: 'nope' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });
});
