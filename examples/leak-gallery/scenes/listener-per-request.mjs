// 2. Each request subscribes to a shared emitter (config changes) and never unsubscribes:
// the emitter keeps every listener, and every listener keeps its request alive.
// A ListenerScope per request removes them all when the request ends.
import { EventEmitter as NodeEventEmitter } from 'node:events';
import { text } from '../lib/payload.mjs';

function request(id) {
  return { id, headers: { 'x-request-id': String(id) }, body: text(1_024, id), locale: 'en' };
}

export default {
  id: 'listeners',
  title: 'Listener per request',
  problem: 'Every request adds a listener to a shared config emitter and never removes it.',
  plain: "bus.on('config', onConfig) per request",
  leakproof: "scope.on(bus, 'config', onConfig), scope disposed when the request ends",
  requires: ['@leakproof/events'],
  warmupOps: 1_000,
  defaultOps: 20_000,
  leakBytesPerOp: 128,
  async run(variant) {
    if (variant === 'plain') {
      const bus = new NodeEventEmitter();
      return {
        step(from, to) {
          for (let i = from; i < to; i++) {
            const req = request(i);
            bus.on('config', (config) => {
              req.locale = config.locale;
            });
            if (i % 1_000 === 0) bus.emit('config', { locale: 'en' });
          }
        },
        notes: () => [`${bus.listenerCount('config').toLocaleString('en-US')} config listeners at the end`],
      };
    }
    const { EventEmitter, createScope } = await import('@leakproof/events');
    const bus = new EventEmitter();
    return {
      step(from, to) {
        for (let i = from; i < to; i++) {
          const scope = createScope();
          try {
            const req = request(i);
            scope.on(bus, 'config', (config) => {
              req.locale = config.locale;
            });
            if (i % 1_000 === 0) bus.emit('config', { locale: 'en' });
          } finally {
            scope.dispose(); // `using scope = createScope()` in TypeScript
          }
        }
      },
      notes: () => [`${bus.listenerCount('config').toLocaleString('en-US')} config listeners at the end`],
    };
  },
};
