/**
 * The verdict of a fault run, as data: did every fault end and every route recover within the bound;
 * how did the routes do outside the fault windows (where the thresholds apply) and inside them (where
 * errors are expected and only reported).
 */
import type { WindowFigures, WindowSummary, TimeWindow } from '../timeseries/windows.js';
import type { FaultRecord } from './injector.js';
import type { Recovery } from './recovery.js';

/**
 * A route must answer 2xx again within 15 s of a fault's disruption ending, which for a kill, stop or
 * restart is when the supervisor has the process running again (recovery.ts): what remains is the
 * clients finding it again; the drivers reconnect within 2 s (node-redis back-off cap, the MongoDB
 * driver's server selection).
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

/**
 * Under this share of the run outside the fault windows, the steady state was not measured long enough
 * for the thresholds outside them to say anything: INCONCLUSIVE (a plan too dense for its run).
 */
export const MIN_OUTSIDE_SHARE = 0.3;

/** The bounds a fault's recovery is judged by, in one place: outcomes() decides, everything else reads its decision. */
export interface FaultBounds {
  /** RECOVERY_BOUND_MS: back (2xx again) within this. */
  backMs: number;
  /** SETTLE_BOUND_MS: settled (in time again) within this. */
  settleMs: number;
}

export const FAULT_BOUNDS: FaultBounds = { backMs: RECOVERY_BOUND_MS, settleMs: SETTLE_BOUND_MS };

/** Why a route did not recover from a fault. */
export type RouteProblem = 'not-back' | 'not-settled';

export interface FaultOutcome extends FaultRecord, Recovery {
  /** Carried out, its process running again, and every route back within backMs and settled within settleMs. */
  recovered: boolean;
}

/** outcomes()'s decision, with the bounds it was made by. */
export interface JudgedFaults {
  bounds: FaultBounds;
  faults: FaultOutcome[];
  /** Per fault, per route that did not recover, why (absent: it did). */
  problems: Record<string, RouteProblem>[];
  /** Per fault, when its effect ended: its last route settled, or the disruption's end plus settleMs when one never did in time. */
  effectEnds: number[];
}

export interface Thresholds {
  maxErrorRate: number;
  p95Ms: number;
  p99Ms: number;
}

export type FaultFinding =
  | { kind: 'fault-not-injected'; severity: 'fail'; fault: FaultOutcome }
  | { kind: 'fault-not-ended'; severity: 'fail'; fault: FaultOutcome }
  | { kind: 'fault-not-recovered'; severity: 'fail'; fault: FaultOutcome; route: string; boundMs: number }
  /** p99Ms: the threshold settling was judged by; null when the run had none (errors alone decided). */
  | { kind: 'fault-not-settled'; severity: 'fail'; fault: FaultOutcome; route: string; boundMs: number; p99Ms: number | null }
  | { kind: 'fault-recovered'; severity: 'info'; fault: FaultOutcome }
  | { kind: 'threshold-outside-faults'; severity: 'fail'; route: string; what: 'errorRate' | 'p95' | 'p99'; value: number; limit: number }
  | { kind: 'too-little-outside-faults'; severity: 'inconclusive'; outsideShare: number; minShare: number };

export interface FaultAnalysis {
  /** RECOVERY_BOUND_MS: back (2xx again) within this. */
  boundMs: number;
  /** SETTLE_BOUND_MS: settled (in time again) within this. */
  settleBoundMs: number;
  faults: FaultOutcome[];
  /** [fault start, last route settled] of each fault (to the bound when a route never settled), widened to the last answer of a request in flight by then. */
  windows: TimeWindow[];
  /** Share of the run (first request to last answer) outside every window; null when the run's span is unknown. */
  outsideShare: number | null;
  /** Per route, inside and outside the windows (from the client's samples). */
  routes: WindowSummary['routes'];
  findings: FaultFinding[];
}

