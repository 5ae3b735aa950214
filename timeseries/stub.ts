/**
 * A stand-in for the ingress on 127.0.0.1, for the timeseries benchmark and tests: answers the
 * contract's POST /course as both routes would (alternating X-Route grpc/redis) and GET /readyz, with
 * no store behind it. Optional faults per route so tests know exactly what k6 must have recorded.
 * Not a model of a service's speed: it answers at once (or after `delayMs`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { COURSE_PATH, HEADERS, READYZ_PATH } from '../contract/http.js';
import { ROUTES, type RouteName } from '../contract/routes.js';

export interface StubOptions {
  /** Every n-th request on this route answers 500 (final: k6 does not retry a 500). */
  failEvery?: Partial<Record<RouteName, number>>;
  /** Wait this long before answering a POST on this route. */
  delayMs?: Partial<Record<RouteName, number>>;
}

export interface Stub {
  url: string;
  /** Answers per route and status, as the stub sent them. */
  answered: Record<RouteName, Record<string, number>>;
  close(): Promise<void>;
}

export async function startStub(opts: StubOptions = {}): Promise<Stub> {
  const answered = Object.fromEntries(ROUTES.map((r) => [r, {} as Record<string, number>])) as Stub['answered'];
  const seen: Record<string, number> = {};
  let n = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url === READYZ_PATH) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
      return;
    }
    req.resume();
    req.on('end', () => {
      const route = ROUTES[n++ % ROUTES.length] as RouteName;
      const key = String(req.headers[HEADERS.idempotencyKey]);
      const count = (seen[route] = (seen[route] ?? 0) + 1);
      const every = opts.failEvery?.[route];
      const status = req.method === 'POST' && req.url === COURSE_PATH ? (every !== undefined && count % every === 0 ? 500 : 201) : 404;
      const send = (): void => {
        answered[route][status] = (answered[route][status] ?? 0) + 1;
        res.writeHead(status, { 'content-type': 'application/json', [HEADERS.route]: route });
        res.end(status === 201 ? JSON.stringify({ id: key, route, receivedAt: new Date().toISOString() }) : '{"error":"stub","message":"stub failure"}');
      };
      const delay = opts.delayMs?.[route] ?? 0;
      if (delay > 0) setTimeout(send, delay);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answered,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
