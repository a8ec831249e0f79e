// The clients: `concurrency` loops sending a mix of requests over keep-alive connections
// until a deadline. Some of them read /report deliberately slowly. Every answer is checked.
import { Agent, request } from 'node:http';

export interface LoadStats {
  requests: number;
  readonly byRoute: Record<string, number>;
  /** Requests that failed or got a wrong answer: the soak expects none. */
  readonly failures: string[];
  /** Orders the service acknowledged (201), each with a unique request id: all must be stored, once. */
  ackedOrders: number;
  slowReports: number;
}

export interface Expected {
  readonly products: number;
  /** Sum of every product's price: what a complete report must add up to. */
  readonly priceTotal: number;
}

const HOT_PRODUCTS = 300;

interface Response {
  status: number;
  body: string;
}

function get(agent: Agent, base: string, path: string, client: string, slow: boolean): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { agent, headers: { 'x-client': client } }, (res) => {
      res.setEncoding('utf8');
      let body = '';
      (async () => {
        for await (const chunk of res) {
          body += chunk;
          // A slow consumer: the server has to wait for us, not buffer the whole report.
          if (slow) await new Promise((r) => setTimeout(r, 5));
        }
        resolve({ status: res.statusCode ?? 0, body });
      })().catch(reject);
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`timeout on ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

export function createLoad(base: string, expected: Expected, concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency + 2 });
  const stats: LoadStats = { requests: 0, byRoute: {}, failures: [], ackedOrders: 0, slowReports: 0 };
  let sequence = 0;
  let counter = 0;

  async function one(client: string, i: number): Promise<void> {
    const roll = i % 20;
    // Reads favour a hot set (so L1 and L2 both hit); orders spread over every product.
    const product = 1 + ((i * 7_919) % (roll < 10 ? HOT_PRODUCTS : expected.products));
    let route: string;
    let check: (r: Response) => string | undefined;
    let path: string;
    let slow = false;
    if (roll < 10) {
      route = 'product';
      path = `/product?id=${product}`;
      check = (r) => {
        const body = r.status === 200 ? JSON.parse(r.body) : {};
        return body.id === product && body.label === `€${(body.price / 100).toFixed(2)}`
          ? undefined
          : 'wrong product';
      };
    } else if (roll < 13) {
      route = 'order';
      const id = `${client}-${sequence++}`;
      path = `/order?request=${id}&product=${product}`;
      check = (r) => {
        if (r.status !== 201) return 'order not acknowledged';
        stats.ackedOrders++;
        return undefined;
      };
    } else if (roll < 18) {
      route = 'watch';
      path = '/watch';
      check = (r) =>
        r.status === 200 && JSON.parse(r.body).event?.product > 0 ? undefined : 'no price event';
    } else {
      route = roll === 19 ? 'report-slow' : 'report';
      slow = roll === 19;
      // The slow reader asks for fat lines (8 KiB each, ~160 KiB in all) so the socket fills up.
      // A line is half the response's high-water mark: write() says "full" only when we lag.
      path = slow ? '/report?pad=8192' : '/report';
      check = (r) => {
        const last = JSON.parse(r.body.trimEnd().split('\n').at(-1) ?? '{}');
        return r.status === 200 && last.rows === expected.products && last.total === expected.priceTotal
          ? undefined
          : `incomplete report ${JSON.stringify(last)}`;
      };
    }
    try {
      const response = await get(agent, base, path, client, slow);
      const problem = check(response);
      if (problem)
        stats.failures.push(`${route}: ${problem} (${response.status} ${response.body.slice(0, 200)})`);
      if (slow) stats.slowReports++;
    } catch (error) {
      stats.failures.push(`${route}: ${String(error)}`);
    }
    stats.requests++;
    stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1;
  }

  return {
    stats,
    /** Runs the mixed load for `ms`; resolves the number of requests it made. */
    async runFor(ms: number): Promise<number> {
      const before = stats.requests;
      const deadline = Date.now() + ms;
      await Promise.all(
        Array.from({ length: concurrency }, async (_, c) => {
          while (Date.now() < deadline) await one(`client-${c}`, counter++);
        }),
      );
      return stats.requests - before;
    },
    close(): void {
      agent.destroy();
    },
  };
}
