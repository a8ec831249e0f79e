import type { AddressInfo } from 'node:net';
import { createMemoryService } from './service.js';

const service = await createMemoryService();
service.server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const { port } = service.server.address() as AddressInfo;
  console.log(`sessions:      http://127.0.0.1:${port}/sessions/alice`);
  console.log(`memory status: http://127.0.0.1:${port}/status/memory`);
  console.log(`metrics:       http://127.0.0.1:${port}/metrics`);
});
process.once('SIGINT', () => void service.close());
