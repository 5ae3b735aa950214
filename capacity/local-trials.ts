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
import type { K6Summary } from '../contract/k6-summary.js';
import { ROUTE_PROCESSES, type CostWindow } from '../cost/curves.js';
import { serviceOf, usageBetween } from '../cost/usage.js';
import { runK6 } from '../demo/k6-run.js';
import { loadStart } from '../demo/measured-run.js';
import { warmUp } from '../demo/warmup.js';
import { SPLIT_ROUTE_FILE, withWeights } from '../linkerd/split.js';
import { pause } from '../stack/process.js';
import { ResourceSampler, type ResourceSample, type ResourceTarget } from '../stack/resources.js';
import { startStack, type RunningStack } from '../stack/stack.js';
import type { RouteFigures, TrialResult, TrialRunner } from './types.js';

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

/**
 * CPU ms per second of each process kind (replicas summed) between two times: each process's CPU
 * between its first and last sample in the window, over the time between them.
 */
function cpuMsPerS(samples: readonly ResourceSample[], from: number, to: number): Record<string, number> {
  const inside = samples.filter((s) => s.t >= from && s.t <= to);
  const spans = new Map<string, number>();
  for (const s of inside) {
    const times = inside.filter((x) => x.process === s.process).map((x) => x.t);
    spans.set(s.process, Math.max(...times) - Math.min(...times));
  }
  const out: Record<string, number> = {};
  for (const u of usageBetween(samples, from, to)) {
    const span = spans.get(u.process) ?? 0;
    if (span > 0) out[serviceOf(u.process)] = (out[serviceOf(u.process)] ?? 0) + (u.cpuMs * 1000) / span;
  }
  return out;
}

/** How long the stack is watched at rest after the warm-up: the rate-0 point of the cost curves. */
export const IDLE_WINDOW_S = 10;

export interface TargetSession {
  runTrial: TrialRunner;
  /** One run at a rate for a duration at the current weights, outside any search (the sweep's fixed-rate run). */
  runAt(rateRps: number, durationS: number, name: string): Promise<TrialResult>;
  /**
   * New weights for the running stack's ingress (no restart: Envoy reads them over xDS), then a warm-up
   * at them of `warmupRequests`; rejects when the ingress's own counts over the warm-up show a route of
   * weight 0 still served or a weighted route never served (the weights did not take).
   */
  setWeights(weights: Record<RouteName, number>, warmupRequests: number): Promise<void>;
  /** The stack at rest (ready, no load) over IDLE_WINDOW_S, measured once after the warm-up; undefined when not asked for. */
  idle: CostWindow | undefined;
  stop(): Promise<void>;
}

/** The rate-0 point of the cost curves: after 2 s for the warm-up's tail (answers, fsyncs) to end, the stack at rest. */
async function measureIdle(stack: RunningStack, n: number, name: string, say: (m: string) => void): Promise<CostWindow> {
  say(`${name}: measuring the stack at rest for ${IDLE_WINDOW_S} s`);
  await pause(2000);
  const idleSampler = new ResourceSampler(() => stack.resourceTargets(), 60_000);
  const idleFrom = Date.now();
  await idleSampler.sample();
  await pause(IDLE_WINDOW_S * 1000);
  await idleSampler.sample();
  const idleTo = Date.now();
  return { source: 'idle', windowS: (idleTo - idleFrom) / 1000, replicas: n, routeRps: { grpc: 0, redis: 0 }, cpuMsPerS: cpuMsPerS(idleSampler.samples, idleFrom, idleTo) };
}

