// Plain JavaScript against @leakproof/events: the default export is the EventEmitter (and in
// CommonJS, `require('@leakproof/events')` is the constructor itself, as `require('events')` is).
import EventEmitter, { createScope, once } from '@leakproof/events';

const check = (ok, what) => {
  if (!ok) throw new Error(`@leakproof/events: ${what}`);
};

async function main() {
  const feed = new EventEmitter({ name: 'feed' });
  check(feed instanceof EventEmitter, 'new EventEmitter()');
  const scope = createScope();
  scope.on(feed, 'change', () => {});
  check(feed.listenerCount('change') === 1, 'the scope added a listener');
  scope.dispose();
  check(feed.listenerCount('change') === 0, 'dispose() removed it');
  const next = once(feed, 'change');
  feed.emit('change', 42);
  const [value] = await next;
  check(value === 42, 'once resolves with the arguments');
}

main().then(
  () => console.log('ok @leakproof/events'),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
