/**
 * When did each route answer 2xx again after a fault, and how long did the fault's effect last? From what
 * the client saw:
 * - a fault's disruption ends when the process can serve again: the SIGCONT of a hang; for a kill, stop
 *   or restart, when the supervisor has it running (and ready) again, the record's endedAt, not the
 *   signal (a restarted MongoDB is gone for seconds after its SIGTERM).
 * - a route is back when it acknowledges a *fresh* request: one whose first attempt began after the
 *   disruption ended. A retry of an older request succeeding says less: it may have been queued behind
 *   the fault all along.
 * - a route has settled when requests sent to it are answered in time again: the first second (counted
 *   from the disruption's end, by when its requests began) with enough fresh requests to mean something
 *   (MIN_SETTLE_REQUESTS, and half the route's expected rate), none of them failed, and their p99 under
 *   the run's p99 threshold (a run without thresholds: errors and enough requests alone). Between back and settled the route drains the backlog the fault left (held
 *   requests and their retries arrive at once): it answers, but late.
 * - a fault's window runs from its start until every route has settled, then on until every request in
 *   flight by then has its final answer: the backlog a fault leaves is part of its cost, not of the
 *   steady state. The thresholds apply outside the windows.
 */
import type { AckLine } from '../contract/ack-line.js';
import { K6_METRICS as M } from '../contract/k6-metrics.js';
import type { TimeWindow } from '../timeseries/windows.js';
import type { RouteSample } from '../timeseries/k6-csv.js';
import type { FaultRecord } from './injector.js';
import { quantileSorted, sortedValues } from '../timeseries/percentile.js';

/**
 * ms since the epoch when the fault's disruption ended: when the process could serve again (endedAt:
 * the SIGCONT of a hang, the supervisor's restart of a kill, stop or restart). A process that never ran
 * again has no end; its planned end stands in (analysis.ts fails the fault).
 */
export const disruptionEnd = (f: Pick<FaultRecord, 'startedAt' | 'endedAt' | 'duration'>): number => f.endedAt ?? f.startedAt + f.duration * 1000;

/** A second settles only with at least this many fresh requests begun in it ... */
export const MIN_SETTLE_REQUESTS = 5;
/** ... and at least this share of the route's expected requests per second. */
export const MIN_SETTLE_SHARE_OF_RATE = 0.5;

/** The fewest fresh requests a second of a route needs to say it settled. */
export const minSettleRequests = (expectedPerSecond: number): number => Math.max(MIN_SETTLE_REQUESTS, Math.ceil(MIN_SETTLE_SHARE_OF_RATE * expectedPerSecond));

export interface Recovery {
  disruptionEnd: number;
  /** Per route: when its first fresh request was acknowledged (null: none was). */
  recoveredAt: Record<string, number | null>;
  recoveryMs: Record<string, number | null>;
  /** Per route: when requests sent from then on were answered without error within the p99 threshold (null: never, within what the run saw). */
  settledAt: Record<string, number | null>;
  settleMs: Record<string, number | null>;
}

const SETTLE_BUCKET_MS = 1000;
/**
 * k6 stamps a request's route_req_duration and then its route_errors (loadtest/post-course.ts), in the
 * same millisecond almost always; its CSV names no VU, so a failure is matched to the requests of its
 * route answered in the nearest millisecond at or before it (within FAIL_MATCH_MS). Two requests answered
 * in that same millisecond both count as failed: a near miss settles a route later, never earlier.
 */
const FAIL_MATCH_MS = 20;
/** Failures without a route of ours (the ingress's own error, no answer) count against every route. */
const UNROUTED = '\u0000unrouted';

interface Second {
  durations: number[];
  failed: boolean;
}

/** Fed the run's ack lines (recovery) and k6's request samples (settling), one at a time. */
export class RecoveryTracker {
  private readonly ends: number[];
  private readonly first: Map<string, number>[];
  /** Per route (or UNROUTED): request starts by the ms of their answer, to find a failure's start. */
  private readonly startsByAnswer = new Map<string, Map<number, number[]>>();
  /** Per route (or UNROUTED): when each failed request was answered. */
  private readonly failures = new Map<string, number[]>();
  private readonly minPerSecond: Record<string, number>;

  /** `expectedPerSecond`: each route's expected requests per second (the offered rate times its weight). */
  constructor(
    faults: readonly FaultRecord[],
    private readonly routes: readonly string[],
    /** The run's p99 threshold; null when it has none. */
    private readonly p99Ms: number | null,
    expectedPerSecond: Readonly<Record<string, number>> = {},
  ) {
    this.ends = faults.map(disruptionEnd);
    this.first = faults.map(() => new Map());
    this.minPerSecond = Object.fromEntries(routes.map((r) => [r, minSettleRequests(expectedPerSecond[r] ?? 0)]));
  }

