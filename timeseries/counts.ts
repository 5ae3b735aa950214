/**
 * What a set of route_* samples adds up to, kept one way for every reader: the per-second series
 * (aggregate.ts: one per route and second) and the window split (windows.ts: one per route, inside and
 * outside the windows) each hold these, so a request, an error or an attempt counts the same in both.
 */
import { K6_METRICS as M } from '../contract/k6-metrics.js';
import { NO_ROUTE } from '../contract/routes.js';
import type { RouteSample } from './k6-csv.js';

export class SampleCounts {
  /** Requests answered (route_reqs). */
  requests = 0;
  /** Of those, acknowledged (route_acks). */
  acks = 0;
  /** Of those, not acknowledged (route_errors = 1). */
  errors = 0;
  /** Retries of an attempt answered here (route_retries). */
  retries = 0;
  /** Attempts answered (route_attempts), and by HTTP status ("0": no answer). */
  attempts = 0;
  readonly attemptsByStatus = new Map<string, number>();
  /** Every request's latency (route_req_duration, ms), in arrival order: percentiles need them all. */
  readonly durations: number[] = [];

  /** route_replays and route_attempt_duration are kept in the samples file, not counted here. */
  add(s: RouteSample): void {
    switch (s.metric) {
      case M.requests:
        this.requests += s.value;
        break;
      case M.acks:
        this.acks += s.value;
        break;
      case M.errors:
        this.errors += s.value;
        break;
      case M.retries:
        this.retries += s.value;
        break;
      case M.attempts:
        this.attempts += s.value;
        this.attemptsByStatus.set(s.status, (this.attemptsByStatus.get(s.status) ?? 0) + s.value);
        break;
      case M.requestDuration:
        this.durations.push(s.value);
        break;
      default:
        break;
    }
  }
}

/** The route a sample counts under: its route tag, or NO_ROUTE for a row without one. */
export const sampleRoute = (s: RouteSample): string => (s.route === '' ? NO_ROUTE : s.route);
