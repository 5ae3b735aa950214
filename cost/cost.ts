/**
 * What each path costs: CPU milliseconds per acknowledged request, per process and per route, and the
 * peak memory. Route A is grpc-client and grpc-server; route B is redis-writer and redis-server; both
 * write MongoDB, whose CPU is shared out by the records each route stored. The ingress and k6 serve
 * both routes and are shown apart (k6 is the load, not the system under test).
 */
import { ROUTES, type RouteName } from '../contract/routes.js';
import { serviceOf, type ProcessUsage } from './usage.js';

export const COST_SCHEMA = 'splitbench.cost/1';

/** Which route's cost a process is part of; `shared` is split by stored records; `apart` is shown alone. */
export const PROCESS_ROUTE: Record<string, RouteName | 'shared' | 'apart'> = {
  'grpc-client': 'grpc',
  'grpc-server': 'grpc',
  'redis-writer': 'redis',
  redis: 'redis',
  mongo: 'shared',
  ingress: 'apart',
  k6: 'apart',
};

export interface ProcessCost extends ProcessUsage {
  service: string;
  /** CPU ms per acknowledged request of the whole run. */
  cpuMsPerAck: number | null;
}

export interface RouteCost {
  acknowledged: number;
  /** The route's own processes plus its share of MongoDB's CPU. */
  cpuMs: number;
  cpuMsPerAck: number | null;
  mongoShare: number;
  peakRssBytes: number;
}

export interface CostReport {
  schema: typeof COST_SCHEMA;
  window: { from: number; to: number };
  processes: ProcessCost[];
  routes: Record<RouteName, RouteCost>;
  /** How MongoDB's CPU was shared out, said once for whoever reads the file. */
  rule: string;
}

export function costReport(usage: ProcessUsage[], window: { from: number; to: number }, acked: Record<RouteName, number>, stored: Record<RouteName, number>): CostReport {
  const totalAcks = acked.grpc + acked.redis;
  const perAck = (ms: number, n: number): number | null => (n > 0 ? Math.round((ms / n) * 1000) / 1000 : null);
  const processes = usage.map((u) => ({ ...u, service: serviceOf(u.process), cpuMsPerAck: perAck(u.cpuMs, totalAcks) }));
  const storedTotal = stored.grpc + stored.redis;
  const routes = {} as Record<RouteName, RouteCost>;
  for (const route of ROUTES) {
    const share = storedTotal > 0 ? stored[route] / storedTotal : 0;
    let cpuMs = 0;
    let peak = 0;
    for (const p of processes) {
      const owner = PROCESS_ROUTE[p.service];
      if (owner === route) {
        cpuMs += p.cpuMs;
        peak += p.peakRssBytes;
      } else if (owner === 'shared') cpuMs += p.cpuMs * share;
    }
    routes[route] = { acknowledged: acked[route], cpuMs: Math.round(cpuMs), cpuMsPerAck: perAck(cpuMs, acked[route]), mongoShare: Math.round(share * 1000) / 1000, peakRssBytes: peak };
  }
  return { schema: COST_SCHEMA, window, processes, routes, rule: 'route cost = its processes + MongoDB CPU x the route\'s share of the stored records; ingress and k6 apart' };
}

/** The replicated services: one process per replica (the stores, the ingress and k6 run once). */
export const REPLICATED_SERVICES = ['grpc-client', 'grpc-server', 'redis-writer'] as const;

/**
 * The rate a cost report's figures hold at. CPU per request falls as the rate per replica rises (the
 * cost curves of `npm run capacity` measure by how much), so a figure means nothing without it.
 */
export interface CostRate {
  /** The measured window, seconds. */
  windowS: number;
  /** Acknowledged requests per second over the window, all routes; null for an empty window. */
  achievedRps: number | null;
  routeRps: Record<RouteName, number>;
  /** Processes of each replicated service that ran in the window (an autoscaled run: every one that ran at some point). */
  replicas: Record<string, number>;
}

/** From the report's own window and counts, so the rate is the one its figures were divided by. */
export function costRate(c: { window: { from: number; to: number }; routes: Record<RouteName, { acknowledged: number }>; processes: readonly { service: string }[] }): CostRate {
  const windowS = (c.window.to - c.window.from) / 1000;
  const routeRps = Object.fromEntries(ROUTES.map((r) => [r, windowS > 0 ? c.routes[r].acknowledged / windowS : 0])) as Record<RouteName, number>;
  const acked = ROUTES.reduce((n, r) => n + c.routes[r].acknowledged, 0);
  const replicas: Record<string, number> = {};
  for (const s of REPLICATED_SERVICES) {
    const n = c.processes.filter((p) => p.service === s).length;
    if (n > 0) replicas[s] = n;
  }
  return { windowS, achievedRps: windowS > 0 ? acked / windowS : null, routeRps, replicas };
}