/** The one decision: per fault and route, back within the bound and settled within its bound. */
export function outcomes(records: readonly FaultRecord[], recovery: Recovery[], bounds: FaultBounds = FAULT_BOUNDS): JudgedFaults {
  const judged: JudgedFaults = { bounds, faults: [], problems: [], effectEnds: [] };
  records.forEach((r, i) => {
    const rec = recovery[i]!;
    const problems: Record<string, RouteProblem> = {};
    for (const [route, ms] of Object.entries(rec.recoveryMs)) {
      const settle = rec.settleMs[route] ?? null;
      if (ms === null || ms > bounds.backMs) problems[route] = 'not-back';
      else if (settle === null || settle > bounds.settleMs) problems[route] = 'not-settled';
    }
    const settled = Object.values(rec.settledAt);
    const inTime = Object.keys(problems).length === 0 && settled.every((t) => t !== null);
    const recovered = r.error === undefined && r.endedAt !== null && Object.keys(problems).length === 0;
    judged.faults.push({ ...r, ...rec, recovered });
    judged.problems.push(problems);
    judged.effectEnds.push(inTime ? Math.max(rec.disruptionEnd, ...(settled as number[])) : rec.disruptionEnd + bounds.settleMs);
  });
  return judged;
}

/** From each fault's start to the end of its effect (outcomes() decides it); recovery.ts widens these to the backlog's end. */
export function faultWindows(judged: JudgedFaults): TimeWindow[] {
  return judged.faults.map((f, i) => ({ start: f.startedAt, end: judged.effectEnds[i]! + 1 }));
}

/** Share of `span` outside the union of `windows`. */
export function outsideShare(windows: readonly TimeWindow[], span: TimeWindow): number {
  const length = span.end - span.start;
  if (length <= 0) return 0;
  const clipped = windows.map((w) => ({ start: Math.max(w.start, span.start), end: Math.min(w.end, span.end) })).filter((w) => w.end > w.start).sort((a, b) => a.start - b.start);
  let covered = 0;
  let reach = -Infinity;
  for (const w of clipped) {
    const from = Math.max(w.start, reach);
    if (w.end > from) covered += w.end - from;
    reach = Math.max(reach, w.end);
  }
  return Math.round((1 - covered / length) * 1000) / 1000;
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

/**
 * The fault run's findings, from outcomes()'s decision: each fault recovered or why not; the thresholds
 * outside the windows (none with `th` null: the run judges none); and whether enough of the run (`span`:
 * first request to last answer) was outside them to judge the steady state.
 */
export function analyseFaults(judged: JudgedFaults, windows: TimeWindow[], summary: WindowSummary, routes: readonly string[], th: Thresholds | null, span?: TimeWindow): FaultAnalysis {
  const { bounds, faults } = judged;
  const findings: FaultFinding[] = [];
  for (const [i, f] of faults.entries()) {
    if (f.error !== undefined) findings.push({ kind: 'fault-not-injected', severity: 'fail', fault: f });
    else if (f.recovered) findings.push({ kind: 'fault-recovered', severity: 'info', fault: f });
    else {
      if (f.endedAt === null) findings.push({ kind: 'fault-not-ended', severity: 'fail', fault: f });
      for (const route of routes) {
        const problem = judged.problems[i]![route];
        if (problem === 'not-back') findings.push({ kind: 'fault-not-recovered', severity: 'fail', fault: f, route, boundMs: bounds.backMs });
        else if (problem === 'not-settled') findings.push({ kind: 'fault-not-settled', severity: 'fail', fault: f, route, boundMs: bounds.settleMs, p99Ms: th?.p99Ms ?? null });
      }
    }
  }
  for (const route of routes) {
    const outside = summary.routes[route]?.outside;
    if (outside && th !== null) findings.push(...thresholdFindings(route, outside, th));
  }
  const share = span === undefined ? null : outsideShare(windows, span);
  if (share !== null && share < MIN_OUTSIDE_SHARE) findings.push({ kind: 'too-little-outside-faults', severity: 'inconclusive', outsideShare: share, minShare: MIN_OUTSIDE_SHARE });
  return { boundMs: bounds.backMs, settleBoundMs: bounds.settleMs, faults, windows, outsideShare: share, routes: summary.routes, findings };
}
