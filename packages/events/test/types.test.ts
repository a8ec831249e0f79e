import type { EventEmitter as NodeEventEmitter } from 'node:events';
import {
  createScope,
  type EmitterScope,
  EventEmitter,
  type ListenerScope,
  on,
  once,
} from '@leakproof/events';
import { describe, expect, expectTypeOf, it } from 'vitest';

interface Order {
  id: string;
}

describe('types', () => {
  it('an event map checks event names and argument tuples', () => {
    const orders = new EventEmitter<{ order: [Order]; closed: [] }>();
    orders.on('order', (order) => expectTypeOf(order).toEqualTypeOf<Order>());
    orders.on('order', (order) => void order, { signal: new AbortController().signal });
    orders.emit('order', { id: 'a' });
    orders.emit('closed');
    // @ts-expect-error unknown event
    orders.on('nope', () => {});
    // @ts-expect-error wrong argument type
    orders.emit('order', 42);
    // @ts-expect-error missing argument
    orders.emit('order');
    expectTypeOf(orders.scope()).toEqualTypeOf<EmitterScope<{ order: [Order]; closed: [] }>>();
    orders.scope().on('order', (order) => expectTypeOf(order).toEqualTypeOf<Order>());
    // @ts-expect-error unknown event on a bound scope
    orders.scope().on('nope', () => {});
  });

  it('an untyped emitter accepts any event and listener, like node:events', () => {
    const e = new EventEmitter();
    e.on('anything', (a: string, b: number) => void [a, b]);
    e.emit('anything', 'x', 1);
    expectTypeOf(e.getListenerLimit()).toEqualTypeOf<number>();
    expectTypeOf(e.stats().listeners).toEqualTypeOf<number>();
  });

  it('is assignable to Node types and usable as a base class', () => {
    const e: NodeEventEmitter = new EventEmitter();
    const typed: NodeEventEmitter<{ a: [number] }> = new EventEmitter<{ a: [number] }>();
    class Store extends EventEmitter<{ saved: [string] }> {
      save(key: string) {
        this.emit('saved', key);
      }
    }
    const s = new Store({ name: 'store', listenerLimit: 10 });
    s.on('saved', (key) => expectTypeOf(key).toEqualTypeOf<string>());
    expectTypeOf(s).toMatchTypeOf<NodeEventEmitter>();
    void [e, typed];
  });

  it("scope listeners are typed from the target's event map, and compile under noImplicitAny", () => {
    const inventory = new EventEmitter<{ change: [item: { sku: string }, delta: number]; closed: [] }>();
    const scope = createScope();
    scope.on(inventory, 'change', (item, delta) => {
      expectTypeOf(item).toEqualTypeOf<{ sku: string }>();
      expectTypeOf(delta).toEqualTypeOf<number>();
    });
    scope.once(inventory, 'closed', () => {});
    // @ts-expect-error unknown event of a typed emitter
    scope.on(inventory, 'nope', () => {});
    // @ts-expect-error wrong parameter type
    scope.on(inventory, 'change', (item: number) => void item);
    class Store extends EventEmitter<{ saved: [key: string] }> {}
    scope.on(new Store(), 'saved', (key) => expectTypeOf(key).toEqualTypeOf<string>());
    const nodeTyped = null as unknown as NodeEventEmitter<{ tick: [n: number] }>;
    if (nodeTyped !== null) scope.on(nodeTyped, 'tick', (n) => expectTypeOf(n).toEqualTypeOf<number>());
    scope.on(new AbortController().signal, 'abort', (event) => expectTypeOf(event).toEqualTypeOf<Event>());
    scope.on(new EventTarget(), 'x', { handleEvent: (event) => expectTypeOf(event).toEqualTypeOf<Event>() });
    // Untyped emitters (streams, sockets, plain EventEmitter) take any listener.
    scope.on(new EventEmitter(), 'anything', (a: string, b: number) => void [a, b]);
    scope.dispose();
  });

  it('every optional option accepts an explicit undefined (exactOptionalPropertyTypes)', async () => {
    const maybe = undefined as number | undefined;
    const signal = undefined as AbortSignal | undefined;
    const e = new EventEmitter({ listenerLimit: maybe, name: undefined, captureRejections: undefined });
    e.on('x', () => {}, { signal });
    const scope = createScope({ signal, name: undefined, parent: undefined });
    scope.child({ signal, name: undefined }).dispose();
    e.scope({ signal }).dispose();
    on(e, 'x', { signal, highWaterMark: maybe, overflow: undefined, close: undefined }).return?.();
    setTimeout(() => e.emit('y'), 1);
    await once(e, 'y', { signal, timeoutMs: maybe });
    scope.dispose();
  });

  it('the constructor ignores option keys it does not know, as node:events does (subclass options)', () => {
    class Store extends EventEmitter {
      constructor(readonly options: { path: string; captureRejections?: boolean }) {
        super(options);
      }
    }
    expect(new Store({ path: '/data' }).options.path).toBe('/data');
  });

  it('statics and helpers are typed', () => {
    expectTypeOf(EventEmitter.once).returns.resolves.toBeArray();
    expectTypeOf(EventEmitter.createScope).returns.toEqualTypeOf<ListenerScope>();
    expectTypeOf(createScope().on).returns.toEqualTypeOf<ListenerScope>();
    expectTypeOf(EventEmitter.defaultMaxListeners).toEqualTypeOf<number>();
  });
});
