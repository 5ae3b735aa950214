/**
 * Cost curves of the local stack's processes, built from measured windows (capacity trials, the idle
 * stack, runs), and what they predict: the CPU each process and route needs at a rate spread over K
 * replicas, and which process reaches its ceiling first. Text is made elsewhere (curve-format.ts).
 */
import { ROUTES, type RouteName } from '../contract/routes.js';
import { COST_CURVE_SCHEMA, fitOf, rateAtCpu, readCurve, uncertaintyAt, type CurveFit, type CurvePoint, type PointSource } from './curve.js';

/**
 * Which requests each process serves and how much CPU one instance can use. A replicated service's
 * replicas share its route's requests; the stores, the ingress and k6 see every request of theirs.
 * Ceilings: a Node service runs its JavaScript on one thread, so one replica tops out near one core;
 * Redis is single-threaded; Envoy runs one worker thread here (--concurrency 1); FerretDB and k6 are
 * Go and use every core, so only the machine bounds them.
 */
export const PROCESS_LOAD: Record<string, { serves: RouteName | 'all'; replicated: boolean; ceilingCores: number | null }> = {
  'grpc-client': { serves: 'grpc', replicated: true, ceilingCores: 1 },
  'grpc-server': { serves: 'grpc', replicated: true, ceilingCores: 1 },
  'redis-writer': { serves: 'redis', replicated: true, ceilingCores: 1 },
  redis: { serves: 'redis', replicated: false, ceilingCores: 1 },
  mongo: { serves: 'all', replicated: false, ceilingCores: null },
  // MongoDB's work per request depends on the route (route B inserts the record and the sweeper looks
  // up the stale markers' records each second; route A inserts once): a curve per route from the trials
  // of one route alone.
  'mongo@grpc': { serves: 'grpc', replicated: false, ceilingCores: null },
  'mongo@redis': { serves: 'redis', replicated: false, ceilingCores: null },
  ingress: { serves: 'all', replicated: false, ceilingCores: 1 },
  k6: { serves: 'all', replicated: false, ceilingCores: null },
};

/** The processes whose CPU is a route's cost (MongoDB is shared by the records each route writes). */
export const ROUTE_PROCESSES: Readonly<Record<RouteName, readonly string[]>> = { grpc: ['grpc-client', 'grpc-server'], redis: ['redis-writer', 'redis'] };

/** One measured window of a whole stack. */
export interface CostWindow {
  source: PointSource;
  windowS: number;
  /** Replicas of each replicated service during the window. */
  replicas: number;
  /** Acknowledged requests per second, per route. */
  routeRps: Record<RouteName, number>;
  /** CPU milliseconds per second of each process kind, summed over its replicas. */
  cpuMsPerS: Record<string, number>;
}

export interface ProcessCurve {
  process: string;
  points: CurvePoint[];
  fit: CurveFit;
}

export interface CostCurves {
  schema: typeof COST_CURVE_SCHEMA;
  /** Where the windows came from (e.g. the capacity run's folder). */
  from: string;
  processes: ProcessCurve[];
  /** Said once for whoever reads the file. */
  rule: string;
}

const served = (process: string, w: CostWindow): number | null => {
  const load = PROCESS_LOAD[process];
  if (load === undefined) return null;
  const rps = load.serves === 'all' ? ROUTES.reduce((s, r) => s + w.routeRps[r], 0) : w.routeRps[load.serves];
  return load.replicated ? rps / w.replicas : rps;
};

/**
 * Every process's curve from the windows. A window adds a point to a process only when the process
 * served requests in it (or the window is idle): a route's processes sitting unused beside the other
 * route's trial say nothing about their cost under load.
 */
