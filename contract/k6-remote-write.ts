/**
 * How k6 pushes its metrics into Prometheus (its `experimental-prometheus-rw` output, built into k6 v2:
 * go.k6.io/k6/v2 internal/output/prometheusrw), and the series names that makes of the script's
 * metrics. The local run sets the output up from here (demo/k6-run.ts); the Benchmark dashboard's k6
 * panels query the names made here (grafana/prom-queries.ts). The integration test of the dashboard
 * (grafana/prometheus.integration.test.ts) has a real k6 push to a real Prometheus and reads them back.
 */
import { K6_METRICS } from './k6-metrics.js';

/** `k6 run --out <this>`. */
export const K6_RW_OUTPUT = 'experimental-prometheus-rw';

/** The receiver's path on a Prometheus started with --web.enable-remote-write-receiver. */
export const PROMETHEUS_RW_PATH = '/api/v1/write';

/** The Trend stats pushed, as K6_PROMETHEUS_RW_TREND_STATS takes them (k6's own default is p(99) only). */
export const K6_RW_TREND_STATS = ['p(50)', 'p(95)', 'p(99)'] as const;
export type TrendStat = 'p50' | 'p95' | 'p99';

/**
 * The output's environment: where to push, which Trend stats, and how often. k6's default push interval
 * is 5 s, a whole run of a short test: 1 s gives a short run several points. No stale markers (k6's
 * default, said here because it matters): the last values stay queryable after k6 ends, for the
 * end-of-run answers.
 */
export function k6RemoteWriteEnv(prometheusUrl: string): Record<string, string> {
  return {
    K6_PROMETHEUS_RW_SERVER_URL: prometheusUrl + PROMETHEUS_RW_PATH,
    K6_PROMETHEUS_RW_TREND_STATS: K6_RW_TREND_STATS.join(','),
    K6_PROMETHEUS_RW_PUSH_INTERVAL: '1s',
    K6_PROMETHEUS_RW_STALE_MARKERS: 'false',
  };
}

/**
 * The series names the output makes (remotewrite.go, trend.go): `k6_` + the metric's name, then
 * `_total` for a Counter, `_rate` for a Rate, nothing for a Gauge, and `_<stat>` per Trend stat with
 * p(95) written p95; a time Trend's stats are in seconds.
 */
export const K6_SERIES = {
  routeReqs: `k6_${K6_METRICS.requests}_total`,
  routeDuration: (stat: TrendStat): string => `k6_${K6_METRICS.requestDuration}_${stat}`,
  httpReqs: 'k6_http_reqs_total',
  httpReqFailed: 'k6_http_req_failed_rate',
  vus: 'k6_vus',
} as const;
