/**
 * Benchmark dashboard: what each route costs and how it behaves under k6, from Prometheus: the services'
 * own histograms (contract/metrics.ts), k6 remote write, Linkerd's proxy metrics for the split,
 * kube-state-metrics and cAdvisor for replicas and CPU.
 */
import { PanelBuilder as TimeSeries } from '@grafana/grafana-foundation-sdk/timeseries';
import { DashboardBuilder, RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { COURSE_PATH } from '../../contract/http.js';
import { ENVOY_METRICS, METRICS } from '../../contract/metrics.js';
import { readSplit, SPLIT_ROUTE_FILE } from '../../linkerd/split.js';
import { dsRef } from '../datasources.js';
import { configuredWeight, HTTPROUTE_BACKEND_WEIGHT, K6_METRICS, LINKERD_ROUTE_BACKEND, PROM_QUERIES, WRITE_OPERATIONS, type PromQuery } from '../prom-queries.js';
import { numberPanels, promTarget } from './builders.js';

export const BENCHMARK_UID = 'splitbench-benchmark';

function graph(title: string, description: string, unit: string, queries: readonly PromQuery[], span = 12): TimeSeries {
  return new TimeSeries()
    .title(title)
    .description(description)
    .unit(unit)
    .height(8)
    .span(span)
    .datasource(dsRef('prometheus'))
    .targets(queries.map(promTarget));
}

const SERVICES_NOTE = `Source: the REST services' ${METRICS.httpRequestDuration} histogram (POST ${COURSE_PATH}), label route from each service's default labels.`;
const K6_NOTE =
  `Source: k6 remote write (experimental-prometheus-rw); the k6 scripts emit the custom metrics ${K6_METRICS.routeReqs} and ` +
  `k6_route_req_duration_<stat> tagged with the route from the X-Route response header. Trend stats are cumulative over the run, in seconds.`;

export function benchmarkDashboard(): Dashboard {
  // The weight applied, read from what applies it: the HTTPRoute named in linkerd/route/httproute.yaml.
  const httpRoute = readSplit(SPLIT_ROUTE_FILE).name;

  const b = new DashboardBuilder('splitbench / Benchmark')
    .uid(BENCHMARK_UID)
    .description('Per-route rate, latency and errors from the services and from k6; the observed split; replicas, CPU and store latency.')
    .tags(['splitbench', 'benchmark'])
    .refresh('10s')
    .time({ from: 'now-30m', to: 'now' })
    .timezone('browser')
    .editable();

  b.withRow(new RowBuilder('Per route: the services (server side)'));
  b.withPanel(graph('Request rate per route (services)', SERVICES_NOTE, 'reqps', [PROM_QUERIES.serviceRate], 8));
  b.withPanel(graph('Latency p50 / p95 / p99 per route (services)', `${SERVICES_NOTE} histogram_quantile over the buckets.`, 's', PROM_QUERIES.serviceLatency, 8));
  b.withPanel(graph('Error rate per route (services, 5xx share)', `${SERVICES_NOTE} Share of answers with a 5xx status (503 store/upstream down, 504 deadline).`, 'percentunit', [PROM_QUERIES.serviceErrorRate], 8));

  b.withRow(new RowBuilder('Per route: k6 (client side)'));
  b.withPanel(graph('Request rate per route (k6)', K6_NOTE, 'reqps', [PROM_QUERIES.k6Rate], 8));
  b.withPanel(graph('Latency p50 / p95 / p99 per route (k6)', K6_NOTE, 's', PROM_QUERIES.k6Latency, 8));
  b.withPanel(graph('Failed requests (k6 http_req_failed)', `Source: k6 remote write, ${K6_METRICS.httpReqFailed} (share of failed requests over the run, all routes).`, 'percentunit', [PROM_QUERIES.k6Failed], 8));

  b.withRow(new RowBuilder('The split'));
  b.withPanel(
    graph(
      'Observed split share vs configured weight',
      `Observed: each route's share of POST ${COURSE_PATH} answers (services' histogram), of requests the ingress's Linkerd proxy sent ` +
        `to each backend (${LINKERD_ROUTE_BACKEND}) and, locally, of requests Envoy (the local ingress) sent to each route ` +
        `(${ENVOY_METRICS.upstreamRequestsTotal}). Configured (in a cluster): the weight applied now, from the HTTPRoute ` +
        `${httpRoute} itself (${HTTPROUTE_BACKEND_WEIGHT} from kube-state-metrics, each weight over their sum).`,
      'percentunit',
      [...PROM_QUERIES.observedShare, configuredWeight('D', httpRoute)],
      24,
    ),
  );

  b.withRow(new RowBuilder('Scaling: replicas and CPU'));
  b.withPanel(graph('Replicas per Deployment', 'Source: kube-state-metrics (Deployment status replicas; HPA current and desired replicas).', 'none', PROM_QUERIES.replicas, 8));
  b.withPanel(
    graph('CPU used vs requested per container', 'Source: cAdvisor (container_cpu_usage_seconds_total, summed over pods) against kube-state-metrics CPU requests. The HPA scales at 50% of the request.', 'cores', PROM_QUERIES.cpuVsRequest, 8),
  );
  b.withPanel(graph('Process CPU per service', "Source: prom-client's process_cpu_seconds_total from every service (works locally too, without cAdvisor).", 'cores', [PROM_QUERIES.processCpu], 8));

  b.withRow(new RowBuilder('Stores and gRPC'));
  b.withPanel(
    graph(
      'Store write latency p50 / p99 (MongoDB insert, Redis apply)',
      `Source: ${METRICS.storeOperationDuration}, operations ${WRITE_OPERATIONS.mongodb} (MongoDB, both routes) and ${WRITE_OPERATIONS.redis} (Redis Lua script, route B), outcome ok.`,
      's',
      PROM_QUERIES.storeWriteLatency,
    ),
  );
  b.withPanel(graph('Store errors', `Source: ${METRICS.storeOperationDuration} count with outcome error, per store and operation.`, 'ops', [PROM_QUERIES.storeErrors]));
  b.withPanel(graph('gRPC latency p99 (client and server)', `Source: ${METRICS.grpcClientDuration} (grpc-client) and ${METRICS.grpcServerDuration} (grpc-server), per method.`, 's', PROM_QUERIES.grpcLatency, 8));
  b.withPanel(graph('Write requests by outcome', `Source: ${METRICS.recordsTotal} per route and outcome (created, replayed, conflict, invalid, unavailable, timeout, error).`, 'reqps', [PROM_QUERIES.records], 8));
  b.withPanel(graph('Event loop lag p99', "Source: prom-client's nodejs_eventloop_lag_p99_seconds per service: a busy event loop shows here before latency does.", 's', [PROM_QUERIES.eventLoopLag], 8));
  b.withPanel(graph('Scrape targets up', 'Source: Prometheus itself (up, the lowest per scrape job). A 0 means some target of that job cannot be scraped.', 'none', [PROM_QUERIES.scrapeUp], 24));
  return numberPanels(b.build());
}
