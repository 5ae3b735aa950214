/**
 * Capacity trials against the local stack: one stack per target (route A alone, route B alone, the
 * split), its ingress given the target's weights in a copy of the HTTPRoute, and each trial a short
 * open-model k6 run at one rate, judged from k6's summary. CPU per acknowledged request comes from the
 * stack's processes over the trial (k6's own CPU is not the system's cost).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import path from 'node:path';
import { ROUTE_SERVICE, ROUTES, type RouteName } from '../contract/routes.js';
import { usageBetween } from '../cost/usage.js';
import { runK6 } from '../demo/k6-run.js';
import { warmUp } from '../demo/warmup.js';
import { SPLIT_ROUTE_FILE, withWeights } from '../linkerd/split.js';
import { ResourceSampler } from '../stack/resources.js';
import { startStack } from '../stack/stack.js';
import type { TrialResult, TrialRunner } from './types.js';

export interface CapacityTargetSpec {
  name: 'grpc' | 'redis' | 'split';
  /** Routes the target sends to. */
  routes: RouteName[];
}

export const CAPACITY_TARGETS: CapacityTargetSpec[] = [
  { name: 'grpc', routes: ['grpc'] },
  { name: 'redis', routes: ['redis'] },
  { name: 'split', routes: ['grpc', 'redis'] },
];

/** The route file of a target: the split's own, or one route at 100. */
function routeFileFor(target: CapacityTargetSpec, dir: string): string {
  if (target.name === 'split') return SPLIT_ROUTE_FILE;
  const weights = Object.fromEntries(ROUTES.map((r) => [ROUTE_SERVICE[r], target.routes.includes(r) ? 100 : 0]));
  const file = path.join(dir, `httproute-${target.name}.yaml`);
  writeFileSync(file, withWeights(readFileSync(SPLIT_ROUTE_FILE, 'utf8'), weights));
  return file;
}

export interface TargetSession {
  runTrial: TrialRunner;
  stop(): Promise<void>;
}

export async function startTarget(target: CapacityTargetSpec, opts: { dir: string; dataFile: string; replicas: number; say: (m: string) => void }): Promise<TargetSession> {
  mkdirSync(opts.dir, { recursive: true });
  const routeFile = routeFileFor(target, opts.dir);
  const n = opts.replicas;
  const stack = await startStack({ port: 0, dir: path.join(opts.dir, 'stack'), routeFile, replicas: { 'grpc-server': { initial: n, max: n }, 'grpc-client': { initial: n, max: n }, 'redis-writer': { initial: n, max: n } } });
  opts.say(`${target.name}: stack up; warming up`);
  // 1000 requests per replica: with 300 in all, the first trial of a 3-replica stack missed the SLO at
  // 100 req/s (p99 149 ms) and later trials at 96 req/s had a p99 of 33 ms; a cold first trial sets the
  // bracket's upper end for the whole search.
  await warmUp({ baseUrl: stack.endpoints.ingress, runId: `capacity-${target.name}-warmup`, dataFile: opts.dataFile, requests: 1000 * n });
  let trial = 0;
  const runTrial: TrialRunner = async (rateRps, attempt): Promise<TrialResult> => {
    const outDir = path.join(opts.dir, `trial-${String(++trial).padStart(2, '0')}-${rateRps}`);
    mkdirSync(outDir, { recursive: true });
    const sampler = new ResourceSampler(() => stack.resourceTargets(), 60_000);
    const from = Date.now();
    await sampler.sample();
    const k6 = await runK6({
      baseUrl: stack.endpoints.ingress,
      runId: `capacity-${target.name}-${trial}`,
      dataFile: opts.dataFile,
      outDir,
      scenario: 'load',
      rate: rateRps,
      duration: `${attempt.durationS}s`,
      routes: target.routes,
      // The SLO judges the trial: k6 judges nothing. No per-sample CSV either (it costs k6 CPU).
      thresholds: 'off',
      samples: false,
      progress: devNull,
    });
    await sampler.sample();
    const to = Date.now();
    const s = k6.summary;
    if (s === undefined) throw new Error(`k6 wrote no summary (exit ${k6.exitCode}); see ${k6.logFile}`);
    const routes = target.routes.flatMap((r) => (s.routes[r] !== undefined && s.routes[r].requests > 0 ? [s.routes[r]] : []));
    const worst = (f: (r: (typeof routes)[number]) => number | null): number => Math.max(...routes.map((r) => f(r) ?? Number.NaN));
    const cpuMs = usageBetween(sampler.samples, from, to).reduce((sum, u) => sum + u.cpuMs, 0);
    return {
      offeredRps: rateRps,
      achievedRps: s.rps,
      requests: s.requests,
      // The SLO holds for every route of the target: the slowest route's percentiles decide.
      p50Ms: worst((r) => r.p50),
      p95Ms: worst((r) => r.p95),
      p99Ms: worst((r) => r.p99),
      errorRate: s.errorRate,
      droppedIterations: s.droppedIterations,
      ...(s.acknowledged > 0 ? { cpuMsPerRequest: Math.round((cpuMs / s.acknowledged) * 1000) / 1000 } : {}),
      extras: { runDir: outDir, retries: Object.values(s.routes).reduce((n, r) => n + r.retries, 0) },
    };
  };
  return { runTrial, stop: () => stack.stop() };
}

/** k6's own progress bars would drown the search's lines. */
const devNull = new Writable({ write: (_chunk, _enc, done) => done() });
