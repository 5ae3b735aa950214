/**
 * Every dashboard query, defined once. The dashboards put these objects into panels; the tests run the
 * same objects against a real redis-server, against grades-api over a real MongoDB-wire server, and
 * parse the PromQL for metric names. Keys, fields and metric names come from contract/, never typed here.
 */
import { COURSE_PATH } from '../contract/http.js';
import { METRICS } from '../contract/metrics.js';
import type { RouteName } from '../contract/routes.js';
import { SERVICES } from '../contract/services.js';
import { REDIS_KEYS } from '../contract/stores.js';
import { dsRef } from './datasources.js';
import type { Dimension } from '../grades-api/mongo-reads.js';
import { API_PATHS } from '../grades-api/server.js';

// ---- Redis (redis-datasource plugin query model: type, command, keyName, ...) --------------------

export interface RedisQuery {
  refId: string;
  datasource: { type: string; uid: string };
  type: 'command';
  command: 'hgetall' | 'xrevrange';
  keyName: string;
  /** xrevrange only: stream ids; '-' and '+' read the whole stream instead of the dashboard's time range. */
  start?: string;
  end?: string;
  count?: number;
}

const redisHash = (refId: string, keyName: string): RedisQuery => ({ refId, datasource: dsRef('redis'), type: 'command', command: 'hgetall', keyName });

/** How many recent records the "latest" panels show. */
export const LATEST_COUNT = 20;

export const REDIS_QUERIES = {
  totals: redisHash('A', REDIS_KEYS.totals),
  countBy: {
    curso: redisHash('A', REDIS_KEYS.countBy.curso),
    facultad: redisHash('A', REDIS_KEYS.countBy.facultad),
    carrera: redisHash('A', REDIS_KEYS.countBy.carrera),
    region: redisHash('A', REDIS_KEYS.countBy.region),
  },
  /** Joined by curso in the panel; refIds name the column each hash becomes. */
  byCurso: {
    graded: redisHash('graded', REDIS_KEYS.gradedByCurso),
    nota_sum: redisHash('nota_sum', REDIS_KEYS.notaSumByCurso),
    passed: redisHash('passed', REDIS_KEYS.passedByCurso),
    failed: redisHash('failed', REDIS_KEYS.failedByCurso),
  },
  recent: {
    refId: 'A',
    datasource: dsRef('redis'),
    type: 'command',
    command: 'xrevrange',
    keyName: REDIS_KEYS.recent,
    start: '-',
    end: '+',
    count: LATEST_COUNT,
  } satisfies RedisQuery,
} as const;

// ---- grades-api over MongoDB (Infinity datasource query model) -----------------------------------

export interface InfinityColumn {
  selector: string;
  text: string;
  type: 'string' | 'number' | 'timestamp';
}

export interface GradesApiQuery {
  refId: string;
  datasource: { type: string; uid: string };
  type: 'json';
  source: 'url';
  parser: 'backend';
  format: 'table';
  /** Relative to the datasource URL (grades-api); may hold dashboard variables. */
  url: string;
  url_options: { method: 'GET'; data: '' };
  root_selector: '';
  columns: InfinityColumn[];
}

/** Dashboard variables of the Grades dashboard, and the grades-api filter parameter each one sets. */
export const GRADE_VARIABLES = {
  curso: 'curso',
  region: 'region',
  year: 'year',
  route: 'route',
  run: 'runId',
} as const satisfies Record<string, Dimension>;

/** The value a variable takes for "All"; grades-api reads it as "no filter". */
export { ALL } from '../grades-api/server.js';

const filterParams = Object.entries(GRADE_VARIABLES)
  .map(([variable, param]) => `${param}=\${${variable}:percentencode}`)
  .join('&');

const num = (selector: string, text = selector): InfinityColumn => ({ selector, text, type: 'number' });
const str = (selector: string, text = selector): InfinityColumn => ({ selector, text, type: 'string' });

function gradesApi(url: string, columns: InfinityColumn[], refId = 'A'): GradesApiQuery {
  return {
    refId,
    datasource: dsRef('grades'),
    type: 'json',
    source: 'url',
    parser: 'backend',
    format: 'table',
    url,
    url_options: { method: 'GET', data: '' },
    root_selector: '',
    columns,
  };
}

const totalsColumns = [num('records'), num('graded'), num('nota_sum'), num('passed'), num('failed'), num('avg_nota'), num('pass_rate')];
const countColumns = (dim: Dimension): InfinityColumn[] => [str('value', dim), num('records')];

