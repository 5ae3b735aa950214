/**
 * summary.json from k6's end-of-test data: per-route figures from the route_* metrics, thresholds, and
 * the settings of the run. Its shape is contract/k6-summary.ts; pure, so Node tests can run it too.
 */
import { K6_CHECKS, K6_DROPPED_ITERATIONS, K6_METRICS as M } from '../contract/k6-metrics.ts';
import { K6_SUMMARY_SCHEMA, type K6RouteSummary, type K6Summary, type K6Threshold } from '../contract/k6-summary.ts';
import type { Profile } from './profiles.ts';
import type { Settings } from './settings.ts';

export interface SetupData {
  runId: string;
  startedAt: string;
  poolSize: number;
}

interface MetricData {
  type: string;
  values: Record<string, number | undefined>;
  thresholds?: Record<string, { ok: boolean }>;
}

/** The part of k6's handleSummary() argument this reads. */
export interface SummaryData {
  metrics?: Record<string, MetricData | undefined>;
  state?: { testRunDurationMs: number };
  setup_data?: SetupData;
}

const round = (n: number, places = 3): number => Math.round(n * 10 ** places) / 10 ** places;

export function buildSummary(data: SummaryData, settings: Settings, profile: Profile): K6Summary {
  const metrics = data.metrics ?? {};
  const value = (metric: string, stat: string): number | undefined => metrics[metric]?.values[stat];
  const count = (metric: string): number => value(metric, 'count') ?? 0;
  const ms = (metric: string, stat: string): number | null => {
    const v = value(metric, stat);
    return v === undefined || count(metric) === 0 ? null : round(v);
  };
  const durationMs = data.state?.testRunDurationMs ?? 0;
  const perSecond = (n: number): number => (durationMs > 0 ? round(n / (durationMs / 1000), 2) : 0);

  const routes: Record<string, K6RouteSummary> = {};
  for (const route of settings.routes) {
    // route_errors{route:X} exists because metrics.ts names it among the thresholds (judged or not): its
    // true samples are errors, its false samples acknowledged writes. (route_acks{route:X} would need naming too.)
    const errors = value(`${M.errors}{route:${route}}`, 'passes') ?? 0;
    const acknowledged = value(`${M.errors}{route:${route}}`, 'fails') ?? 0;
    const requests = count(`${M.requests}{route:${route}}`);
    routes[route] = {
      requests,
      acknowledged,
      errors,
      errorRate: requests > 0 ? round(errors / requests, 6) : 0,
      rps: perSecond(requests),
      p50: ms(`${M.requestDuration}{route:${route}}`, 'med'),
      p95: ms(`${M.requestDuration}{route:${route}}`, 'p(95)'),
      p99: ms(`${M.requestDuration}{route:${route}}`, 'p(99)'),
      attempts: count(`${M.attempts}{route:${route}}`),
      retries: count(`${M.retries}{route:${route}}`),
      attemptP99: ms(`${M.attemptDuration}{route:${route}}`, 'p(99)'),
    };
  }
  const requests = count(M.requests);
  const routed = Object.values(routes).reduce((sum, r) => sum + r.requests, 0);

  const all: K6Threshold[] = [];
  for (const [metric, m] of Object.entries(metrics)) {
    for (const [threshold, result] of Object.entries(m?.thresholds ?? {})) all.push({ metric, threshold, ok: result.ok });
  }
  all.sort((a, b) => a.metric.localeCompare(b.metric));
  const failed = all.filter((t) => !t.ok).map((t) => `${t.metric} ${t.threshold}`);
  // What k6 reported judging, not what it was asked to: with THRESHOLDS=off it reports nothing, and
  // then the run has no threshold verdict at all (null), never an empty "passed".
  const thresholds = all.length === 0 ? null : { passed: failed.length === 0, failed, all };

  return {
    schema: K6_SUMMARY_SCHEMA,
    runId: data.setup_data?.runId ?? settings.runId ?? null,
    setupCompleted: data.setup_data !== undefined,
    scenario: profile.name,
    baseUrl: settings.baseUrl,
    startedAt: data.setup_data?.startedAt ?? null,
    durationMs: round(durationMs, 1),
    requests,
    acknowledged: count(M.acks),
    replayed: count(M.replays),
    errorRate: round(value(M.errors, 'rate') ?? 0, 6),
    rps: perSecond(requests),
    droppedIterations: count(K6_DROPPED_ITERATIONS),
    unrouted: requests - routed,
    routes,
    thresholds,
    failedChecks: value(K6_CHECKS, 'fails') ?? 0,
    settings: {
      rate: profile.rate,
      startRate: profile.startRate,
      durationS: profile.durationS,
      preAllocatedVUs: profile.preAllocatedVUs,
      maxVUs: profile.maxVUs,
      routes: settings.routes,
      maxErrorRate: settings.thresholds?.maxErrorRate ?? null,
      p95Ms: settings.thresholds?.p95Ms ?? null,
      p99Ms: settings.thresholds?.p99Ms ?? null,
      data: settings.data,
      poolSize: data.setup_data?.poolSize ?? null,
      ackLog: settings.ackLog,
      retries: settings.retry.retries,
    },
  };
}
