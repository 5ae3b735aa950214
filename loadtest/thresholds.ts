/**
 * The k6 script's options.thresholds: what k6 judges the run by, per route, and the per-route
 * sub-metrics summary.json reads. k6 makes a sub-metric (`route_reqs{route:grpc}`) only for a tag set
 * named here; an empty list names one and judges nothing (k6 v2.2; demo/k6-run.test.ts runs the real
 * k6 both ways). With THRESHOLDS=off (settings.thresholds null) every entry is such an empty list.
 * Pure (no k6 import), so Node tests run it too.
 */
import { K6_CHECKS, K6_METRICS as M } from '../contract/k6-metrics.ts';
import type { Settings } from './settings.ts';

export function buildThresholds(settings: Settings): Record<string, string[]> {
  const th = settings.thresholds;
  const thresholds: Record<string, string[]> = {};
  if (th !== null) {
    // Also counts answers without a route (refused connections, errors of whatever is in front).
    thresholds[M.errors] = [`rate<=${th.maxErrorRate}`];
    thresholds[K6_CHECKS] = ['rate==1'];
  }
  for (const route of settings.routes) {
    thresholds[`${M.errors}{route:${route}}`] = th === null ? [] : [`rate<=${th.maxErrorRate}`];
    thresholds[`${M.requestDuration}{route:${route}}`] = th === null ? [] : [`p(95)<${th.p95Ms}`, `p(99)<${th.p99Ms}`];
    // A route that never answered is a broken split, not a fast one.
    thresholds[`${M.requests}{route:${route}}`] = th === null ? [] : ['count>0'];
    // Never judged: named only so summary.json has each route's attempts, retries and attempt latency.
    thresholds[`${M.attempts}{route:${route}}`] = [];
    thresholds[`${M.retries}{route:${route}}`] = [];
    thresholds[`${M.attemptDuration}{route:${route}}`] = [];
  }
  return thresholds;
}
