// Tested against: contract/metrics.ts, prom-client's own default metrics (asked from prom-client), and
// the real store classes on a real redis-server and MongoDB-wire server (for the store operation names).
// Every Prometheus query in the dashboards names only metrics something really exports: the services'
// metrics (histograms as _bucket/_sum/_count), prom-client's defaults, and an explicit list of metrics
// from k6, Linkerd, kube-state-metrics, cAdvisor and Prometheus (that list is not checked against them).
import t from 'tap';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { ENVOY_METRICS, METRICS } from '../contract/metrics.js';
import { startMongo } from '../stack/mongo.js';
import { startRedis } from '../stack/redis.js';
import { MongoGradeStore } from '../stores/mongo-grades.js';
import { RedisAggregates } from '../stores/redis-aggregates.js';
import { benchmarkDashboard } from './dashboards/benchmark.js';
import { gradesDashboard } from './dashboards/grades.js';
import { DATASOURCES } from './datasources.js';
import { metricNames } from './promql.js';
import { HTTPROUTE_BACKEND_WEIGHT, K6_METRICS, LINKERD_ROUTE_BACKEND, WRITE_OPERATIONS } from './prom-queries.js';

/** Metrics not exported by our code, and where each comes from. */
const EXTERNAL: Record<string, string> = {
  // k6 `-o experimental-prometheus-rw`: Counter -> k6_<name>_total, Rate -> k6_<name>_rate, Trend -> k6_<name>_<stat>
  // (K6_PROMETHEUS_RW_TREND_STATS=p(50),p(95),p(99)); route_reqs and route_req_duration are the scripts' custom metrics.
  [K6_METRICS.routeReqs]: 'k6 custom Counter route_reqs (tag route)',
  [K6_METRICS.routeDurationStat('p50')]: 'k6 custom Trend route_req_duration, stat p(50)',
  [K6_METRICS.routeDurationStat('p95')]: 'k6 custom Trend route_req_duration, stat p(95)',
  [K6_METRICS.routeDurationStat('p99')]: 'k6 custom Trend route_req_duration, stat p(99)',
  [K6_METRICS.httpReqs]: 'k6 built-in Counter http_reqs',
  [K6_METRICS.httpReqFailed]: 'k6 built-in Rate http_req_failed',
  [K6_METRICS.vus]: 'k6 built-in Gauge vus',
  [LINKERD_ROUTE_BACKEND]: "Linkerd proxy (outbound side of the ingress's proxy), admin port /metrics",
  kube_deployment_status_replicas: 'kube-state-metrics, deployments collector',
  kube_horizontalpodautoscaler_status_current_replicas: 'kube-state-metrics, horizontalpodautoscalers collector',
  kube_horizontalpodautoscaler_status_desired_replicas: 'kube-state-metrics, horizontalpodautoscalers collector',
  kube_pod_container_resource_requests: 'kube-state-metrics, pods collector (label resource="cpu")',
  [HTTPROUTE_BACKEND_WEIGHT]: 'kube-state-metrics, custom-resource-state config grafana/k8s/kube-state-metrics-httproute.yaml',
  container_cpu_usage_seconds_total: 'cAdvisor, scraped from the kubelet /metrics/cadvisor',
  up: 'Prometheus itself, one series per scrape target',
  [ENVOY_METRICS.upstreamRequestsTotal]: "Envoy, the local ingress, admin /stats/prometheus (envoy/envoy.test.ts reads it from the real Envoy)",
};

async function exportedByServices(): Promise<Set<string>> {
  const names = new Set<string>();
  // Counters end in _total; histograms are read by their series.
  for (const name of Object.values(METRICS)) {
    names.add(name);
    if (!name.endsWith('_total')) for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
  }
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const m of await registry.getMetricsAsJSON()) {
    if (String(m.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(m.name + suffix);
    else names.add(m.name);
  }
  return names;
}

interface PanelLike {
  type: string;
  title?: string;
  targets?: { datasource?: { uid?: string }; expr?: string }[];
}

const promTargets = [gradesDashboard(), benchmarkDashboard()].flatMap((d) =>
  (d.panels as PanelLike[]).flatMap((p) =>
    (p.targets ?? []).filter((x) => x.datasource?.uid === DATASOURCES.prometheus.uid).map((x) => ({ title: p.title ?? '', expr: x.expr ?? '' })),
  ),
);

t.test('the metric name parser', async (t) => {
  t.same(metricNames('histogram_quantile(0.99, sum by (route, le) (rate(a_bucket{path="/x", s=~"b|c"}[$__rate_interval])))'), ['a_bucket']);
  t.same(metricNames('sum by (route) (rate(a_count[5m])) / scalar(sum(rate(b_total[5m])))'), ['a_count', 'b_total']);
  t.same(metricNames('label_replace(vector(0.5), "route", "grpc", "", "")'), []);
  t.throws(() => metricNames('made_up(x)'), /unknown PromQL function/);
});

t.test('every Prometheus query names only exported metrics', async (t) => {
  const known = await exportedByServices();
  t.ok(promTargets.length >= 10, `found ${promTargets.length} Prometheus targets`);
  const used = new Set<string>();
  for (const { title, expr } of promTargets) {
    const names = metricNames(expr);
    for (const n of names) {
      used.add(n);
      t.ok(known.has(n) || n in EXTERNAL, `${title}: ${n} is exported by the services or listed as external`);
    }
  }
  for (const name of Object.values(METRICS)) t.ok([...used].some((u) => u.startsWith(name)), `the dashboards use ${name}`);
});

t.test('the write operations the store panels filter on are the ones the stores report', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const mongo = await startMongo();
  t.teardown(() => mongo.stop());
  const seen: Record<string, string[]> = { mongodb: [], redis: [] };
  const agg = new RedisAggregates({ url: redis.url, timeoutMs: 2000, observe: (op) => seen.redis!.push(op) });
  t.teardown(() => agg.close());
  const store = new MongoGradeStore({ url: mongo.url, dbName: `grafana_ops_${process.pid}`, timeoutMs: 5000, observe: (op) => seen.mongodb!.push(op) });
  t.teardown(async () => {
    await (await store.connection.client()).db(`grafana_ops_${process.pid}`).dropDatabase().catch(() => {});
    await store.close();
  });
  const grade = { curso: 'SO1', facultad: 'F', carrera: 'C', region: 'R', nota: 70 };
  await store.save({ id: 'op-1', runId: 'r', grade, instance: 'i' }, 'redis');
  await agg.apply({ id: 'op-1', runId: 'r', route: 'redis', receivedAt: new Date().toISOString(), grade });
  t.ok(seen.mongodb!.includes(WRITE_OPERATIONS.mongodb), `MongoGradeStore reports a write as "${WRITE_OPERATIONS.mongodb}" (saw ${seen.mongodb!.join(', ')})`);
  t.ok(seen.redis!.includes(WRITE_OPERATIONS.redis), `RedisAggregates reports a write as "${WRITE_OPERATIONS.redis}" (saw ${seen.redis!.join(', ')})`);
});
