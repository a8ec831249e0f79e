// @leakproof/events as its README shows it: the drop-in EventEmitter, scopes, once/on with signals.
import EventEmitter, { createScope, on, once } from '@leakproof/events';

function check(ok: unknown, what: string): asserts ok {
  if (!ok) throw new Error(`@leakproof/events: ${what}`);
}

interface Order {
  readonly id: number;
}

class Orders extends EventEmitter<{ created: [Order]; closed: [] }> {}

async function main(): Promise<void> {
  const orders = new Orders({ name: 'orders', listenerLimit: 100 });
  const seen: number[] = [];
  {
    using scope = orders.scope();
    scope.on('created', (order) => seen.push(order.id));
    orders.emit('created', { id: 1 });
    check(orders.listenerCount('created') === 1, 'the scope added a listener');
  }
  check(orders.listenerCount('created') === 0, 'disposing the scope removed it');
  check(seen.join(',') === '1', 'the listener ran');

  const feed = new EventEmitter();
  {
    using requestScope = createScope();
    requestScope.on(feed, 'change', () => {});
    check(feed.listenerCount('change') === 1, 'a request scope adds to any emitter');
  }
  check(feed.listenerCount('change') === 0, 'disposing the request scope removed it');

  const next = once(orders, 'created');
  orders.emit('created', { id: 2 });
  const [order] = await next;
  check(order.id === 2, 'once resolves with the arguments');

  const controller = new AbortController();
  const iterator = on(orders, 'created', { signal: controller.signal, highWaterMark: 16 });
  queueMicrotask(() => orders.emit('created', { id: 3 }));
  for await (const [created] of iterator) {
    check(created.id === 3, 'on() yields the event');
    break;
  }
  check(orders.listenerCount('created') === 0, 'leaving for-await removed the listener');
  controller.abort();
  orders.emit('closed');
}

main().then(
  () => console.log('ok @leakproof/events'),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
