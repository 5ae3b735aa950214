/**
 * Every Benchmark dashboard query (PromQL), defined once: the dashboard puts these objects into panels,
 * and a real Prometheus answers each of them after every demo run (grafana/prometheus-answers.ts;
 * tested in grafana/prometheus.integration.test.ts). Metric names come from contract/, never typed here.
 */
import { COURSE_PATH } from '../contract/http.js';
import { K6_SERIES } from '../contract/k6-remote-write.js';
import { ENVOY_METRICS, METRICS } from '../contract/metrics.js';
import { ROUTE_SERVICE, ROUTES } from '../contract/routes.js';
import { SERVICES } from '../contract/services.js';

export interface PromQuery {
  refId: string;
  expr: string;
  legendFormat: string;
}

/** The store operations that are writes (names the stores pass to their observers; tested). */
export const WRITE_OPERATIONS = { mongodb: 'insert', redis: 'apply' } as const;

const ri = '$__rate_interval';
const http = METRICS.httpRequestDuration;
const course = `path="${COURSE_PATH}"`;
const restServices = `service=~"${SERVICES.grpcClient}|${SERVICES.redisWriter}"`;
const workloads = [SERVICES.grpcClient, SERVICES.grpcServer, SERVICES.redisWriter].join('|');
const q = (refId: string, expr: string, legendFormat: string): PromQuery => ({ refId, expr, legendFormat });

/** The services' answers to POST /course with a 5xx status: series exist only once there was one. */
export const SERVICE_5XX = `${http}_count{${course}, ${restServices}, status=~"5.."}`;
/** The store calls that failed: series exist only once one did. */
export const STORE_ERRORS = `${METRICS.storeOperationDuration}_count{outcome="error"}`;

/** The services' request histogram's buckets, POST /course on the REST services only. */
const httpBuckets = `${http}_bucket{${course}, ${restServices}}`;

/** Per-route latency quantile from the services' request histogram. */
const httpQuantile = (refId: string, qn: number): PromQuery =>
  q(refId, `histogram_quantile(${qn}, sum by (route, le) (rate(${httpBuckets}[${ri}])))`, `p${qn * 100} {{route}}`);

/**
 * The same quantile over a whole run instead of a sliding window: the buckets' increase over the run's
 * `seconds`, for an instant query at the run's end. What the run report sets beside k6's per-route figures.
 */
export const httpQuantileOverRun = (qn: number, seconds: number): string => `histogram_quantile(${qn}, sum by (route, le) (increase(${httpBuckets}[${seconds}s])))`;

/** k6's series as its remote-write output names them (contract/k6-remote-write.ts). */
export const K6_METRICS = K6_SERIES;

/**
 * Linkerd's outbound route metric: the proxy of a meshed client (the ingress controller) counts each
 * request it sends to a backend of the HTTPRoute, labelled with the route's parent and the backend.
 */
export const LINKERD_ROUTE_BACKEND = 'outbound_http_route_backend_requests_total';
/** The Service the HTTPRoute hangs from, and the namespace everything runs in. */
export const SPLIT_PARENT = SERVICES.ingress;
export const NAMESPACE = 'splitbench';

/**
 * The HTTPRoute weights as kube-state-metrics exports them (grafana/k8s/kube-state-metrics-httproute.yaml:
 * metricNamePrefix + "_" + name): one series per backendRef, labels namespace, httproute, backend.
 */
export const HTTPROUTE_BACKEND_WEIGHT = 'kube_httproute_backend_weight';

/**
 * The share of requests each route is configured to get, as applied now: the weights of the HTTPRoute
 * itself (each backend's weight over their sum), from kube-state-metrics, so a cluster only. Envoy, the
 * local ingress, exports no weights; a local run's weights are in its summary. The cluster's backends
 * are Services; label_replace names their routes (contract/routes.ts).
 */
export function configuredWeight(refId: string, httpRoute: string): PromQuery {
  const weights = `${HTTPROUTE_BACKEND_WEIGHT}{namespace="${NAMESPACE}", httproute="${httpRoute}"}`;
  const share = `${weights} / on (namespace, httproute) group_left sum by (namespace, httproute) (${weights})`;
  const named = Object.entries(ROUTE_SERVICE).reduce((e, [route, service]) => `label_replace(${e}, "route", "${route}", "backend", "${service}")`, share);
  return q(refId, `max by (route) (${named})`, 'configured {{route}}');
}

const envoyRouted = `sum by (route) (${ROUTES.reduce((e, r) => `label_replace(${e}, "route", "${r}", "${ENVOY_METRICS.clusterLabel}", "${r}")`, `rate(${ENVOY_METRICS.upstreamRequestsTotal}{${ENVOY_METRICS.clusterLabel}=~"${ROUTES.join('|')}"}[${ri}])`)})`;

