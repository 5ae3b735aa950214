// The Benchmark dashboard's PromQL against the real Prometheus (3.16.0, built by `npm run tools`), after
// a short real run: the local stack (real services, Redis, the MongoDB-wire server, Envoy as the ingress),
// Prometheus scraping them with the demo's configuration, real k6 pushing its metrics through its
// remote-write output, and a few seconds in which Redis hangs (SIGSTOP), so the queries that only answer
// after a failure have one (route B answers 5xx; which store calls fail is not asserted: a run here saw
// MongoDB insert errors only). Then every query of the dashboard is asked as the demo asks it: each
// local one must return series carrying every label its legend uses, each cluster-only one is listed
// with what it needs, and every metric a query reads exists in Prometheus.
import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { COURSE_PATH } from '../contract/http.js';
import { METRICS } from '../contract/metrics.js';
import { runK6 } from '../demo/k6-run.js';
import { PROMETHEUS_FILE, recordPrometheusAnswers, startRunPrometheus } from '../demo/prometheus-run.js';
import { warmUp } from '../demo/warmup.js';
import { pause } from '../stack/process.js';
import { startStack } from '../stack/stack.js';
import { findBinary } from '../stack/tools.js';
import { PROMETHEUS_SCHEMA } from './prometheus-answers.js';
import { CLUSTER_METRICS, CLUSTER_ONLY, ON_FAILURE } from './query-needs.js';
import { PROM_QUERIES } from './prom-queries.js';

const missing = ['k6', 'prometheus'].filter((b) => findBinary(b, true) === undefined);

