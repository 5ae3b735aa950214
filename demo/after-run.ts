/**
 * After the load, in order: wait for route B's stores to agree; turn k6's samples into the time series;
 * for a fault run, find when each route recovered and split its figures by the fault windows; reconcile
 * and test the split (outside the faults, for a fault run); what each path cost; memory growth.
 */
import { costReport, type CostReport } from '../cost/cost.js';
import { memoryGrowth, type Growth } from '../cost/growth.js';
import { usageBetween } from '../cost/usage.js';
import type { FaultAnalysis, Thresholds } from '../faults/analysis.js';
import type { StackEndpoints } from '../stack/stack.js';
import { buildTimeSeries } from '../timeseries/build.js';
import { runChecks, type ChecksResult } from './checks.js';
import { analyseFaultRun } from './fault-verdict.js';
import { FAULT_ANALYSIS } from './verdict.js';
import type { MeasuredRun } from './measured-run.js';
import { waitConverged, type SettleResult } from './settle.js';

/** How long route B may take to agree after the load: the sweeper's settle time (request deadline plus a store call) and a few sweeps. */
export const CONVERGENCE_BOUND_MS = 30_000;
/** Memory growth is judged after the first minute (start-up, JIT, pools filling). */
const GROWTH_WARMUP_MS = 60_000;

export interface AfterRun {
  settle: SettleResult;
  faults: FaultAnalysis | undefined;
  checks: ChecksResult;
  cost: CostReport | undefined;
  growth: Growth[] | undefined;
  errors: { what: string; message: string }[];
}

/** Ramping profiles (loadtest/profiles.ts) that spend part of the run at START_RATE, below RATE. */
const RAMPING = new Set(['stress', 'spike']);

/** Each route's expected requests per second: the lowest rate k6 was asked to offer, times the route's weight (0 without k6's summary). */
function expectedPerSecond(run: MeasuredRun, weights: Record<string, number>, routes: string[]): Record<string, number> {
  const s = run.k6.summary;
  const rate = s === undefined ? 0 : RAMPING.has(s.scenario) ? s.settings.startRate : s.settings.rate;
  return Object.fromEntries(routes.map((r) => [r, rate * (weights[r] ?? 0)]));
}

export async function afterRun(inp: { runId: string; outDir: string; endpoints: StackEndpoints; weights: Record<string, number>; run: MeasuredRun; routes: string[]; thresholds: Thresholds | null; soak: boolean; say: (m: string) => void }): Promise<AfterRun> {
  const errors: AfterRun['errors'] = [];
  const { run } = inp;
  inp.say("waiting for route B's stores to agree (redis-writer's sweeper)");
  const settle = await waitConverged({ mongoUrl: inp.endpoints.mongoUrl, mongoDb: inp.endpoints.mongoDb, redisUrl: inp.endpoints.redisUrl, runId: inp.runId, boundMs: CONVERGENCE_BOUND_MS });

  try {
    await buildTimeSeries(inp.outDir);
  } catch (err) {
    errors.push({ what: 'building the time series', message: (err as Error).message });
  }
  let faults: FaultAnalysis | undefined;
  if (run.faults.length > 0) {
    try {
      faults = await analyseFaultRun(inp.outDir, run.k6.logFile, inp.runId, run.faults, inp.routes, inp.thresholds, expectedPerSecond(run, inp.weights, inp.routes));
    } catch (err) {
      errors.push({ what: FAULT_ANALYSIS, message: (err as Error).message });
    }
  }

  inp.say('reconciling acknowledged writes with MongoDB and Redis; testing the split k6 saw');
  // Under faults the split is tested on the attempts outside the fault windows: a dead replica's
  // attempts come back without a route, which says nothing about the weights.
  const outside = faults && { grpc: faults.routes.grpc?.outside.attempts ?? 0, redis: faults.routes.redis?.outside.attempts ?? 0 };
  const checks = await runChecks({ runId: inp.runId, acksFile: run.k6.logFile, summaryFile: run.k6.summary ? run.k6.summaryFile : undefined, endpoints: inp.endpoints, weights: inp.weights, ...(outside ? { splitCounts: outside } : {}) });

  let cost: CostReport | undefined;
  if (run.loadStartedAt !== null && checks.report) {
    const r = checks.report.routes;
    cost = costReport(usageBetween(run.resources, run.loadStartedAt, run.endedAt), { from: run.loadStartedAt, to: run.endedAt }, { grpc: r.grpc.acknowledged, redis: r.redis.acknowledged }, { grpc: r.grpc.stored, redis: r.redis.stored });
  }
  const growth = inp.soak && run.loadStartedAt !== null ? memoryGrowth(run.resources, run.loadStartedAt + GROWTH_WARMUP_MS) : undefined;
  return { settle, faults, checks, cost, growth, errors };
}
