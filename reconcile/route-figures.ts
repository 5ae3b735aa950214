/** The per-route table of a reconciliation: acknowledged, stored, counted in Redis, lost, unacknowledged. */
import { ROUTES, type RouteName } from '../contract/routes.js';
import type { AckLog } from './acks.js';
import type { StoreSnapshot } from './reconcile.js';

export interface RouteFigures {
  /** Distinct ids acknowledged on this route (by the X-Route of the answer); counts-only mode: summary's count. */
  acknowledged: number;
  /** Ack lines of this route, repeats included. */
  ackLines: number;
  /** MongoDB records of the run with this route. */
  stored: number;
  /** redis: REDIS_KEYS.runs[runId]. grpc: null (route A does not count in Redis). */
  countedInRedis: number | null;
  /** redis: acknowledged ids whose `seen` marker exists. grpc: null. */
  seenMarkers: number | null;
  /** Acknowledged here and lost (not stored; for redis also stored but never counted). */
  lost: number;
  /** Stored with this route, never acknowledged on any route. */
  unacknowledged: number;
}

export interface FigureInputs {
  acks: AckLog;
  stores: StoreSnapshot;
  countsOnly: boolean;
  expected: Partial<Record<RouteName, number>>;
  notStored: Record<RouteName, Set<string>>;
  notCounted: Set<string>;
  unackedByRoute: Record<string, number>;
}

export function routeFigures(inp: FigureInputs): Record<RouteName, RouteFigures> {
  const { acks, stores } = inp;
  const storedByRoute = new Map<string, number>();
  for (const route of stores.stored.values()) storedByRoute.set(route, (storedByRoute.get(route) ?? 0) + 1);
  const routes = {} as Record<RouteName, RouteFigures>;
  for (const route of ROUTES) {
    const isRedis = route === 'redis';
    const stored = storedByRoute.get(route) ?? 0;
    let acknowledged = acks.byRoute[route].size;
    let lost = inp.notStored[route].size + (isRedis ? inp.notCounted.size : 0);
    if (inp.countsOnly) {
      acknowledged = inp.expected[route] ?? 0;
      // Without ids only a shortfall of records is provable: a lower bound.
      lost = Math.max(0, acknowledged - stored);
      if (isRedis) lost = Math.max(lost, Math.min(acknowledged, stored) - stores.redisRunCount, 0);
    }
    let seenMarkers: number | null = null;
    if (isRedis) {
      seenMarkers = 0;
      for (const id of acks.byRoute.redis) if (stores.seen.has(id)) seenMarkers++;
    }
    routes[route] = {
      acknowledged,
      ackLines: acks.lines.byRoute[route],
      stored,
      countedInRedis: isRedis ? stores.redisRunCount : null,
      seenMarkers,
      lost,
      unacknowledged: inp.countsOnly ? Math.max(0, stored - acknowledged) : (inp.unackedByRoute[route] ?? 0),
    };
  }
  return routes;
}
