import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createInventory } from '../src/inventory.js';

describe('examples/fastify-listeners: request-scoped listeners in Fastify 5', () => {
  it('2 000 quotes leave no listener on the shared emitter', async () => {
    const inventory = createInventory();
    const app = createApp(inventory);
    try {
      for (let batch = 0; batch < 20; batch++) {
        const responses = await Promise.all(
          Array.from({ length: 100 }, (_, i) => app.inject({ method: 'GET', url: `/quote/sku-${i % 10}` })),
        );
        expect(responses.every((r) => r.statusCode === 200)).toBe(true);
      }
      expect(inventory.listenerCount('change')).toBe(0);
      expect(inventory.stats()).toMatchObject({ listeners: 0, scopes: 0, limitHits: 0 });
    } finally {
      await app.close();
    }
  });

  it('a change during a quote marks it stale', async () => {
    const inventory = createInventory();
    const app = createApp(inventory);
    try {
      const pending = app.inject({ method: 'GET', url: '/quote/sku-3' });
      while (inventory.listenerCount('change') === 0) await new Promise((r) => setImmediate(r));
      inventory.emit('change', { sku: 'sku-3', quantity: 1 });
      expect((await pending).json()).toMatchObject({ sku: 'sku-3', stale: true });
      expect(inventory.listenerCount('change')).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('long-polls that time out or get their answer leave nothing behind', async () => {
    const inventory = createInventory();
    const app = createApp(inventory, 20);
    try {
      const waiting = Array.from({ length: 50 }, (_, i) =>
        app.inject({ method: 'GET', url: `/stock/sku-${i % 2}/next` }),
      );
      while (inventory.listenerCount('change') < 50) await new Promise((r) => setImmediate(r));
      inventory.emit('change', { sku: 'sku-0', quantity: 5 });
      const responses = await Promise.all(waiting);
      expect(responses.filter((r) => r.statusCode === 200)).toHaveLength(25);
      expect(responses.filter((r) => r.statusCode === 204)).toHaveLength(25);
      expect(inventory.listenerCount('change')).toBe(0);
      expect(inventory.listenerCount('error')).toBe(0);
    } finally {
      await app.close();
    }
  });
});