export const GRADES_API_QUERIES = {
  totals: gradesApi(`${API_PATHS.totals}?${filterParams}`, totalsColumns),
  countBy: {
    curso: gradesApi(`${API_PATHS.counts('curso')}?${filterParams}`, countColumns('curso')),
    facultad: gradesApi(`${API_PATHS.counts('facultad')}?${filterParams}`, countColumns('facultad')),
    carrera: gradesApi(`${API_PATHS.counts('carrera')}?${filterParams}`, countColumns('carrera')),
    region: gradesApi(`${API_PATHS.counts('region')}?${filterParams}`, countColumns('region')),
    route: gradesApi(`${API_PATHS.counts('route')}?${filterParams}`, countColumns('route')),
  },
  byCurso: gradesApi(`${API_PATHS.byCurso}?${filterParams}`, [str('curso'), ...totalsColumns]),
  latest: gradesApi(`${API_PATHS.latest}?${filterParams}&limit=${LATEST_COUNT}`, [
    { selector: 'receivedAt', text: 'receivedAt', type: 'timestamp' },
    str('route'),
    str('runId'),
    str('curso'),
    str('facultad'),
    str('carrera'),
    str('region'),
    num('nota'),
    str('semestre'),
    num('year'),
    str('carnet'),
    str('nombre'),
    str('instance'),
    str('id'),
  ]),
  /** Variable options: values present in the records (unfiltered, so a choice never hides the others). */
  yearValues: gradesApi(API_PATHS.counts('year'), [str('value', 'year')]),
  runValues: gradesApi(API_PATHS.counts('runId'), [str('value', 'runId')]),
} as const;

// ---- Prometheus --------------------------------------------------------------------------------

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

/** Per-route latency quantile from the services' request histogram. */
const httpQuantile = (refId: string, qn: number): PromQuery =>
  q(refId, `histogram_quantile(${qn}, sum by (route, le) (rate(${http}_bucket{${course}, ${restServices}}[${ri}])))`, `p${qn * 100} {{route}}`);

/** k6 custom metrics (see grafana/README.md: assumed names and the `route` tag). */
export const K6_METRICS = {
  routeReqs: 'k6_route_reqs_total',
  routeDurationStat: (stat: 'p50' | 'p95' | 'p99'): string => `k6_route_req_duration_${stat}`,
  httpReqs: 'k6_http_reqs_total',
  httpReqFailed: 'k6_http_req_failed_rate',
  vus: 'k6_vus',
} as const;

/** Linkerd's outbound route metric, as the ingress's proxy reports the split (ARCHITECTURE.md). */
export const LINKERD_ROUTE_BACKEND = 'outbound_http_route_backend_requests_total';
/** The Service the HTTPRoute hangs from, and the namespace everything runs in. */
export const SPLIT_PARENT = SERVICES.ingress;
export const NAMESPACE = 'splitbench';

export function configuredWeightQuery(refId: string, route: RouteName, fraction: number): PromQuery {
  // A constant series per route, so the observed share and the configured weight share one graph.
  return q(refId, `label_replace(vector(${fraction}), "route", "${route}", "", "")`, `configured {{route}}`);
}

export const PROM_QUERIES = {
  serviceRate: q('A', `sum by (route) (rate(${http}_count{${course}, ${restServices}}[${ri}]))`, '{{route}}'),
  serviceLatency: [httpQuantile('A', 0.5), httpQuantile('B', 0.95), httpQuantile('C', 0.99)],
  serviceErrorRate: q(
    'A',
    `sum by (route) (rate(${http}_count{${course}, ${restServices}, status=~"5.."}[${ri}])) / sum by (route) (rate(${http}_count{${course}, ${restServices}}[${ri}]))`,
    '5xx {{route}}',
  ),
  k6Rate: q('A', `sum by (route) (rate(${K6_METRICS.routeReqs}[${ri}]))`, 'k6 {{route}}'),
  k6Latency: [
    q('A', `max by (route) (${K6_METRICS.routeDurationStat('p50')})`, 'k6 p50 {{route}}'),
    q('B', `max by (route) (${K6_METRICS.routeDurationStat('p95')})`, 'k6 p95 {{route}}'),
    q('C', `max by (route) (${K6_METRICS.routeDurationStat('p99')})`, 'k6 p99 {{route}}'),
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
  storeErrors: q('A', `sum by (store, operation) (rate(${METRICS.storeOperationDuration}_count{outcome="error"}[${ri}]))`, '{{store}} {{operation}}'),
  grpcLatency: [
    q('A', `histogram_quantile(0.99, sum by (method, le) (rate(${METRICS.grpcClientDuration}_bucket[${ri}])))`, 'client p99 {{method}}'),
    q('B', `histogram_quantile(0.99, sum by (method, le) (rate(${METRICS.grpcServerDuration}_bucket[${ri}])))`, 'server p99 {{method}}'),
  ],
  records: q('A', `sum by (route, outcome) (rate(${METRICS.recordsTotal}[${ri}]))`, '{{route}} {{outcome}}'),
  eventLoopLag: q('A', `max by (service) (nodejs_eventloop_lag_p99_seconds{service=~"${workloads}"})`, '{{service}}'),
  scrapeUp: q('A', 'min by (job) (up)', '{{job}}'),
} as const;

