// npm start (from this example's folder)
// then: curl localhost:3000/stock/sku-1/next   (answers within a second)
import { createApp } from './app.js';
import { createInventory } from './inventory.js';

const inventory = createInventory();
const app = createApp(inventory);
const server = app.listen(3000, '127.0.0.1', () => console.log('listening on http://127.0.0.1:3000'));
const feed = setInterval(() => {
  inventory.emit('change', {
    sku: `sku-${Math.floor(Math.random() * 3)}`,
    quantity: Math.floor(Math.random() * 10),
  });
  console.log('inventory listeners:', inventory.listenerCount('change'));
}, 1000);
process.once('SIGINT', () => {
  clearInterval(feed);
  server.close();
});
