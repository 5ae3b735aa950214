/**
 * The k6 script's own metrics, by name: k6 defines them (loadtest/metrics.ts), summary.json and the
 * time series of a run (k6's CSV output) are read by these names. Every one carries a `route` tag: the
 * X-Route of the answer, or a route token (routes.ts) when there was none.
 * (No imports: k6 loads this file as it is.)
 */
export const K6_METRICS = {
  /** Counter, one per request (a request is every attempt with one Idempotency-Key). */
  requests: 'route_reqs',
  /** Trend (ms), per request: from the first attempt's start to the final answer, backoff included. */
  requestDuration: 'route_req_duration',
  /** Rate, per request: 1 when the final answer was not an acknowledgement. */
  errors: 'route_errors',
  /** Counter, per request acknowledged (final 200/201). */
  acks: 'route_acks',
  /** Counter, per request acknowledged by a replay (200 + Idempotency-Replayed). */
  replays: 'route_replays',
  /** Counter, one per attempt; extra tag `status` (HTTP status, 0 when no answer came). */
  attempts: 'route_attempts',
  /** Trend (ms), per attempt: that attempt's own duration. */
  attemptDuration: 'route_attempt_duration',
  /** Counter, one per retry (attempts after the first), tagged with the route of the attempt retried. */
  retries: 'route_retries',
} as const;

/** k6's built-in counter of iterations an arrival-rate executor could not start. */
export const K6_DROPPED_ITERATIONS = 'dropped_iterations';

/** k6's built-in Rate of check() results: a true sample passed, a false one ("fails") failed. */
export const K6_CHECKS = 'checks';
