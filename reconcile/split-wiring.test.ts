// The split is tested on what the client saw. A real local ingress (ingress/proxy.ts) in front of two
// stand-in services that answer with their own X-Route, wired right and wired swapped, at 90/10: the
// client's counts catch the swap; the ingress's own counts (what the demo used to test) cannot.
import http from 'node:http';
import t, { type Test } from 'tap';
import { createIngress } from '../ingress/proxy.js';
import { listen } from '../service-kit/lifecycle.js';
import { splitTest } from './split-test.js';

async function service(route: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url === '/readyz') return void res.end('{}');
    req.resume();
    req.on('end', () => res.writeHead(201, { 'content-type': 'application/json', 'x-route': route }).end(JSON.stringify({ id: 'x', route })));
  });
  const port = await listen(server, 0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

async function run(t: Test, grpcUrl: string, redisUrl: string) {
  const ingress = createIngress({ backends: [{ route: 'grpc', urls: [grpcUrl], weight: 90 }, { route: 'redis', urls: [redisUrl], weight: 10 }] });
  const port = await listen(ingress.server, 0, '127.0.0.1');
  t.teardown(() => ingress.close(100));
  const client = { grpc: 0, redis: 0 };
  for (let i = 0; i < 400; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/course`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await res.arrayBuffer();
    client[res.headers.get('x-route') as 'grpc' | 'redis']++;
  }
  return { client: splitTest(client, { grpc: 90, redis: 10 }), ingress: splitTest({ grpc: ingress.stats.routed.grpc!, redis: ingress.stats.routed.redis! }, { grpc: 90, redis: 10 }) };
}

t.test("swapped wiring at 90/10: the client's counts fail the split; the ingress's own would pass", async (t) => {
  const [grpc, redis] = await Promise.all([service('grpc'), service('redis')]);
  t.teardown(() => Promise.all([grpc.close(), redis.close()]));
  const right = await run(t, grpc.url, redis.url);
  t.equal(right.client.pass, true, `wired right: the client sees 90/10 (grpc ${right.client.observed.grpc.count} of ${right.client.n})`);
  const swapped = await run(t, redis.url, grpc.url);
  t.equal(swapped.client.pass, false, `wired swapped: the client sees grpc ${swapped.client.observed.grpc.count} of ${swapped.client.n}, p ${swapped.client.pValue}`);
  t.equal(swapped.ingress.pass, true, 'while the ingress, counting its own choices, still reports 90/10');
});