t.test('every Benchmark query, asked of the real Prometheus after a short real run', { skip: missing.length ? `${missing.join(', ')} not built: run npm run tools` : false }, async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-prom-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const stack = await startStack({ port: 0, dir: path.join(dir, 'stack') });
  t.teardown(() => stack.stop());
  const prometheus = await startRunPrometheus(stack, dir);
  t.teardown(() => prometheus.stop());

  const pool = path.join(dir, 'pool.json');
  writeFileSync(pool, JSON.stringify([
    { curso: 'SO1', facultad: 'Ingenieria', carrera: 'Sistemas', region: 'NORTE', nota: 70 },
    { curso: 'ANP', facultad: 'Arquitectura', carrera: 'Arte', region: 'METROPOLITANA', nota: 45 },
  ]));
  // A few requests before the measured window, as the demo's warm-up: first connections, JIT.
  await warmUp({ baseUrl: stack.endpoints.ingress, runId: 'prom-warmup', dataFile: pool, requests: 40, concurrency: 2 });

  const loadStartedAt = Date.now();
  const k6 = runK6({
    baseUrl: stack.endpoints.ingress, runId: 'prom-test', dataFile: pool, outDir: dir, scenario: 'load', rate: 20, duration: '8s', routes: ['grpc', 'redis'],
    // The queries are under test, not the latency; k6's retries of the hang's 503s are wanted.
    thresholds: { p95Ms: 60_000, p99Ms: 60_000, maxErrorRate: 1 }, samples: false, remoteWrite: prometheus.url, progress: new (await import('node:stream')).PassThrough(),
  });
  // Redis hangs for 3 s in the middle: redis-writer's calls to it fail (store errors) and it answers 5xx.
  await pause(3000);
  const redis = stack.processes.get('redis')!;
  process.kill(redis.pid!, 'SIGSTOP');
  const during = await Promise.all([0, 1, 2].map(async () => {
    const res = await fetch(stack.endpoints.redisWriter + COURSE_PATH, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ curso: 'SO1', facultad: 'F', carrera: 'C', region: 'R' }), signal: AbortSignal.timeout(20_000) });
    await res.arrayBuffer();
    return res.status;
  }));
  await pause(1000);
  process.kill(redis.pid!, 'SIGCONT');
  t.ok(during.every((s) => s >= 500), `redis-writer answered 5xx while Redis hung: ${during.join(', ')}`);
  const run = await k6;
  t.ok(run.summary !== undefined && run.summary.requests > 0, `k6 ran (exit ${run.exitCode}, ${run.summary?.requests} requests)`);
  const endedAt = Date.now();

  const lines: string[] = [];
  const { record, problems } = await recordPrometheusAnswers({ prometheus, loadStartedAt, endedAt, outDir: dir, say: (m) => lines.push(m) });
  t.comment(lines.join('\n'));
  for (const a of record.answers) t.comment(`${a.class.padEnd(12)} ${String(a.series.length).padStart(2)} series  ${a.panel} ${a.refId}`);

  t.equal(record.schema, PROMETHEUS_SCHEMA);
  t.equal(record.version, '3.16.0', 'the pinned Prometheus answered');
  t.same(JSON.parse(readFileSync(path.join(dir, PROMETHEUS_FILE), 'utf8')).answers.length, record.answers.length, `${PROMETHEUS_FILE} written`);
  t.ok(record.targets.length >= 4 && record.targets.every((x) => x.health === 'up'), `every target up: ${record.targets.map((x) => `${x.scrapePool} ${x.scrapeUrl} ${x.health} ${x.lastError}`).join('; ')}`);
  t.same(problems, [], 'no query answered wrongly');
  t.ok(record.answers.length >= 20, `${record.answers.length} queries asked`);

  for (const a of record.answers.filter((x) => x.class !== 'cluster-only')) {
    t.ok(a.expected, `${a.panel} ${a.refId}: expected to answer here${a.evidence ? ` (evidence ${a.evidence.expr}: ${a.evidence.series} series)` : ''}`);
    t.ok(a.series.length > 0, `${a.panel} ${a.refId}: ${a.series.length} series for ${a.sent}`);
    for (const s of a.series) t.same(s.missingLegendLabels, [], `${a.panel} ${a.refId}: ${JSON.stringify(s.labels)} has ${a.legendLabels.join(', ') || '(no legend labels)'}`);
  }
  // What needs the cluster is said, and is what answered nothing.
  const clusterOnly = record.answers.filter((a) => a.class === 'cluster-only');
  t.equal(clusterOnly.length, CLUSTER_ONLY.length, 'every cluster-only query of the list is on the dashboard');
  for (const a of clusterOnly) {
    t.match(a.needs, /^(kube-state-metrics|cadvisor|linkerd): /, `${a.panel} ${a.refId} needs ${a.needs}`);
    t.equal(a.series.length, 0, `${a.panel} ${a.refId}: nothing locally`);
    t.ok(a.metrics.every((m) => m in CLUSTER_METRICS), `${a.panel} ${a.refId} reads only cluster metrics: ${a.metrics.join(', ')}`);
  }
  t.equal(record.answers.filter((a) => a.class === 'on-failure').length, ON_FAILURE.length, 'every on-failure query of the list is on the dashboard');

  // The answers carry what the panels show: both routes, both stores.
  const byRef = (q: { expr: string }) => record.answers.find((a) => a.expr === q.expr)!;
  const labelValues = (q: { expr: string }, label: string): string[] => [...new Set(byRef(q).series.map((s) => s.labels[label]!))].sort();
  t.same(labelValues(PROM_QUERIES.serviceLatency[2], 'route'), ['grpc', 'redis'], 'service p99 per route');
  t.same(labelValues(PROM_QUERIES.k6Rate, 'route'), ['grpc', 'redis'], "k6's per-route rate, pushed by its remote-write output");
  t.same(labelValues(PROM_QUERIES.storeWriteLatency[0], 'store'), ['mongodb', 'redis'], 'store write latency for both stores (insert, apply)');
  t.ok(labelValues(PROM_QUERIES.serviceErrorRate, 'route').includes('redis'), 'the hang shows as route B 5xx');
  t.same(labelValues(PROM_QUERIES.scrapeUp, 'job'), ['envoy', 'splitbench-services'], 'up per scrape job (Envoy, the ingress, on its admin port)');

  // Every metric the services define is read by some dashboard query.
  const read = new Set(record.answers.flatMap((a) => a.metrics));
  for (const name of Object.values(METRICS)) t.ok([...read].some((m) => m.startsWith(name)), `the dashboard reads ${name}`);

  // The services' own latency over the run, per route, beside k6's.
  for (const route of ['grpc', 'redis']) {
    const l = record.serviceLatency.routes[route];
    t.ok(l && l.p50 !== null && l.p95 !== null && l.p99 !== null && l.p50 <= l.p95! && l.p95! <= l.p99!, `${route}: services' p50 <= p95 <= p99 ms: ${JSON.stringify(l)}`);
  }

  // SIGTERM: Prometheus closes its TSDB and exits 0; its temporary folder goes with it.
  const tsdb = /--storage\.tsdb\.path=(\S+)/.exec(prometheus.proc.child.spawnargs.join(' '))![1]!;
  t.ok(existsSync(tsdb), 'the TSDB folder existed');
  await prometheus.stop();
  t.same(await prometheus.proc.exited, { code: 0, signal: null }, 'exited 0 on SIGTERM');
  t.notOk(existsSync(tsdb), 'the TSDB folder is removed');
});
