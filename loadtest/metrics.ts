/**
 * The script's own metrics, per route. The route is only known from the answer (X-Route), so these
 * carry it as a tag; k6's built-in http_req_* metrics cannot. Thresholds are per route too (thresholds.ts).
 */
import { Counter, Rate, Trend } from 'k6/metrics';
import { K6_METRICS as M } from '../contract/k6-metrics.ts';

export const routeDuration = new Trend(M.requestDuration, true);
export const routeReqs = new Counter(M.requests);
export const routeAcks = new Counter(M.acks);
export const routeReplays = new Counter(M.replays);
export const routeErrors = new Rate(M.errors);
export const routeAttempts = new Counter(M.attempts);
export const routeAttemptDuration = new Trend(M.attemptDuration, true);
export const routeRetries = new Counter(M.retries);

export const ACK_ID_CHECK = 'acknowledged id is the Idempotency-Key';
