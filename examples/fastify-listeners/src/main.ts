// npm start (from this example's folder)
// then: curl localhost:3000/quote/sku-1   or   curl localhost:3000/stock/sku-1/next
import { createApp } from './app.js';
import { createInventory } from './inventory.js';

const inventory = createInventory();
const app = createApp(inventory);
await app.listen({ port: 3000, host: '127.0.0.1' });
console.log('listening on http://127.0.0.1:3000');
const feed = setInterval(() => {
  inventory.emit('change', {
    sku: `sku-${Math.floor(Math.random() * 3)}`,
    quantity: Math.floor(Math.random() * 10),
  });
  console.log('inventory listeners:', inventory.listenerCount('change'));
}, 1000);
process.once('SIGINT', () => {
  clearInterval(feed);
  void app.close();
});