export async function startTarget(target: CapacityTargetSpec, opts: { dir: string; dataFile: string; replicas: number; say: (m: string) => void; measureIdle?: boolean; serviceEnv?: Record<string, string>; livePort?: number }): Promise<TargetSession> {
  mkdirSync(opts.dir, { recursive: true });
  const routeFile = routeFileFor(target, opts.dir);
  const n = opts.replicas;
  const stack = await startStack({ port: 0, dir: path.join(opts.dir, 'stack'), routeFile, ...(opts.serviceEnv ? { serviceEnv: opts.serviceEnv } : {}), replicas: { 'grpc-server': { initial: n, max: n }, 'grpc-client': { initial: n, max: n }, 'redis-writer': { initial: n, max: n } } });
  opts.say(`${target.name}: stack up; warming up`);
  // 1000 requests per replica: with 300 in all, the first trial of a 3-replica stack missed the SLO at
  // 100 req/s (p99 149 ms) and later trials at 96 req/s had a p99 of 33 ms; a cold first trial sets the
  // bracket's upper end for the whole search.
  await warmUp({ baseUrl: stack.endpoints.ingress, runId: `capacity-${target.name}-warmup`, dataFile: opts.dataFile, requests: 1000 * n });
  const idle = opts.measureIdle === false ? undefined : await measureIdle(stack, n, target.name, opts.say);
  let trial = 0;
  // The routes k6 expects: those with a weight; setWeights changes them with the ingress.
  let routes: RouteName[] = [...target.routes];
  let warmups = 0;
  const setWeights = async (weights: Record<RouteName, number>, warmupRequests: number): Promise<void> => {
    stack.ingress.setWeights(weights);
    routes = ROUTES.filter((r) => weights[r] > 0);
    // Envoy picks the file up within milliseconds (inotify); a request already in flight keeps the old
    // weights, so the check below is on a warm-up that starts after a pause, and gets a second chance.
    for (let attempt = 1; ; attempt++) {
      await pause(1000);
      const before = await stack.ingress.routed();
      await warmUp({ baseUrl: stack.endpoints.ingress, runId: `capacity-${target.name}-warmup-${++warmups}`, dataFile: opts.dataFile, requests: warmupRequests });
      const after = await stack.ingress.routed();
      const served = Object.fromEntries(ROUTES.map((r) => [r, after[r] - before[r]])) as Record<RouteName, number>;
      const wrong = ROUTES.filter((r) => (weights[r] > 0) !== (served[r] > 0));
      if (wrong.length === 0) return;
      if (attempt === 2) throw new Error(`the ingress did not take the weights ${JSON.stringify(weights)}: over ${warmupRequests} warm-up requests it routed ${JSON.stringify(served)}`);
    }
  };
  const runAt = async (rateRps: number, durationS: number, name: string): Promise<TrialResult> => {
    const outDir = path.join(opts.dir, name);
    mkdirSync(outDir, { recursive: true });
    const sampler = new ResourceSampler(() => stack.resourceTargets(), 60_000);
    // k6 is sampled too (every 250 ms: it is gone by the trial's last sample): not the system's cost, but
    // on one machine its CPU is part of what runs out.
    let k6Pid: number | undefined;
    const k6Sampler = new ResourceSampler((): ResourceTarget[] => (k6Pid === undefined ? [] : [{ name: 'k6', pid: k6Pid }]), 250);
    const k6Run = runK6({
      baseUrl: stack.endpoints.ingress,
      runId: `capacity-${target.name}-${name}`,
      dataFile: opts.dataFile,
      outDir,
      scenario: 'load',
      rate: rateRps,
      duration: `${durationS}s`,
      routes,
      // The SLO judges the trial: k6 judges nothing. No per-sample CSV either (it costs k6 CPU).
      thresholds: 'off',
      samples: false,
      progress: devNull,
      // --live: every run's k6 serves its dashboard on the same port in turn (one k6 at a time).
      ...(opts.livePort === undefined ? {} : { livePort: opts.livePort }),
      onSpawn: (pid) => {
        k6Pid = pid;
        k6Sampler.start();
      },
    });
    // The window is the load itself, from the first request routed to k6's end: k6's start-up and the
    // stack idling meanwhile would pull every point toward the idle one.
    const from = (await loadStart(stack, k6Run)) ?? Date.now();
    await sampler.sample();
    const k6 = await k6Run;
    await sampler.sample();
    await k6Sampler.stop();
    const to = Date.now();
    const s = k6.summary;
    if (s === undefined) throw new Error(`k6 wrote no summary (exit ${k6.exitCode}); see ${k6.logFile}`);
    const served = routes.flatMap((r) => (s.routes[r] !== undefined && s.routes[r].requests > 0 ? [s.routes[r]] : []));
    const worst = (f: (r: (typeof served)[number]) => number | null): number => Math.max(...served.map((r) => f(r) ?? Number.NaN));
    const usage = usageBetween(sampler.samples, from, to).filter((u) => u.process !== 'k6');
    const cpuMs = usage.reduce((sum, u) => sum + u.cpuMs, 0);
    const routeCpuMs = (r: RouteName): number => usage.filter((u) => ROUTE_PROCESSES[r].includes(serviceOf(u.process))).reduce((sum, u) => sum + u.cpuMs, 0);
    const windowS = (to - from) / 1000;
    const cost: CostWindow = {
      source: 'trial',
      windowS,
      replicas: n,
      routeRps: Object.fromEntries(ROUTES.map((r) => [r, (s.routes[r]?.acknowledged ?? 0) / windowS])) as Record<RouteName, number>,
      cpuMsPerS: cpuMsPerS([...sampler.samples, ...k6Sampler.samples], from, to),
    };
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
      routes: routeFigures(s, routes, routeCpuMs),
      cost,
      extras: { runDir: outDir, retries: Object.values(s.routes).reduce((n, r) => n + r.retries, 0) },
    };
  };
  const runTrial: TrialRunner = (rateRps, attempt) => runAt(rateRps, attempt.durationS, `trial-${String(++trial).padStart(2, '0')}-${rateRps}`);
  return { runTrial, runAt, setWeights, idle, stop: () => stack.stop() };
}

/** Each route k6 was told to expect and that answered requests: k6's figures for it and its own processes' CPU per acknowledged request. */
function routeFigures(s: K6Summary, routes: readonly RouteName[], routeCpuMs: (r: RouteName) => number): Partial<Record<RouteName, RouteFigures>> {
  const out: Partial<Record<RouteName, RouteFigures>> = {};
  for (const r of routes) {
    const k = s.routes[r];
    if (k === undefined || k.requests === 0) continue;
    out[r] = {
      requests: k.requests,
      acknowledged: k.acknowledged,
      rps: k.rps,
      p50Ms: k.p50,
      p95Ms: k.p95,
      p99Ms: k.p99,
      errorRate: k.errorRate,
      cpuMsPerRequest: k.acknowledged > 0 ? Math.round((routeCpuMs(r) / k.acknowledged) * 1000) / 1000 : null,
    };
  }
  return out;
}

/** k6's own progress bars would drown the search's lines. */
const devNull = new Writable({ write: (_chunk, _enc, done) => done() });
