// Runs 10 000 quote requests through the leaky handler (on node:events and on
// @leakproof/events) and through the scoped one, and prints what each leaves behind.
//
//   npm start (from this example's folder)
import { EventEmitter as NodeEventEmitter, once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { EventEmitter } from '@leakproof/events';
import type { InventoryEvents } from './inventory.js';
import { leakyQuoteHandler } from './leaky-handler.js';
import { scopedQuoteHandler } from './scoped-handler.js';
import { hammer, type QuoteHandler, quoteServer } from './server.js';

const REQUESTS = 10_000;

async function run(label: string, inventory: NodeEventEmitter<InventoryEvents>, handler: QuoteHandler) {
  const server = quoteServer(handler).listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const statuses = await hammer((server.address() as AddressInfo).port, REQUESTS);
    const codes = [...statuses].map(([code, n]) => `${n}×${code}`).join(' ');
    console.log(
      `${label.padEnd(44)} listeners left: ${String(inventory.listenerCount('change')).padStart(6)}   ${codes}`,
    );
  } finally {
    server.close();
    server.closeAllConnections();
  }
}

const plain = new NodeEventEmitter<InventoryEvents>();
plain.setMaxListeners(0); // silence the warning to show the raw leak
await run('leaky handler, node:events', plain, leakyQuoteHandler(plain));

const bounded = new EventEmitter<InventoryEvents>({ name: 'inventory' });
bounded.setMaxListeners(0);
await run('leaky handler, @leakproof/events', bounded, leakyQuoteHandler(bounded));

const scoped = new EventEmitter<InventoryEvents>({ name: 'inventory' });
await run('scoped handler, @leakproof/events', scoped, scopedQuoteHandler(scoped));
