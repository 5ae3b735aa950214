/**
 * results/<run-id>/summary.json: one pure function from what was measured to the run's result, as data.
 * summary-text.ts makes the table a person reads; the run report reads this file.
 */
import type { K6Summary } from '../contract/k6-summary.js';
import { ROUTES, type RouteName } from '../contract/routes.js';
import { bySeverity } from '../reconcile/findings.js';
import type { ReconcileReport } from '../reconcile/run.js';
import type { CostReport } from '../cost/cost.js';
import { HEAP_GROWTH_BOUND_BYTES, type Growth } from '../cost/growth.js';
import type { FaultAnalysis } from '../faults/analysis.js';
import type { Fault } from '../faults/plan.js';
import type { SettleResult } from './settle.js';
import type { Environment } from './environment.js';
import { describeDemoFinding } from './summary-text.js';
import type { MachineLoad } from './machine.js';
import { applyMachine, FAULT_ANALYSIS, k6Findings, verdictOf, type DemoFinding, type Verdict } from './verdict.js';

export const RUN_SUMMARY_SCHEMA = 'splitbench.run/1';

export interface RouteResult {
  requests: number;
  acknowledged: number;
  stored: number;
  rps: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Requests whose final answer was not an acknowledgement (k6's count), and their share of requests. */
  errors: number;
  errorRate: number;
  /** Attempts this route answered, and how many of them were retried. */
  attempts: number;
  retries: number;
}

export interface DemoInputs {
  runId: string;
  settings: Record<string, unknown>;
  k6: { exitCode: number; summary: K6Summary | undefined };
  /** The reconciler's report; undefined when it could not run (an error finding says why). */
  reconcile: ReconcileReport | undefined;
  /** Process crashes seen during the run. */
  crashed: string[];
  /** Errors of the after-run checks (reconciliation, grade aggregates). */
  checkErrors: { what: string; message: string }[];
  interrupted: boolean;
  /** The run judged no latency or error-rate thresholds (the demo's --no-thresholds): said among the findings. */
  thresholdsOff?: boolean;
  /** The ingress's own count of what it routed: shown, never the evidence (the client's counts are). */
  ingressRouted?: Record<string, number>;
  environment: Environment;
  grades?: unknown;
  files: Record<string, string>;
  /** How long route B's stores took to agree after the load. */
  settle?: SettleResult;
  faults?: FaultAnalysis;
  cost?: CostReport;
  /** Memory growth per service (soak runs). */
  memory?: Growth[];
  /** Who used the CPU over the run (machine.ts), and k6's dropped iterations. */
  machine?: MachineLoad;
  /** What was wrong with the Benchmark dashboard's answers from the run's Prometheus (prometheus.json). */
  dashboard?: { panel: string; refId: string; problem: string }[];
}

export interface DemoSummary {
  schema: typeof RUN_SUMMARY_SCHEMA;
  runId: string;
  verdict: Verdict;
  findings: DemoFinding[];
  /** The findings as sentences, for a person reading the JSON; never parsed. */
  reasons: string[];
  routes: Record<RouteName, RouteResult>;
  split: ReconcileReport['split'] | null;
  reconciliation: { lost: number; duplicated: number; unacknowledged: number } | null;
  /**
   * `unrouted`: requests whose answer named no route (the ingress's own error, or no answer at all); every one failed.
   * `thresholdsFailed`: null when k6 judged no thresholds (a fault run judges its own outside the faults).
   */
  k6: { exitCode: number; requests: number; rps: number; droppedIterations: number; unrouted: number; thresholdsFailed: string[] | null } | null;
  ingressRouted?: Record<string, number>;
  grades?: unknown;
  settle?: SettleResult;
  /** The fault timeline, each fault's recovery per route, and the routes inside and outside the faults. */
  faults?: Omit<FaultAnalysis, 'findings'>;
  cost?: CostReport;
  memory?: Growth[];
  /** Cores per part (each stack process, k6, the demo, other, steal, idle) and whether the system under test was short of CPU. */
  machine?: MachineLoad;
  /** Faults of the plan that never ran (an interrupt cancelled them, or the load ended first). */
  faultsNotRun?: Fault[];
  environment: Environment & { settings: Record<string, unknown> };
  files: Record<string, string>;
}

/** The plan's faults (settings.faultPlan, as the demo records it) with no record of having run. */
function faultsNotRun(plan: unknown, faults: FaultAnalysis | undefined): Fault[] {
  if (!Array.isArray(plan)) return [];
  const ran = new Set((faults?.faults ?? []).map((f) => f.index));
  return (plan as Fault[]).filter((f) => !ran.has(f.index));
}

export function buildSummary(inp: DemoInputs): DemoSummary {
  const k6s = inp.k6.summary;
  const rec = inp.reconcile;
  const findings: DemoFinding[] = [
    ...inp.crashed.map((detail): DemoFinding => ({ kind: 'crashed', severity: 'fail', detail })),
    ...k6Findings(inp.k6.exitCode, k6s),
    ...(rec?.findings ?? []),
    ...inp.checkErrors.map((e): DemoFinding => ({ kind: 'check-error', severity: 'fail', ...e })),
    ...(inp.dashboard ?? []).map((d): DemoFinding => ({ kind: 'dashboard-query', severity: 'fail', ...d })),
  ];
  // A run cut short did not measure what was asked: never PASS.
  if (inp.interrupted) findings.push({ kind: 'interrupted', severity: 'inconclusive' });
  // A PASS without thresholds says so, so it is never read as having met them.
  if (inp.thresholdsOff) findings.push({ kind: 'thresholds-off', severity: 'warn' });
  // Without the analysis (it failed: a check error says so) which faults ran is unknown.
  const notRun = inp.faults === undefined && inp.checkErrors.some((e) => e.what === FAULT_ANALYSIS) ? [] : faultsNotRun(inp.settings.faultPlan, inp.faults);
  if (notRun.length > 0) findings.push({ kind: 'faults-not-run', severity: 'inconclusive', faults: notRun });
  findings.push(...(inp.faults?.findings ?? []));
  for (const g of inp.memory ?? []) {
    if (g.sustained && g.heapPer10Min !== null) findings.push({ kind: 'memory-growth', severity: 'fail', process: g.process, heapPer10Min: g.heapPer10Min, boundPer10Min: HEAP_GROWTH_BOUND_BYTES });
  }
  const rate = k6s?.settings.rate ?? (typeof inp.settings.rate === 'number' ? inp.settings.rate : null);
  // Sorted again: an excused finding is a warning now, and what decides the verdict comes first.
  const sorted = bySeverity(applyMachine(bySeverity(findings), inp.machine, rate));
  const routes = {} as Record<RouteName, RouteResult>;
  for (const route of ROUTES) {
    const r = k6s?.routes[route];
    routes[route] = {
      requests: r?.requests ?? 0,
      acknowledged: rec?.routes[route].acknowledged ?? r?.acknowledged ?? 0,
      stored: rec?.routes[route].stored ?? 0,
      rps: r?.rps ?? 0,
      p50: r?.p50 ?? null,
      p95: r?.p95 ?? null,
      p99: r?.p99 ?? null,
      errors: r?.errors ?? 0,
      errorRate: r?.errorRate ?? 0,
      attempts: r?.attempts ?? 0,
      retries: r?.retries ?? 0,
    };
  }
  return {
    schema: RUN_SUMMARY_SCHEMA,
    runId: inp.runId,
    verdict: verdictOf(sorted),
    findings: sorted,
    reasons: sorted.map(describeDemoFinding),
    routes,
    split: rec?.split ?? null,
    reconciliation: rec ? { lost: rec.reconciliation.lost.count, duplicated: rec.reconciliation.duplicated.count, unacknowledged: rec.reconciliation.unacknowledged.count } : null,
    k6: k6s ? { exitCode: inp.k6.exitCode, requests: k6s.requests, rps: k6s.rps, droppedIterations: k6s.droppedIterations, unrouted: k6s.unrouted, thresholdsFailed: k6s.thresholds?.failed ?? null } : null,
    ...(inp.ingressRouted ? { ingressRouted: inp.ingressRouted } : {}),
    ...(inp.grades !== undefined ? { grades: inp.grades } : {}),
    ...(inp.settle ? { settle: inp.settle } : {}),
    ...(inp.faults ? { faults: { boundMs: inp.faults.boundMs, settleBoundMs: inp.faults.settleBoundMs, faults: inp.faults.faults, windows: inp.faults.windows, outsideShare: inp.faults.outsideShare, routes: inp.faults.routes } } : {}),
    ...(inp.cost ? { cost: inp.cost } : {}),
    ...(inp.memory ? { memory: inp.memory } : {}),
    ...(inp.machine ? { machine: inp.machine } : {}),
    ...(notRun.length > 0 ? { faultsNotRun: notRun } : {}),
    environment: { ...inp.environment, settings: inp.settings },
    files: inp.files,
  };
}
