// Loads leakproof first and `domain` afterwards: Node routes an emitter's 'error' to the
// domain it was added to, and so must ours, whatever the import order.
const EventEmitter = require('@leakproof/events');
const before = EventEmitter.usingDomains;
const domain = require('node:domain');
const d = domain.create();
let routed;
d.on('error', (error) => {
  routed = error.message;
});
const e = new EventEmitter();
d.add(e);
e.emit('error', new Error('to the domain'));
console.log(JSON.stringify({ before, after: EventEmitter.usingDomains, routed }));
