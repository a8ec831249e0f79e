// once() with a timeout that settles by the event: exits 0 at once, leaving no timer behind.
import { EventEmitter, once } from '@leakproof/events';

const e = new EventEmitter();
setTimeout(() => e.emit('ready', 42), 20);
const [value] = await once(e, 'ready', { timeoutMs: 60_000 });
console.log(value);