export const PROM_QUERIES = {
  serviceRate: q('A', `sum by (route) (rate(${http}_count{${course}, ${restServices}}[${ri}]))`, '{{route}}'),
  serviceLatency: [httpQuantile('A', 0.5), httpQuantile('B', 0.95), httpQuantile('C', 0.99)],
  serviceErrorRate: q(
    'A',
    `sum by (route) (rate(${SERVICE_5XX}[${ri}])) / sum by (route) (rate(${http}_count{${course}, ${restServices}}[${ri}]))`,
    '5xx {{route}}',
  ),
  k6Rate: q('A', `sum by (route) (rate(${K6_METRICS.routeReqs}[${ri}]))`, 'k6 {{route}}'),
  k6Latency: [
    q('A', `max by (route) (${K6_METRICS.routeDuration('p50')})`, 'k6 p50 {{route}}'),
    q('B', `max by (route) (${K6_METRICS.routeDuration('p95')})`, 'k6 p95 {{route}}'),
    q('C', `max by (route) (${K6_METRICS.routeDuration('p99')})`, 'k6 p99 {{route}}'),
  ],
  k6Failed: q('A', `max(${K6_METRICS.httpReqFailed})`, 'k6 http_req_failed'),
  observedShare: [
    q(
      'A',
      `sum by (route) (rate(${http}_count{${course}, ${restServices}}[${ri}])) / scalar(sum(rate(${http}_count{${course}, ${restServices}}[${ri}])))`,
      'services {{route}}',
    ),
    q(
      'B',
      `sum by (backend_name) (rate(${LINKERD_ROUTE_BACKEND}{parent_name="${SPLIT_PARENT}", parent_namespace="${NAMESPACE}"}[${ri}])) / scalar(sum(rate(${LINKERD_ROUTE_BACKEND}{parent_name="${SPLIT_PARENT}", parent_namespace="${NAMESPACE}"}[${ri}])))`,
      'linkerd {{backend_name}}',
    ),
    // Locally: what Envoy, the ingress, sent to each route's cluster (no Linkerd there). Its clusters are
    // named after the routes; label_replace gives them the `route` label the other queries use (one per
    // route with literal names: a "$1" replacement would read as a Grafana variable).
    q('C', `${envoyRouted} / scalar(sum(${envoyRouted}))`, 'envoy {{route}}'),
  ],
  replicas: [
    q('A', `kube_deployment_status_replicas{namespace="${NAMESPACE}", deployment=~"${workloads}"}`, 'replicas {{deployment}}'),
    q('B', `kube_horizontalpodautoscaler_status_current_replicas{namespace="${NAMESPACE}", horizontalpodautoscaler=~"${workloads}"}`, 'hpa current {{horizontalpodautoscaler}}'),
    q('C', `kube_horizontalpodautoscaler_status_desired_replicas{namespace="${NAMESPACE}", horizontalpodautoscaler=~"${workloads}"}`, 'hpa desired {{horizontalpodautoscaler}}'),
  ],
  cpuVsRequest: [
    q('A', `sum by (container) (rate(container_cpu_usage_seconds_total{namespace="${NAMESPACE}", container=~"${workloads}"}[${ri}]))`, 'used {{container}}'),
    q('B', `sum by (container) (kube_pod_container_resource_requests{namespace="${NAMESPACE}", container=~"${workloads}", resource="cpu"})`, 'requested {{container}}'),
  ],
  processCpu: q('A', `sum by (service) (rate(process_cpu_seconds_total{service=~"${workloads}"}[${ri}]))`, '{{service}}'),
  storeWriteLatency: [
    q(
      'A',
      `histogram_quantile(0.5, sum by (store, le) (rate(${METRICS.storeOperationDuration}_bucket{operation=~"${WRITE_OPERATIONS.mongodb}|${WRITE_OPERATIONS.redis}", outcome="ok"}[${ri}])))`,
      'p50 {{store}}',
    ),
    q(
      'B',
      `histogram_quantile(0.99, sum by (store, le) (rate(${METRICS.storeOperationDuration}_bucket{operation=~"${WRITE_OPERATIONS.mongodb}|${WRITE_OPERATIONS.redis}", outcome="ok"}[${ri}])))`,
      'p99 {{store}}',
    ),
  ],
  storeErrors: q('A', `sum by (store, operation) (rate(${STORE_ERRORS}[${ri}]))`, '{{store}} {{operation}}'),
  grpcLatency: [
    q('A', `histogram_quantile(0.99, sum by (method, le) (rate(${METRICS.grpcClientDuration}_bucket[${ri}])))`, 'client p99 {{method}}'),
    q('B', `histogram_quantile(0.99, sum by (method, le) (rate(${METRICS.grpcServerDuration}_bucket[${ri}])))`, 'server p99 {{method}}'),
  ],
  records: q('A', `sum by (route, outcome) (rate(${METRICS.recordsTotal}[${ri}]))`, '{{route}} {{outcome}}'),
  eventLoopLag: q('A', `max by (service) (nodejs_eventloop_lag_p99_seconds{service=~"${workloads}"})`, '{{service}}'),
  scrapeUp: q('A', 'min by (job) (up)', '{{job}}'),
} as const;

