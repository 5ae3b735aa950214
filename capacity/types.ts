/**
 * The capacity search's data: what one trial measured, the SLO it is judged by, the options of the
 * search and what it found. Everything here is data; text is made at the edge (format.ts), JSON in
 * report.ts. The caller implements TrialRunner (a short open-model k6 run against the local stack).
 */
import type { RouteName } from '../contract/routes.js';
import type { CostWindow } from '../cost/curves.js';

/** One route's figures over one run, as the client (k6, by X-Route) saw them; CPU from the stack's processes. */
export interface RouteFigures {
  requests: number;
  acknowledged: number;
  /** Requests per second k6 counted for this route. */
  rps: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** Failed requests / requests, 0..1. */
  errorRate: number;
  /**
   * CPU ms per acknowledged request of the route's own processes (cost/curves.ts ROUTE_PROCESSES: route A
   * grpc-client + grpc-server, route B redis-writer + redis). MongoDB and the ingress serve both routes and
   * are not in it. null when not measured (a cluster step) or nothing was acknowledged.
   */
  cpuMsPerRequest: number | null;
}

/** What one short open-model run measured, from the client's side. */
export interface TrialResult {
  /** The arrival rate the generator was asked for, requests per second. */
  offeredRps: number;
  /** Completed requests per second as the client counted them. */
  achievedRps: number;
  /** Requests completed (answered or failed) in the measured window. */
  requests: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Failed requests / all requests, 0..1. */
  errorRate: number;
  /** Iterations the open-model executor could not start on time (k6 `dropped_iterations`). */
  droppedIterations: number;
  /** CPU milliseconds per acknowledged request, summed over the route's processes, when measured. */
  cpuMsPerRequest?: number;
  /** Each route that got traffic: its own figures (the percentiles above are the slowest route's). */
  routes?: Partial<Record<RouteName, RouteFigures>>;
  /** Each process's CPU over the trial and the rate each route served: a point of the cost curves (cost/curves.ts). */
  cost?: CostWindow;
  /** Anything else the caller measured; carried into the trial records and the JSON untouched. */
  extras?: Readonly<Record<string, unknown>>;
}

/** Why a trial was run: widening the bracket, halving it, re-measuring an end, or breaking a 1-1 tie. */
export type TrialPurpose = 'bracket' | 'bisect' | 'confirm' | 'tiebreak';

export interface TrialAttempt {
  /** 0-based number of this trial within the search. */
  index: number;
  /** How long the trial should offer load, seconds. */
  durationS: number;
  purpose: TrialPurpose;
}

/** One trial at one offered rate. Rejecting means the trial could not be run (not that it missed the SLO). */
export type TrialRunner = (rateRps: number, attempt: TrialAttempt) => Promise<TrialResult>;

/** The service level a rate must meet to count as sustainable. */
export interface Slo {
  /** p99 must be strictly below this, milliseconds. */
  p99BelowMs: number;
  /** The error rate must be at most this, 0..1 (0.001 = 0.1%). */
  maxErrorRate: number;
  /** Dropped iterations must be at most this (0: none). */
  maxDroppedIterations: number;
}

/** The SLO: p99 under 100 ms, errors at most 0.1%, no dropped iterations. */
export const DEFAULT_SLO: Readonly<Slo> = Object.freeze({ p99BelowMs: 100, maxErrorRate: 0.001, maxDroppedIterations: 0 });

/** One reason a trial missed the SLO, as data (format.ts words it). */
export type SloViolation =
  | { kind: 'noRequests' }
  | { kind: 'notMeasured'; field: 'p99Ms' | 'errorRate' | 'droppedIterations' }
  | { kind: 'p99'; actualMs: number; limitMs: number }
  | { kind: 'errorRate'; actual: number; limit: number }
  | { kind: 'droppedIterations'; actual: number; limit: number };

export interface SloVerdict {
  pass: boolean;
  /** Empty exactly when pass is true. */
  violations: SloViolation[];
}

export interface SearchOptions {
  /** First rate tried, req/s. */
  startRps: number;
  /** Lowest rate the search will try; failing it (twice) means the system never met the SLO. */
  minRps: number;
  /** Highest rate the search will try; passing it (twice) means capacity is at least this. */
  maxRps: number;
  /** Bracketing multiplies (or divides) the rate by this until the outcome flips. */
  growthFactor: number;
  /** Stop when (fail - pass) / pass is at most this (0.05 = the bracket is within 5%). */
  precision: number;
  /** Hard bound on the number of trials, retries included. */
  maxTrials: number;
  /** Duration handed to each trial, seconds. */
  trialDurationS: number;
  slo: Slo;
}

export interface TrialRecord {
  index: number;
  rateRps: number;
  purpose: TrialPurpose;
  result: TrialResult;
  verdict: SloVerdict;
}

/** The bracket as the majority of each rate's trials decides it (plan.ts). */
export interface Bracket {
  /** Highest rate that met the SLO by majority, below `failRps`; null when none did. */
  passRps: number | null;
  /** Lowest rate that missed the SLO by majority; null when none did. */
  failRps: number | null;
}

/** How the search ended. */
export type SearchOutcome =
  /** The bracket is within `precision` (or no whole rate lies between its ends) and both ends were measured twice. */
  | { kind: 'converged' }
  /** maxRps met the SLO (twice): capacity is at least maxRps. */
  | { kind: 'reachedMaxRate'; maxRps: number }
  /** minRps missed the SLO (twice); `violations` are the last failing trial's reasons. */
  | { kind: 'neverMetSlo'; minRps: number; violations: SloViolation[] }
  /** maxTrials trials ran before convergence; the bracket so far is reported. */
  | { kind: 'trialLimit'; maxTrials: number }
  /** The runner itself failed (k6 could not run); the trials before it are kept. */
  | { kind: 'runnerFailed'; rateRps: number; message: string };

export interface CapacityResult {
  outcome: SearchOutcome;
  /**
   * The highest rate that met the SLO (the bracket's pass end), null when none did. With outcome
   * reachedMaxRate it is a lower bound: the true capacity is at least this.
   */
  capacityRps: number | null;
  /** True when capacityRps met the SLO in at least two trials (a majority of those at that rate). */
  confirmed: boolean;
  /** The figures at capacityRps: of its passing trials, the one with the highest p99 (never the lucky one). */
  atCapacity: TrialResult | null;
  bracket: Bracket;
  /** Rates that met the SLO by majority although a lower rate missed it by majority (non-monotone system). */
  contradictions: number[];
  /** Every trial in the order run, for the JSON file. */
  trials: TrialRecord[];
}

/** Progress, for a CLI to print; emitted synchronously around each trial. */
export type SearchEvent =
  | { type: 'trialStart'; index: number; rateRps: number; purpose: TrialPurpose; bracket: Bracket }
  | { type: 'trialEnd'; record: TrialRecord; bracket: Bracket }
  | { type: 'done'; result: CapacityResult };
