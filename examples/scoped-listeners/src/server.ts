import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A quote handler as both variants provide it. */
export type QuoteHandler = (sku: string, req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** `GET /quote/:sku` served by `handler`; a thrown error becomes a 500 with its code. */
export function quoteServer(handler: QuoteHandler): Server {
  return createServer(async (req, res) => {
    const match = /^\/quote\/([\w-]+)$/.exec(req.url ?? '');
    if (req.method !== 'GET' || match === null) {
      res.writeHead(404).end();
      return;
    }
    try {
      await handler(match[1]!, req, res);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500).end((error as { code?: string }).code ?? String(error));
    }
  });
}

/** Sends `count` requests, `concurrency` at a time; resolves with the status codes seen. */
export async function hammer(port: number, count: number, concurrency = 16): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const res = await fetch(`http://127.0.0.1:${port}/quote/sku-${i % 100}`);
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return statuses;
}
