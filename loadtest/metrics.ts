/**
 * The script's own metrics, per route. The route is only known from the answer (X-Route), so these
 * carry it as a tag; k6's built-in http_req_* metrics cannot. Thresholds are per route too.
 */
import { Counter, Rate, Trend } from 'k6/metrics';
import { K6_METRICS as M } from '../contract/k6-metrics.ts';
import type { Settings } from './settings.ts';

export const routeDuration = new Trend(M.requestDuration, true);
export const routeReqs = new Counter(M.requests);
export const routeAcks = new Counter(M.acks);
export const routeReplays = new Counter(M.replays);
export const routeErrors = new Rate(M.errors);
export const routeAttempts = new Counter(M.attempts);
export const routeAttemptDuration = new Trend(M.attemptDuration, true);
export const routeRetries = new Counter(M.retries);

export const ACK_ID_CHECK = 'acknowledged id is the Idempotency-Key';

export function buildThresholds(settings: Settings): Record<string, string[]> {
  const errorRate = `rate<=${settings.maxErrorRate}`;
  const thresholds: Record<string, string[]> = {
    // Also counts answers without a route (refused connections, errors of whatever is in front).
    [M.errors]: [errorRate],
    checks: ['rate==1'],
  };
  for (const route of settings.routes) {
    thresholds[`${M.errors}{route:${route}}`] = [errorRate];
    thresholds[`${M.requestDuration}{route:${route}}`] = [`p(95)<${settings.p95Ms}`, `p(99)<${settings.p99Ms}`];
    // A route that never answered is a broken split, not a fast one.
    thresholds[`${M.requests}{route:${route}}`] = ['count>0'];
    // Sub-metrics exist only for thresholded tags: these (always true) make summary.json's per-route
    // attempts, retries and attempt latency available.
    thresholds[`${M.attempts}{route:${route}}`] = ['count>=0'];
    thresholds[`${M.retries}{route:${route}}`] = ['count>=0'];
    thresholds[`${M.attemptDuration}{route:${route}}`] = ['max>=0'];
  }
  return thresholds;
}
