// Methods leakproof does not replace are read from Node's prototype at call time, so a
// patch applied to node:events after the package loaded (domains, APM agents wrapping
// emit) reaches leakproof emitters, while nothing changes until somebody patches.
import NodeEvents from 'node:events';
import { EventEmitter } from '@leakproof/events';
import { describe, expect, it } from 'vitest';

const nodeProto = NodeEvents.EventEmitter.prototype as unknown as Record<string, Function>;
const ourProto = EventEmitter.prototype as unknown as Record<string, Function>;

describe("the prototype follows Node's", () => {
  it("is Node's very function for every method it does not replace, until someone patches", () => {
    for (const key of [
      'emit',
      'listeners',
      'rawListeners',
      'eventNames',
      'listenerCount',
      'setMaxListeners',
    ]) {
      expect(ourProto[key]).toBe(nodeProto[key]);
    }
    expect(Object.keys(ourProto)).toEqual(expect.arrayContaining(Object.keys(nodeProto)));
  });

  it("an emit wrapper installed on node:events' prototype after load wraps leakproof emitters from the next construction", () => {
    const original = nodeProto.emit!;
    const seen: unknown[] = [];
    nodeProto.emit = function (this: unknown, ...args: unknown[]) {
      seen.push(args[0]);
      return original.apply(this, args);
    };
    try {
      const e = new EventEmitter();
      let got: unknown;
      e.on('order', (v) => {
        got = v;
      });
      expect(e.emit('order', 7)).toBe(true);
      expect(got).toBe(7);
      expect(seen).toEqual(['order']);
    } finally {
      nodeProto.emit = original;
    }
    new EventEmitter();
    expect(ourProto.emit).toBe(original);
  });

  it("methods other than emit are read from Node's prototype at call time", () => {
    const original = nodeProto.eventNames!;
    const wrapped = function (this: unknown) {
      return ['wrapped', ...(original.call(this) as unknown[])];
    };
    nodeProto.eventNames = wrapped;
    try {
      expect(ourProto.eventNames).toBe(wrapped);
    } finally {
      nodeProto.eventNames = original;
    }
    expect(ourProto.eventNames).toBe(original);
  });

  it('an emit assigned on the leakproof prototype is kept over a later node:events patch', () => {
    const original = nodeProto.emit!;
    const mine = function (this: unknown, ...args: unknown[]) {
      return original.apply(this, args);
    };
    const theirs = function (this: unknown, ...args: unknown[]) {
      return original.apply(this, args);
    };
    ourProto.emit = mine;
    nodeProto.emit = theirs;
    try {
      new EventEmitter();
      expect(ourProto.emit).toBe(mine);
    } finally {
      nodeProto.emit = original;
      ourProto.emit = original;
    }
  });

  it('assigning a method on an instance, on the prototype or on a mixin target stores a plain value', () => {
    const e = new EventEmitter();
    const mine = () => true;
    (e as unknown as Record<string, unknown>).emit = mine;
    expect(Object.getOwnPropertyDescriptor(e, 'emit')).toMatchObject({ value: mine, writable: true });
    expect(new EventEmitter().emit).toBe(nodeProto.emit);

    const target = Object.assign({}, EventEmitter.prototype) as Record<string, unknown>;
    expect(target.emit).toBe(nodeProto.emit);
    expect(Object.getOwnPropertyDescriptor(target, 'emit')).toMatchObject({ value: nodeProto.emit });

    class Sub extends EventEmitter {}
    const subProto = Sub.prototype as unknown as Record<string, unknown>;
    const replaced = () => false;
    subProto.eventNames = replaced;
    expect(new Sub().eventNames).toBe(replaced);
    expect(new EventEmitter().eventNames).toBe(nodeProto.eventNames);
  });
});
