/**
 * The verdict of a fault run, as data: did every fault end and every route recover within the bound;
 * how did the routes do outside the fault windows (where the thresholds apply) and inside them (where
 * errors are expected and only reported).
 */
import type { WindowFigures, WindowSummary, TimeWindow } from '../timeseries/windows.js';
import type { FaultRecord } from './injector.js';
import type { Recovery } from './recovery.js';

/**
 * A route must answer 2xx again within 15 s of a fault's disruption ending. A kill's includes the
 * supervisor's 1 s back-off and the process's start (a Node service: 1 to 3 s here); the drivers
 * reconnect within 2 s (node-redis back-off cap, the MongoDB driver's server selection).
 */
export const RECOVERY_BOUND_MS = 15_000;

/**
 * A route must answer new requests within its p99 threshold again ("settled") within 30 s of a fault's
 * disruption ending. What a fault leaves behind drains only at the machine's spare capacity: at the demo's
 * 100 req/s on a 2-core machine whose split capacity is about 175 req/s, a 3 s hang of MongoDB held
 * requests for about 6 s on the client's side and the backlog took 4 to 18 s to drain (measured, two runs
 * of the default plan). A route slower than 30 s to settle is not draining a backlog; it is not recovering.
 */
export const SETTLE_BOUND_MS = 30_000;

/** results/<run-id>/faults.json: a FaultAnalysis without its findings (those are in summary.json). */
export const FAULTS_SCHEMA = 'splitbench.faults/1';

export interface FaultOutcome extends FaultRecord, Recovery {
  /** Every route answered 2xx again within RECOVERY_BOUND_MS, and in time within SETTLE_BOUND_MS. */
  recovered: boolean;
}

export interface Thresholds {
  maxErrorRate: number;
  p95Ms: number;
  p99Ms: number;
}

export type FaultFinding =
  | { kind: 'fault-not-injected'; severity: 'fail'; fault: FaultOutcome }
  | { kind: 'fault-not-recovered'; severity: 'fail'; fault: FaultOutcome; route: string; boundMs: number }
  | { kind: 'fault-not-settled'; severity: 'fail'; fault: FaultOutcome; route: string; boundMs: number; p99Ms: number }
  | { kind: 'fault-recovered'; severity: 'info'; fault: FaultOutcome }
  | { kind: 'threshold-outside-faults'; severity: 'fail'; route: string; what: 'errorRate' | 'p95' | 'p99'; value: number; limit: number };

export interface FaultAnalysis {
  /** RECOVERY_BOUND_MS: back (2xx again) within this. */
  boundMs: number;
  /** SETTLE_BOUND_MS: settled (in time again) within this. */
  settleBoundMs: number;
  faults: FaultOutcome[];
  /** [fault start, last route settled] of each fault (to the bound when a route never settled), widened to the last answer of a request in flight by then. */
  windows: TimeWindow[];
  /** Per route, inside and outside the windows (from the client's samples). */
  routes: WindowSummary['routes'];
  findings: FaultFinding[];
}

/** From each fault's start to its last route settled (to the settle bound when a route never did); recovery.ts widens these to the backlog's end. */
export function faultWindows(faults: readonly FaultOutcome[], boundMs = SETTLE_BOUND_MS): TimeWindow[] {
  return faults.map((f) => {
    const settled = Object.values(f.settledAt);
    const end = settled.some((t) => t === null || t > f.disruptionEnd + boundMs) ? f.disruptionEnd + boundMs : Math.max(f.disruptionEnd, ...(settled as number[]));
    return { start: f.startedAt, end: end + 1 };
  });
}

export function outcomes(records: readonly FaultRecord[], recovery: Recovery[], boundMs = RECOVERY_BOUND_MS, settleBoundMs = SETTLE_BOUND_MS): FaultOutcome[] {
  return records.map((r, i) => {
    const rec = recovery[i]!;
    const within = (bound: number) => (ms: number | null): boolean => ms !== null && ms <= bound;
    const recovered = r.error === undefined && Object.values(rec.recoveryMs).every(within(boundMs)) && Object.values(rec.settleMs).every(within(settleBoundMs));
    return { ...r, ...rec, recovered };
  });
}

function thresholdFindings(route: string, f: WindowFigures, th: Thresholds): FaultFinding[] {
  const out: FaultFinding[] = [];
  const check = (what: 'errorRate' | 'p95' | 'p99', value: number | null, limit: number, over: (v: number) => boolean): void => {
    if (value !== null && over(value)) out.push({ kind: 'threshold-outside-faults', severity: 'fail', route, what, value, limit });
  };
  check('errorRate', f.errorRate, th.maxErrorRate, (v) => v > th.maxErrorRate);
  check('p95', f.p95, th.p95Ms, (v) => v >= th.p95Ms);
  check('p99', f.p99, th.p99Ms, (v) => v >= th.p99Ms);
  return out;
}

export function analyseFaults(faults: FaultOutcome[], windows: TimeWindow[], summary: WindowSummary, routes: readonly string[], th: Thresholds, boundMs = RECOVERY_BOUND_MS, settleBoundMs = SETTLE_BOUND_MS): FaultAnalysis {
  const findings: FaultFinding[] = [];
  for (const f of faults) {
    if (f.error !== undefined) findings.push({ kind: 'fault-not-injected', severity: 'fail', fault: f });
    else if (!f.recovered) {
      for (const route of routes) {
        const ms = f.recoveryMs[route];
        const settle = f.settleMs[route];
        if (ms === null || ms === undefined || ms > boundMs) findings.push({ kind: 'fault-not-recovered', severity: 'fail', fault: f, route, boundMs });
        else if (settle === null || settle === undefined || settle > settleBoundMs) findings.push({ kind: 'fault-not-settled', severity: 'fail', fault: f, route, boundMs: settleBoundMs, p99Ms: th.p99Ms });
      }
    } else findings.push({ kind: 'fault-recovered', severity: 'info', fault: f });
  }
  for (const route of routes) {
    const outside = summary.routes[route]?.outside;
    if (outside) findings.push(...thresholdFindings(route, outside, th));
  }
  return { boundMs, settleBoundMs, faults, windows, routes: summary.routes, findings };
}
