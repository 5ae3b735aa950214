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