export function buildCurves(windows: readonly CostWindow[], from: string): CostCurves {
  const byProcess = new Map<string, CurvePoint[]>();
  for (const w of windows) {
    for (const [measured, cpu] of Object.entries(w.cpuMsPerS)) {
      // MongoDB in a window of one route alone (or at rest) is also a point of that route's MongoDB curve.
      const only = ROUTES.filter((r) => w.routeRps[r] > 0);
      const names = measured !== 'mongo' ? [measured] : w.source === 'idle' ? ['mongo', ...ROUTES.map((r) => `mongo@${r}`)] : only.length === 1 ? ['mongo', `mongo@${only[0]}`] : ['mongo'];
      for (const process of names) {
      const rps = served(process, w);
      if (rps === null || (rps === 0 && w.source !== 'idle')) continue;
      const perInstance = PROCESS_LOAD[process]!.replicated ? cpu / w.replicas : cpu;
      byProcess.set(process, [...(byProcess.get(process) ?? []), { rps: round(rps), cpuMsPerS: round(perInstance), source: w.source, windowS: w.windowS }]);
      }
    }
  }
  const processes = [...byProcess].map(([process, points]) => ({ process, points: points.sort((a, b) => a.rps - b.rps), fit: fitOf(points) }));
  processes.sort((a, b) => a.process.localeCompare(b.process));
  return {
    schema: COST_CURVE_SCHEMA,
    from,
    processes,
    rule:
      'x: requests per second one replica of the process served (a replicated service shares its route; stores, ingress and k6 see every request of theirs); ' +
      'y: CPU ms per second of that replica. Read by linear interpolation between measured rates; beyond them, extended and marked extrapolated.',
  };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

export interface ProcessPrediction {
  process: string;
  /** Instances: replicas for a service, 1 otherwise. */
  instances: number;
  /** Requests per second each instance serves. */
  rpsPerInstance: number;
  /** CPU ms per second of all instances together. */
  cpuMsPerS: number;
  extrapolated: boolean;
  /** How far the reading may be off (relative), from the curve's misses near this rate; null when it cannot say. */
  uncertainty: number | null;
  /** The total rate at which one instance reaches its ceiling, null when unbounded or unknown. */
  ceilingAtRps: number | null;
  ceilingExtrapolated: boolean;
}

export interface Prediction {
  rateRps: number;
  replicas: number;
  weights: Record<RouteName, number>;
  processes: ProcessPrediction[];
  /**
   * Cores per route: its processes plus its part of MongoDB's CPU (from MongoDB's per-route curves when
   * both were measured, else MongoDB's CPU times the route's share of the requests).
   */
  routeCores: Record<RouteName, number>;
  /** All processes but k6, in cores. */
  stackCores: number;
  /** The process that reaches its ceiling at the lowest rate (the capacity's limit), when one does. */
  limitedBy: { process: string; atRps: number; extrapolated: boolean } | null;
}

/** What the curves say at `rateRps` with the given weights (fractions summing to 1) and replicas. */
export function predict(curves: CostCurves, rateRps: number, weights: Record<RouteName, number>, replicas: number): Prediction {
  const routeRps = Object.fromEntries(ROUTES.map((r) => [r, rateRps * weights[r]])) as Record<RouteName, number>;
  const window: CostWindow = { source: 'run', windowS: 0, replicas, routeRps, cpuMsPerS: {} };
  const processes: ProcessPrediction[] = [];
  for (const c of curves.processes) {
    const load = PROCESS_LOAD[c.process];
    const rps = served(c.process, window);
    if (load === undefined || rps === null) continue;
    const instances = load.replicated ? replicas : 1;
    const reading = readCurve(c.points, rps);
    // The total rate at which one instance hits its ceiling: its own rate scaled back to the total.
    const share = rateRps > 0 ? rps / rateRps : 0;
    const ceiling = load.ceilingCores === null || share === 0 ? null : rateAtCpu(c.points, load.ceilingCores * 1000);
    processes.push({
      process: c.process,
      instances,
      rpsPerInstance: round(rps),
      cpuMsPerS: round(reading.cpuMsPerS * instances),
      extrapolated: reading.extrapolated,
      uncertainty: uncertaintyAt(c.points, rps),
      ceilingAtRps: ceiling === null ? null : round(ceiling.rps / share),
      ceilingExtrapolated: ceiling?.extrapolated ?? false,
    });
  }
  // MongoDB: its per-route curves added (each includes MongoDB at rest once: counted once) when both
  // were measured; else the curve of whatever mix it was measured at.
  const perRoute = ROUTES.map((r) => processes.find((x) => x.process === `mongo@${r}`));
  const mongoIdle = curves.processes.find((c) => c.process === 'mongo')?.points.find((pt) => pt.rps === 0)?.cpuMsPerS ?? 0;
  const mongoShare = {} as Record<RouteName, number>;
  if (perRoute.every((x) => x !== undefined)) {
    const parts = perRoute as ProcessPrediction[];
    const total = Math.max(0, parts.reduce((s, x) => s + x.cpuMsPerS, 0) - mongoIdle * (parts.length - 1));
    ROUTES.forEach((r, i) => (mongoShare[r] = parts[i]!.cpuMsPerS - mongoIdle / parts.length));
    const mixed = processes.findIndex((x) => x.process === 'mongo');
    const combined: ProcessPrediction = {
      process: 'mongo',
      instances: 1,
      rpsPerInstance: round(rateRps),
      cpuMsPerS: round(total),
      extrapolated: parts.some((x) => x.extrapolated && x.rpsPerInstance > 0),
      uncertainty: parts.every((x) => x.uncertainty === null) ? null : Math.max(...parts.map((x) => ((x.uncertainty ?? 0) * x.cpuMsPerS) / Math.max(total, 1e-9))),
      ceilingAtRps: null,
      ceilingExtrapolated: false,
    };
    if (mixed >= 0) processes[mixed] = combined;
    else processes.push(combined);
  }
  for (let i = processes.length - 1; i >= 0; i--) if (processes[i]!.process.startsWith('mongo@')) processes.splice(i, 1);
  const cpu = (p: string): number => processes.find((x) => x.process === p)?.cpuMsPerS ?? 0;
  const mongoOf = (r: RouteName): number => (r in mongoShare ? mongoShare[r] : cpu('mongo') * weights[r]);
  const routeCores = Object.fromEntries(ROUTES.map((r) => [r, round((ROUTE_PROCESSES[r].reduce((s, p) => s + cpu(p), 0) + mongoOf(r)) / 1000)])) as Record<RouteName, number>;
  const stackCores = round(processes.filter((p) => p.process !== 'k6').reduce((s, p) => s + p.cpuMsPerS, 0) / 1000);
  const bounded = processes.filter((p) => p.ceilingAtRps !== null).sort((a, b) => a.ceilingAtRps! - b.ceilingAtRps!);
  const first = bounded[0];
  return {
    rateRps,
    replicas,
    weights,
    processes,
    routeCores,
    stackCores,
    limitedBy: first === undefined ? null : { process: first.process, atRps: first.ceilingAtRps!, extrapolated: first.ceilingExtrapolated },
  };
}

/** How far a prediction was from a measured window at the same rate: per process, relative. */
export function checkPrediction(p: Prediction, measured: CostWindow): { process: string; predictedMsPerS: number; measuredMsPerS: number; relError: number | null; withinUncertainty: boolean | null }[] {
  return p.processes.flatMap((x) => {
    const m = measured.cpuMsPerS[x.process];
    if (m === undefined) return [];
    const relError = m > 0 ? round((x.cpuMsPerS - m) / m) : null;
    return [{ process: x.process, predictedMsPerS: x.cpuMsPerS, measuredMsPerS: round(m), relError, withinUncertainty: relError === null || x.uncertainty === null ? null : Math.abs(relError) <= x.uncertainty }];
  });
}
