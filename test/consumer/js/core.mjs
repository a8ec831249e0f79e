// Plain JavaScript (no `using`: it is a SyntaxError on Node 20) against @leakproof/core.
import { DisposableStack, isLeakproofError, onAbort, sleep } from '@leakproof/core';

const check = (ok, what) => {
  if (!ok) throw new Error(`@leakproof/core: ${what}`);
};

async function main() {
  const order = [];
  const stack = new DisposableStack();
  stack.defer(() => order.push('first'));
  stack.defer(() => order.push('second'));
  stack.dispose();
  check(order.join(',') === 'second,first', 'DisposableStack runs LIFO');

  const controller = new AbortController();
  let fired = 0;
  const subscription = onAbort(controller.signal, () => fired++);
  const slept = sleep(60_000, { signal: controller.signal });
  controller.abort(new Error('stop'));
  const error = await slept.then(
    () => undefined,
    (e) => e,
  );
  subscription.dispose();
  check(fired === 1, 'onAbort ran once');
  check(isLeakproofError(error, 'ABORT_ERR'), 'sleep rejects with ABORT_ERR on abort');
}

main().then(
  () => console.log('ok @leakproof/core'),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
