// Envoy as the ingress, tested on the real Envoy (the pinned official build that `npm run tools`
// fetches) in front of stand-in services on loopback. The split is counted from what the client saw
// (each answer's X-Route), never from Envoy's counters, which are only compared with it.
import t from 'tap';
import { ENVOY_METRICS } from '../contract/metrics.js';
import { splitTest } from '../reconcile/split-test.js';
import { freePort } from '../stack/ports.js';
import { pause } from '../stack/process.js';
import { postCourse, startTestEnvoy, stubBackend } from './testing.js';

/** Sends `n` POSTs, `concurrency` at a time; counts answers by X-Route and by status. */
async function load(url: string, n: number, concurrency = 25): Promise<{ routes: Record<string, number>; statuses: Record<string, number> }> {
  const routes: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  for (let sent = 0; sent < n; sent += concurrency) {
    const answers = await Promise.all(Array.from({ length: Math.min(concurrency, n - sent) }, () => postCourse(url)));
    for (const a of answers) {
      routes[a.route ?? 'none'] = (routes[a.route ?? 'none'] ?? 0) + 1;
      statuses[a.status] = (statuses[a.status] ?? 0) + 1;
    }
  }
  return { routes, statuses };
}

for (const [grpcWeight, redisWeight] of [
  [50, 50],
  [90, 10],
] as const) {
  t.test(`the split at ${grpcWeight}/${redisWeight}, from the client's counts`, async (t) => {
    const [grpc, redis] = await Promise.all([stubBackend('grpc'), stubBackend('redis')]);
    const envoy = await startTestEnvoy({ grpc: grpcWeight, redis: redisWeight }, { grpc: [grpc.url], redis: [redis.url] });
    t.teardown(async () => {
      await envoy.stop();
      await Promise.all([grpc.close(), redis.close()]);
    });
    const n = 2000;
    const { routes, statuses } = await load(envoy.ingress.url, n);
    t.same(statuses, { 201: n }, 'every request answered 201');
    t.equal((routes.grpc ?? 0) + (routes.redis ?? 0), n, 'every answer named its route (X-Route passes through)');
    t.equal(grpc.received(), routes.grpc, 'what the client saw is what the grpc backend received');
    const test = splitTest({ grpc: routes.grpc ?? 0, redis: routes.redis ?? 0 }, { grpc: grpcWeight, redis: redisWeight });
    t.ok(test.pass, `grpc ${routes.grpc} of ${n} at ${grpcWeight}%: exact binomial p = ${test.pValue?.toFixed(3)}`);
    // A weighting 20 points off fails on the same counts: the test would catch Envoy splitting otherwise.
    t.notOk(splitTest({ grpc: routes.grpc ?? 0, redis: routes.redis ?? 0 }, { grpc: 70, redis: 30 }).pass, 'and the same counts fail a 70/30 weighting');
    t.same(await envoy.ingress.routed(), { grpc: routes.grpc, redis: routes.redis }, "Envoy's own counters agree (shown beside the client's, never the evidence)");
    // What Prometheus scrapes and the Benchmark dashboard's split panel reads (contract/metrics.ts ENVOY_METRICS).
    const text = await (await fetch(envoy.ingress.metricsUrl)).text();
    for (const route of ['grpc', 'redis'] as const) {
      const series = new RegExp(`^${ENVOY_METRICS.upstreamRequestsTotal}\\{${ENVOY_METRICS.clusterLabel}="${route}"\\} (\\d+)$`, 'm').exec(text);
      t.equal(Number(series?.[1]), routes[route], `${ENVOY_METRICS.upstreamRequestsTotal}{${ENVOY_METRICS.clusterLabel}="${route}"} in /stats/prometheus`);
    }
  });
}

t.test('a weight changed while requests flow takes effect without restarting Envoy or failing a request', async (t) => {
  const [grpc, redis] = await Promise.all([stubBackend('grpc'), stubBackend('redis')]);
  const envoy = await startTestEnvoy({ grpc: 50, redis: 50 }, { grpc: [grpc.url], redis: [redis.url] });
  t.teardown(async () => {
    await envoy.stop();
    await Promise.all([grpc.close(), redis.close()]);
  });
  const pid = envoy.proc.child.pid;
  const statuses: Record<string, number> = {};
  let stop = false;
  // Keep-alive connections stay open across the change: fetch reuses them.
  const flow = (async () => {
    while (!stop) {
      const a = await postCourse(envoy.ingress.url);
      statuses[a.status] = (statuses[a.status] ?? 0) + 1;
    }
  })();
  await pause(300);
  envoy.ingress.setWeights({ grpc: 100, redis: 0 });
  await pause(500);
  stop = true;
  await flow;
  const after = await load(envoy.ingress.url, 300);
  t.same(after.routes, { grpc: 300 }, 'every request after the change went to grpc');
  t.same(Object.keys(statuses), ['201'], `no request failed across the change (${JSON.stringify(statuses)})`);
  t.equal(envoy.proc.child.pid, pid, 'the same Envoy process');
  t.equal(envoy.proc.child.exitCode, null, 'still running');
  envoy.ingress.setWeights({ grpc: 0, redis: 100 });
  await pause(500);
  t.same((await load(envoy.ingress.url, 100)).routes, { redis: 100 }, 'and back the other way');
});

