// @leakproof/core as its README shows it: errors, disposal stacks, abort helpers, the registry.
import {
  AsyncDisposableStack,
  isLeakproofError,
  listPrimitives,
  onAbort,
  type Registration,
  registerPrimitive,
  sleep,
} from '@leakproof/core';

function check(ok: unknown, what: string): asserts ok {
  if (!ok) throw new Error(`@leakproof/core: ${what}`);
}

// A primitive of one's own, registered weakly; `stats` defaults to its own method.
class Widget implements Disposable {
  readonly #registration: Registration;
  constructor(name: string) {
    this.#registration = registerPrimitive(this, { kind: 'consumer-widget', name });
  }
  stats() {
    return { size: 1 };
  }
  [Symbol.dispose](): void {
    this.#registration.unregister();
  }
}

async function main(): Promise<void> {
  {
    using widget = new Widget('w1');
    check(widget instanceof Widget, 'using binds the value');
    const listed = listPrimitives({ kind: 'consumer-widget' });
    check(listed.length === 1 && listed[0]?.stats.size === 1, 'listPrimitives reports the widget');
  }
  check(listPrimitives({ kind: 'consumer-widget' }).length === 0, 'disposing unregisters');

  const order: string[] = [];
  {
    await using stack = new AsyncDisposableStack();
    stack.defer(() => {
      order.push('first');
    });
    stack.defer(async () => {
      order.push('second');
    });
  }
  check(order.join(',') === 'second,first', `AsyncDisposableStack runs LIFO, got ${order.join(',')}`);

  const controller = new AbortController();
  let fired = 0;
  using subscription = onAbort(controller.signal, () => fired++);
  const slept = sleep(60_000, { signal: controller.signal });
  controller.abort(new Error('stop'));
  const error = await slept.then(
    () => undefined,
    (e: unknown) => e,
  );
  check(fired === 1, 'onAbort ran once');
  check(isLeakproofError(error, 'ABORT_ERR'), 'sleep rejects with ABORT_ERR on abort');
  subscription.dispose();
}

main().then(
  () => console.log('ok @leakproof/core'),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