  /** An ack line: the first fresh acknowledgement of a route after a fault says it is back. */
  add(a: AckLine): void {
    if (a.startMs === undefined || a.durationMs === undefined || !this.routes.includes(a.route)) return;
    const answeredAt = a.startMs + a.durationMs;
    for (let i = 0; i < this.ends.length; i++) {
      if (a.startMs < this.ends[i]!) continue;
      const seen = this.first[i]!.get(a.route);
      if (seen === undefined || answeredAt < seen) this.first[i]!.set(a.route, answeredAt);
    }
  }

  /** A k6 sample: every request's duration (acknowledged or not) and every failed request (route_errors 1). */
  addSample(s: RouteSample): void {
    const key = this.routes.includes(s.route) ? s.route : UNROUTED;
    if (s.metric === M.requestDuration) {
      let byAnswer = this.startsByAnswer.get(key);
      if (!byAnswer) this.startsByAnswer.set(key, (byAnswer = new Map()));
      const starts = byAnswer.get(s.t);
      if (starts) starts.push(s.t - s.value);
      else byAnswer.set(s.t, [s.t - s.value]);
    } else if (s.metric === M.errors && s.value > 0) {
      const list = this.failures.get(key);
      if (list) list.push(s.t);
      else this.failures.set(key, [s.t]);
    }
  }

  /** When each failed request of `key` began (every candidate: see FAIL_MATCH_MS); its answer time when none is found. */
  private failedStarts(key: string): number[] {
    const byAnswer = this.startsByAnswer.get(key);
    return (this.failures.get(key) ?? []).flatMap((t) => {
      for (let at = t; at >= t - FAIL_MATCH_MS; at--) {
        const starts = byAnswer?.get(at);
        if (starts) return starts;
      }
      return [t];
    });
  }

  /** Per route, the fresh seconds after disruption end `end`: durations of the requests begun in each, and whether one failed. */
  private seconds(end: number): Map<string, Map<number, Second>> {
    const out = new Map(this.routes.map((r) => [r, new Map<number, Second>()]));
    const at = (route: string, start: number): Second | undefined => {
      if (start < end) return undefined;
      const second = Math.floor((start - end) / SETTLE_BUCKET_MS);
      const m = out.get(route)!;
      let s = m.get(second);
      if (!s) m.set(second, (s = { durations: [], failed: false }));
      return s;
    };
    const fail = (route: string, start: number): void => {
      const s = at(route, start);
      if (s) s.failed = true;
    };
    for (const route of this.routes) {
      for (const [t, starts] of this.startsByAnswer.get(route) ?? []) for (const start of starts) at(route, start)?.durations.push(t - start);
      for (const start of this.failedStarts(route)) fail(route, start);
    }
    for (const start of this.failedStarts(UNROUTED)) for (const route of this.routes) fail(route, start);
    return out;
  }

  result(): Recovery[] {
    return this.ends.map((end, i) => {
      const recoveredAt: Record<string, number | null> = {};
      const recoveryMs: Record<string, number | null> = {};
      const settledAt: Record<string, number | null> = {};
      const settleMs: Record<string, number | null> = {};
      const seconds = this.seconds(end);
      for (const r of this.routes) {
        const at = this.first[i]!.get(r) ?? null;
        recoveredAt[r] = at;
        recoveryMs[r] = at === null ? null : at - end;
        const calm = [...seconds.get(r)!.entries()]
          .sort(([a], [b]) => a - b)
          .find(([, s]) => !s.failed && s.durations.length >= this.minPerSecond[r]! && (this.p99Ms === null || quantileSorted(sortedValues(s.durations), 0.99)! < this.p99Ms));
        // Reported no earlier than the recovery: settled means answering, and in time.
        const settled = calm === undefined || at === null ? null : Math.max(at, end + calm[0] * SETTLE_BUCKET_MS);
        settledAt[r] = settled;
        settleMs[r] = settled === null ? null : settled - end;
      }
      return { disruptionEnd: end, recoveredAt, recoveryMs, settledAt, settleMs };
    });
  }
}

/**
 * Fed k6's request samples (route_req_duration: answered at t after `value` ms), it widens each window
 * [start, until) to the last answer of any request in flight during it: one that began inside it, or
 * began before it and was still waiting when the fault struck (its 503, backoff and retry land after
 * the recovery, and are the fault's, not the steady state's).
 */
export class WindowWidener {
  private readonly ends: number[];

  constructor(private readonly windows: readonly TimeWindow[]) {
    this.ends = windows.map((w) => w.end);
  }

  add(s: RouteSample): void {
    if (s.metric !== M.requestDuration) return;
    const began = s.t - s.value;
    for (let i = 0; i < this.windows.length; i++) {
      const w = this.windows[i]!;
      if (began < w.end && s.t >= w.start && s.t + 1 > this.ends[i]!) this.ends[i] = s.t + 1;
    }
  }

  result(): TimeWindow[] {
    return this.windows.map((w, i) => ({ start: w.start, end: this.ends[i]! }));
  }
}
