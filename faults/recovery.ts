/**
 * When did each route answer 2xx again after a fault, and how long did the fault's effect last? From what
 * the client saw:
 * - a route has recovered when it acknowledges a *fresh* request: one whose first attempt began after the
 *   fault's disruption ended (the SIGCONT of a hang, the end of a stop's planned downtime, the signal of
 *   a kill or restart, whose time back includes the supervisor's restart). A retry of an older request
 *   succeeding says less: it may have been queued behind the fault all along.
 * - a fault's window runs from its start until every request in flight before the routes recovered has
 *   its final answer: the backlog a fault leaves is part of its cost, not of the steady state.
 */
import type { AckLine } from '../contract/ack-line.js';
import { K6_METRICS as M } from '../contract/k6-metrics.js';
import type { TimeWindow } from '../timeseries/windows.js';
import type { RouteSample } from '../timeseries/k6-csv.js';
import type { FaultRecord } from './injector.js';

/** ms since the epoch when the fault's planned disruption ends. */
export const disruptionEnd = (f: Pick<FaultRecord, 'startedAt' | 'action' | 'duration'>): number => f.startedAt + (f.action === 'hang' || f.action === 'stop' ? f.duration * 1000 : 0);

export interface Recovery {
  disruptionEnd: number;
  /** Per route: when its first fresh request was acknowledged (null: none was). */
  recoveredAt: Record<string, number | null>;
  recoveryMs: Record<string, number | null>;
}

/** Fed the run's ack lines (with their start and duration), one at a time. */
export class RecoveryTracker {
  private readonly ends: number[];
  private readonly first: Map<string, number>[];

  constructor(
    faults: readonly FaultRecord[],
    private readonly routes: readonly string[],
  ) {
    this.ends = faults.map(disruptionEnd);
    this.first = faults.map(() => new Map());
  }

  add(a: AckLine): void {
    if (a.startMs === undefined || a.durationMs === undefined || !this.routes.includes(a.route)) return;
    const answeredAt = a.startMs + a.durationMs;
    for (let i = 0; i < this.ends.length; i++) {
      if (a.startMs < this.ends[i]!) continue;
      const seen = this.first[i]!.get(a.route);
      if (seen === undefined || answeredAt < seen) this.first[i]!.set(a.route, answeredAt);
    }
  }

  result(): Recovery[] {
    return this.ends.map((end, i) => {
      const recoveredAt: Record<string, number | null> = {};
      const recoveryMs: Record<string, number | null> = {};
      for (const r of this.routes) {
        const at = this.first[i]!.get(r) ?? null;
        recoveredAt[r] = at;
        recoveryMs[r] = at === null ? null : at - end;
      }
      return { disruptionEnd: end, recoveredAt, recoveryMs };
    });
  }
}

/**
 * Fed k6's request samples (route_req_duration: answered at t after `value` ms), it widens each window
 * [start, until) to the last answer of any request that began inside it.
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
      if (began >= w.start && began < w.end && s.t + 1 > this.ends[i]!) this.ends[i] = s.t + 1;
    }
  }

  result(): TimeWindow[] {
    return this.windows.map((w, i) => ({ start: w.start, end: this.ends[i]! }));
  }
}
