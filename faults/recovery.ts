/**
 * When did each route answer 2xx again after a fault, and how long did the fault's effect last? From what
 * the client saw:
 * - a route has recovered when it acknowledges a *fresh* request: one whose first attempt began after the
 *   fault's disruption ended (the SIGCONT of a hang, the end of a stop's planned downtime, the signal of
 *   a kill or restart, whose time back includes the supervisor's restart). A retry of an older request
 *   succeeding says less: it may have been queued behind the fault all along.
 * - a route has settled when requests sent to it are answered in time again: the first second (counted
 *   from the disruption's end, by when its requests began) whose acknowledged fresh requests have a p99
 *   under the run's p99 threshold. Between recovery and settling the route drains the backlog the fault
 *   left (held requests and their retries arrive at once): it answers, but late.
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

/** ms since the epoch when the fault's planned disruption ends. */
export const disruptionEnd = (f: Pick<FaultRecord, 'startedAt' | 'action' | 'duration'>): number => f.startedAt + (f.action === 'hang' || f.action === 'stop' ? f.duration * 1000 : 0);

export interface Recovery {
  disruptionEnd: number;
  /** Per route: when its first fresh request was acknowledged (null: none was). */
  recoveredAt: Record<string, number | null>;
  recoveryMs: Record<string, number | null>;
  /** Per route: when requests sent from then on were answered within the p99 threshold (null: never, within what the run saw). */
  settledAt: Record<string, number | null>;
  settleMs: Record<string, number | null>;
}

const SETTLE_BUCKET_MS = 1000;

/** Fed the run's ack lines (with their start and duration), one at a time. */
export class RecoveryTracker {
  private readonly ends: number[];
  private readonly first: Map<string, number>[];
  /** Per fault, per route: durations of fresh acknowledged requests by the second they began in (from the disruption's end). */
  private readonly bySecond: Map<string, Map<number, number[]>>[];

  constructor(
    faults: readonly FaultRecord[],
    private readonly routes: readonly string[],
    private readonly p99Ms: number,
  ) {
    this.ends = faults.map(disruptionEnd);
    this.first = faults.map(() => new Map());
    this.bySecond = faults.map(() => new Map(routes.map((r) => [r, new Map()])));
  }

  add(a: AckLine): void {
    if (a.startMs === undefined || a.durationMs === undefined || !this.routes.includes(a.route)) return;
    const answeredAt = a.startMs + a.durationMs;
    for (let i = 0; i < this.ends.length; i++) {
      if (a.startMs < this.ends[i]!) continue;
      const seen = this.first[i]!.get(a.route);
      if (seen === undefined || answeredAt < seen) this.first[i]!.set(a.route, answeredAt);
      const second = Math.floor((a.startMs - this.ends[i]!) / SETTLE_BUCKET_MS);
      const seconds = this.bySecond[i]!.get(a.route)!;
      const bucket = seconds.get(second);
      if (bucket) bucket.push(a.durationMs);
      else seconds.set(second, [a.durationMs]);
    }
  }

  result(): Recovery[] {
    return this.ends.map((end, i) => {
      const recoveredAt: Record<string, number | null> = {};
      const recoveryMs: Record<string, number | null> = {};
      const settledAt: Record<string, number | null> = {};
      const settleMs: Record<string, number | null> = {};
      for (const r of this.routes) {
        const at = this.first[i]!.get(r) ?? null;
        recoveredAt[r] = at;
        recoveryMs[r] = at === null ? null : at - end;
        const seconds = [...this.bySecond[i]!.get(r)!.entries()].sort(([a], [b]) => a - b);
        const calm = seconds.find(([, ms]) => quantileSorted(sortedValues(ms), 0.99)! < this.p99Ms);
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
