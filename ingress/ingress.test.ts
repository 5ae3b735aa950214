// The local ingress against stub backends on loopback: the split follows the HTTPRoute file, and
// upstream failures are never a 2xx.
import t from 'tap';
import { METRICS } from '../contract/metrics.js';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { SPLIT_ROUTE_FILE } from '../linkerd/split.js';
import { listen } from '../service-kit/lifecycle.js';
import { startProcess, waitForOutput } from '../stack/process.js';
import { freePort } from '../stack/ports.js';
import { REPO_ROOT } from '../stack/tools.js';
import { createIngress } from './proxy.js';
import { weightedPicker } from './weighted-pick.js';

/** A stand-in REST service that answers like ours: 201 with its X-Route, counting what it got. */
async function stubBackend(route: string, opts: { delayMs?: number; ready?: number } = {}) {
  let received = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/readyz') return void res.writeHead(opts.ready ?? 200).end('{}');
    received++;
    req.resume();
    req.on('end', () => {
      setTimeout(() => res.writeHead(201, { 'content-type': 'application/json', 'x-route': route }).end(JSON.stringify({ id: 'x', route })), opts.delayMs ?? 0);
    });
  });
  const port = await listen(server, 0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, received: () => received, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

async function post(url: string): Promise<Response> {
  return fetch(`${url}/course`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"curso":"SO1"}' });
}

t.test('weightedPicker follows the weights and skips zero weights', async (t) => {
  const seq = [0, 0.49, 0.5, 0.89, 0.9, 0.999];
  let i = 0;
  const pick = weightedPicker([{ value: 'a', weight: 0.9 }, { value: 'b', weight: 0.1 }], () => seq[i++ % seq.length]!);
  t.same(seq.map(() => pick()), ['a', 'a', 'a', 'a', 'b', 'b']);
  const only = weightedPicker([{ value: 'a', weight: 0 }, { value: 'b', weight: 1 }], () => 0);
  t.equal(only(), 'b');
  t.throws(() => weightedPicker([{ value: 'a', weight: 0 }]), /no backend/);
});

t.test('editing the HTTPRoute to 90/10 moves the local split (ingress process, real HTTP)', async (t) => {
  const grpc = await stubBackend('grpc');
  const redis = await stubBackend('redis');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-route-'));
  t.teardown(async () => {
    await grpc.close();
    await redis.close();
    rmSync(dir, { recursive: true, force: true });
  });
  // Start from the canonical route file and change only the weights, as a user would.
  const route = parse(readFileSync(SPLIT_ROUTE_FILE, 'utf8')) as { spec: { rules: { backendRefs: { name: string; weight: number }[] }[] } };
  for (const b of route.spec.rules[0]!.backendRefs) b.weight = b.name === 'grpc-client' ? 90 : 10;
  const routeFile = path.join(dir, 'httproute.yaml');
  writeFileSync(routeFile, stringify(route));

  const proc = startProcess({
    name: 'ingress',
    command: process.execPath,
    args: ['--import', 'tsx', path.join(REPO_ROOT, 'ingress/main.ts'), '--port', '0', '--grpc', grpc.url, '--redis', redis.url, '--route-file', routeFile],
    cwd: REPO_ROOT,
  });
  t.teardown(() => proc.stop());
  const port = (await waitForOutput(proc, /"msg":"listening".*?"port":(\d+)/, 30_000))[1];
  const url = `http://127.0.0.1:${port}`;

  const n = 2000;
  const routes: Record<string, number> = {};
  let not201 = 0;
  for (let sent = 0; sent < n; sent += 50) {
    const answers = await Promise.all(Array.from({ length: 50 }, () => post(url)));
    for (const a of answers) {
      if (a.status !== 201) not201++;
      routes[a.headers.get('x-route') ?? '?'] = (routes[a.headers.get('x-route') ?? '?'] ?? 0) + 1;
      await a.body?.cancel();
    }
  }
  t.equal(not201, 0, 'every request answered 201');
  const k = routes.grpc ?? 0;
  t.equal(k + (routes.redis ?? 0), n, 'every request reached one route');
  t.equal(grpc.received(), k, 'what the ingress routed is what the backend received');
  // Binomial(2000, 0.9): mean 1800, sd 13.4. Six sd either side fails by chance about once in 10^9;
  // a 50/50 split (mean 1000) is 60 sd away.
  const sd = Math.sqrt(n * 0.9 * 0.1);
  t.ok(Math.abs(k - n * 0.9) < 6 * sd, `grpc got ${k} of ${n} (expected ~${n * 0.9})`);
  const stats = (await (await fetch(`${url}/stats`)).json()) as { weights: Record<string, number>; routed: Record<string, number> };
  t.same(stats.weights, { grpc: 0.9, redis: 0.1 });
  t.equal(stats.routed.grpc, k);

  // /metrics is Prometheus text: the applied weight and what was routed, by route and status.
  const metrics = await fetch(`${url}/metrics`);
  t.match(metrics.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await metrics.text();
  const sample = (name: string, labels: string): number => Number(new RegExp(`^${name}\\{[^}]*${labels}[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);
  t.equal(sample(METRICS.routeWeight, 'route="grpc"'), 0.9, 'the weight applied, from the route file it was given');
  t.equal(sample(METRICS.routeWeight, 'route="redis"'), 0.1);
  t.equal(sample(METRICS.ingressRoutedTotal, 'route="grpc",status="201"'), k, 'what it routed, by route and status');
  t.match(text, /^process_cpu_seconds_total\{/m, 'and its own CPU time');
});

t.test('a dead route answers 503 + Retry-After, a slow one 504, and readiness says which', async (t) => {
  const slow = await stubBackend('redis', { delayMs: 2000, ready: 503 });
  const deadPort = await freePort();
  const ingress = createIngress({
    backends: [
      { route: 'grpc', urls: [`http://127.0.0.1:${deadPort}`], weight: 1 },
      { route: 'redis', urls: [slow.url], weight: 0 },
    ],
    upstreamTimeoutMs: 300,
  });
  const port = await listen(ingress.server, 0, '127.0.0.1');
  t.teardown(async () => {
    await ingress.close(100);
    await slow.close();
  });
  const url = `http://127.0.0.1:${port}`;
  const dead = await post(url);
  t.equal(dead.status, 503);
  t.equal(dead.headers.get('retry-after'), '1');
  // Refused at connect, or already known not ready from the readiness poll: either way 503, no route.
  t.match(await dead.json(), { error: 'unavailable', message: /grpc route/ });
  t.equal(dead.headers.get('x-route'), null, 'no route answered');
  const ready = await fetch(`${url}/readyz`);
  t.equal(ready.status, 503, 'not ready while a weighted route is down');
  t.match(await ready.json(), { routes: { grpc: { [`http://127.0.0.1:${deadPort}`]: /ECONNREFUSED|fetch failed/ } } });

  const slowButReady = await stubBackend('redis', { delayMs: 2000, ready: 200 });
  const slowOnly = createIngress({ backends: [{ route: 'redis', urls: [slowButReady.url], weight: 1 }], upstreamTimeoutMs: 300 });
  const slowPort = await listen(slowOnly.server, 0, '127.0.0.1');
  t.teardown(async () => {
    await slowOnly.close(100);
    await slowButReady.close();
  });
  const timedOut = await post(`http://127.0.0.1:${slowPort}`);
  t.equal(timedOut.status, 504);
  t.match(await timedOut.json(), { error: 'deadline_exceeded' });
  t.equal((await fetch(`http://127.0.0.1:${slowPort}/nope`)).status, 404);
});

t.test('a route with several replicas: requests go to the ready ones in turn; one that is not ready gets none', async (t) => {
  const [a, b, notReady] = await Promise.all([stubBackend('grpc'), stubBackend('grpc'), stubBackend('grpc', { ready: 503 })]);
  const ingress = createIngress({ backends: [{ route: 'grpc', urls: [a.url, b.url, notReady.url], weight: 1 }], readinessPollMs: 50 });
  const port = await listen(ingress.server, 0, '127.0.0.1');
  t.teardown(async () => {
    await ingress.close(100);
    await Promise.all([a.close(), b.close(), notReady.close()]);
  });
  const url = `http://127.0.0.1:${port}`;
  t.equal((await fetch(`${url}/readyz`)).status, 200, 'ready: the route has a ready replica');
  for (let i = 0; i < 20; i++) await (await post(url)).arrayBuffer();
  t.equal(a.received() + b.received(), 20, 'every request reached a ready replica');
  t.equal(a.received(), 10, 'in turn');
  t.equal(notReady.received(), 0, 'none went to the replica whose /readyz says 503');
});
