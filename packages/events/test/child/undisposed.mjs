// Creates emitters, scopes, signal-bound listeners and iterators, uses them and disposes
// nothing: the process must still exit on its own.
import { createScope, EventEmitter, on } from '@leakproof/events';

const bus = new EventEmitter({ name: 'bus', listenerLimit: 50 });
const ac = new AbortController();
for (let i = 0; i < 20; i++) {
  const scope = createScope({ name: `job-${i}` });
  scope.on(bus, 'tick', () => {});
  scope.child({ signal: ac.signal }).once(bus, 'tick', () => {});
  bus.on('tock', () => {}, { signal: ac.signal });
}
bus.scope().on('tick', () => {});
const iterator = on(bus, 'data');
bus.emit('data', 1);
await iterator.next();
bus.emit('tick');
console.log(bus.stats().listeners > 0 ? 'used' : 'empty');