t.test("the contract's error answers: a dead route 503 + Retry-After, a slow one 504, both JSON; /readyz, /healthz, 404", async (t) => {
  const slow = await stubBackend('redis', { delayMs: 2000 });
  const deadPort = await freePort();
  const envoy = await startTestEnvoy({ grpc: 50, redis: 50 }, { grpc: [`http://127.0.0.1:${deadPort}`], redis: [slow.url] }, { upstreamTimeoutMs: 300, waitReady: false });
  t.teardown(async () => {
    await envoy.stop();
    await slow.close();
  });
  const url = envoy.ingress.url;
  const answers = await Promise.all(Array.from({ length: 20 }, () => postCourse(url)));
  const dead = answers.filter((a) => a.status === 503);
  const timedOut = answers.filter((a) => a.status === 504);
  t.equal(dead.length + timedOut.length, 20, `every answer is 503 or 504 (${answers.map((a) => a.status).join(' ')})`);
  t.ok(dead.length > 0 && timedOut.length > 0, 'both kinds seen');
  for (const a of dead) {
    t.equal(a.retryAfter, '1', '503 says when to retry');
    t.equal(a.contentType, 'application/json');
    t.match(JSON.parse(a.body), { error: 'unavailable', message: /grpc route is unreachable.*Idempotency-Key/ });
    t.equal(a.route, null, 'no route answered');
  }
  for (const a of timedOut) {
    t.equal(a.retryAfter, null, 'a 504 does not invite an immediate retry');
    t.match(JSON.parse(a.body), { error: 'deadline_exceeded', message: /redis route did not answer in time/ });
  }
  t.equal((await fetch(`${url}/readyz`)).status, 503, 'not ready while a weighted route has no healthy replica');
  const healthz = await fetch(`${url}/healthz`);
  t.same([healthz.status, await healthz.json()], [200, { status: 'ok' }], 'alive all the same');
  const nope = await fetch(`${url}/nope`);
  t.equal(nope.status, 404);
  t.match(await nope.json(), { error: 'not_found', message: /POST \/course/ });
});

t.test("a route's replicas: requests go to the healthy ones in turn; one whose /readyz says 503 gets none; a removed one none at once", async (t) => {
  const [a, b, notReady, redis] = await Promise.all([stubBackend('grpc'), stubBackend('grpc'), stubBackend('grpc', { ready: 503 }), stubBackend('redis')]);
  const envoy = await startTestEnvoy({ grpc: 100, redis: 0 }, { grpc: [a.url, b.url, notReady.url], redis: [redis.url] });
  t.teardown(async () => {
    await envoy.stop();
    await Promise.all([a.close(), b.close(), notReady.close(), redis.close()]);
  });
  // Envoy's first health check of each replica happens at start; wait until it has judged all three.
  for (let i = 0; i < 50; i++) {
    const health = (await envoy.ingress.health()).grpc ?? {};
    if (health[notReady.url] === 'unhealthy' && health[a.url] === 'healthy' && health[b.url] === 'healthy') break;
    await pause(100);
  }
  t.same((await envoy.ingress.health()).grpc, { [a.url]: 'healthy', [b.url]: 'healthy', [notReady.url]: 'unhealthy' }, "Envoy's health checks on /readyz");
  const { statuses } = await load(envoy.ingress.url, 20, 1);
  t.same(statuses, { 201: 20 });
  t.equal(a.received() + b.received(), 20, 'every request reached a healthy replica');
  t.equal(a.received(), 10, 'in turn (round robin)');
  t.equal(notReady.received(), 0, 'none went to the replica whose /readyz says 503');
  // Scale down: b leaves the endpoints while still healthy (a draining replica answers its probes).
  envoy.ingress.setEndpoints('grpc', [a.url]);
  await pause(300);
  const before = b.received();
  await load(envoy.ingress.url, 20, 1);
  t.equal(b.received(), before, 'a replica removed from the endpoints gets no new request, healthy or not');
});
