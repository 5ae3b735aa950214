/**
 * The script's own metrics, per route. The route is only known from the answer (X-Route), so these
 * carry it as a tag; k6's built-in http_req_* metrics cannot. Thresholds are per route too.
 */
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Settings } from './settings.ts';

export const routeDuration = new Trend('route_req_duration', true);
export const routeReqs = new Counter('route_reqs');
export const routeAcks = new Counter('route_acks');
export const routeReplays = new Counter('route_replays');
export const routeErrors = new Rate('route_errors');

export const ACK_ID_CHECK = 'acknowledged id is the Idempotency-Key';

export function buildThresholds(settings: Settings): Record<string, string[]> {
  const errorRate = `rate<=${settings.maxErrorRate}`;
  const thresholds: Record<string, string[]> = {
    // Also counts answers without a route (refused connections, errors of whatever is in front).
    route_errors: [errorRate],
    checks: ['rate==1'],
  };
  for (const route of settings.routes) {
    thresholds[`route_errors{route:${route}}`] = [errorRate];
    thresholds[`route_req_duration{route:${route}}`] = [`p(95)<${settings.p95Ms}`, `p(99)<${settings.p99Ms}`];
    // A route that never answered is a broken split, not a fast one.
    thresholds[`route_reqs{route:${route}}`] = ['count>0'];
  }
  return thresholds;
}
