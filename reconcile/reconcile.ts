/**
 * The reconciliation itself, pure: what k6 saw acknowledged (acks.ts) against what MongoDB and Redis
 * hold for the run (store-reader.ts). No I/O, so every finding can be unit-tested from literals.
 *
 * The facts it relies on (redis-writer/service.ts, stores/redis-aggregates.ts):
 * - every acknowledged write is a MongoDB document `_id = id` tagged with the run and the route that
 *   first stored it; a replay answered by the other route keeps the first route;
 * - route B stores in MongoDB first, then counts the record in Redis in one Lua script that sets the
 *   record's `seen` marker and increments REDIS_KEYS.runs[runId] together, once per id. So for a run,
 *   runs[runId] must equal the number of its route-B records that carry a marker.
 */
import { ROUTES, type RouteName } from '../contract/routes.js';
import type { AckLog } from './acks.js';
import { idList, type Finding, type IdList, type RouteMismatch } from './findings.js';
import { routeFigures, type RouteFigures } from './route-figures.js';

export type { RouteFigures } from './route-figures.js';

/** What the stores hold for the run. */
export interface StoreSnapshot {
  /** id -> route of every MongoDB record tagged with the run. */
  stored: Map<string, string>;
  /** Acknowledged ids missing from the run's records but found in MongoDB under another run id. */
  storedElsewhere: Map<string, { runId: string; route: string }>;
  /** REDIS_KEYS.runs[runId]; 0 when the field is absent. */
  redisRunCount: number;
  /** Of the ids redisIdsToCheck() named, those whose `seen` marker exists. */
  seen: Set<string>;
}

/** The route-B ids whose `seen` marker the reader must check: acked on route redis, or stored as redis. */
export function redisIdsToCheck(acks: AckLog, stored: Map<string, string>): Set<string> {
  const ids = new Set(acks.byRoute.redis);
  for (const [id, route] of stored) if (route === 'redis') ids.add(id);
  return ids;
}

/** Acknowledged ids not among the run's records: the reader looks each up by `_id` alone. */
export function idsMissingFromRun(acks: AckLog, stored: Map<string, string>): string[] {
  const missing = new Set<string>();
  for (const id of [...acks.byRoute.grpc, ...acks.byRoute.redis, ...acks.unrouted.keys()]) if (!stored.has(id)) missing.add(id);
  return [...missing];
}

export interface ReconcileOptions {
  /** How many ids each list shows (the counts are always complete). Default 20. */
  maxIds?: number;
  /** summary.json's acknowledged answers per route: the ack lines per route must match them. */
  expectedAcks?: Partial<Record<RouteName, number>>;
  /** False when k6 ran with ACK_LOG=0: only counts can be compared (needs expectedAcks). */
  ackLogEnabled?: boolean;
  /** Duplicated findings fail the run (default: they are warnings). */
  duplicatesFail?: boolean;
  /**
   * Route-B records stored but never counted fail the run (default: a warning). Right once redis-writer's
   * sweeper has had its settle time after the run; the demo waits for it.
   */
  convergenceFails?: boolean;
}

export interface Reconciliation {
  runId: string;
  /** No finding of severity fail. */
  pass: boolean;
  countsOnly: boolean;
  routes: Record<RouteName, RouteFigures>;
  lost: { count: number; ids: string[]; notStored: Record<RouteName | 'unrouted', IdList>; notCounted: IdList };
  duplicated: { count: number; runCountExcess: number; ackedOnTwoRoutes: IdList; routeMismatch: { count: number; items: RouteMismatch[] } };
  unacknowledged: IdList & { byRoute: Record<string, number>; notCountedInRedis: number };
  ackLog: { checked: boolean; complete: boolean; expected: Partial<Record<RouteName, number>>; lines: Record<RouteName, number> };
  findings: Finding[];
}

const DEFAULT_MAX_IDS = 20;

export function reconcile(acks: AckLog, stores: StoreSnapshot, opts: ReconcileOptions = {}): Reconciliation {
  const max = opts.maxIds ?? DEFAULT_MAX_IDS;
  const countsOnly = opts.ackLogEnabled === false;
  const findings: Finding[] = [];
  const dupSeverity = opts.duplicatesFail ? 'fail' : 'warn';

  // ---- lost: acknowledged, and not stored (or, on route B, stored but never counted) --------------
  const notStored: Record<RouteName | 'unrouted', Set<string>> = { grpc: new Set(), redis: new Set(), unrouted: new Set() };
  const elsewhere: { id: string; runId: string; route: string }[] = [];
  const noteMissing = (id: string, into: Set<string>): void => {
    const other = stores.storedElsewhere.get(id);
    if (other === undefined) into.add(id);
    else elsewhere.push({ id, ...other });
  };
  for (const route of ROUTES) for (const id of acks.byRoute[route]) if (!stores.stored.has(id)) noteMissing(id, notStored[route]);
  for (const id of acks.unrouted.keys()) if (!stores.stored.has(id)) noteMissing(id, notStored.unrouted);
  const notCounted = new Set<string>();
  for (const id of acks.byRoute.redis) if (stores.stored.get(id) === 'redis' && !stores.seen.has(id)) notCounted.add(id);

  // ---- duplicated: counted twice, or created (201) by a route that did not store it ----------------
  const mismatches: RouteMismatch[] = [];
  const replayedElsewhere: RouteMismatch[] = [];
  for (const route of ROUTES) {
    for (const id of acks.byRoute[route]) {
      const storedAs = stores.stored.get(id);
      if (storedAs === undefined || storedAs === route) continue;
      (acks.replayed.has(id) ? replayedElsewhere : mismatches).push({ id, acknowledgedBy: route, storedAs });
    }
  }
  const byId = (a: RouteMismatch, b: RouteMismatch): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  mismatches.sort(byId);
  replayedElsewhere.sort(byId);
  const twoRoutes = idList(acks.crossRoute.keys(), max);
  let markers = 0;
  for (const id of redisIdsToCheck(acks, stores.stored)) if (stores.seen.has(id)) markers++;
  const runCountExcess = Math.max(0, stores.redisRunCount - markers);

  // ---- unacknowledged and odd records -------------------------------------------------------------
  const unacked: string[] = [];
  const unackedByRoute: Record<string, number> = {};
  let unackedNotCounted = 0;
  const unknownRoute: string[] = [];
  for (const [id, route] of stores.stored) {
    if (!(ROUTES as readonly string[]).includes(route)) unknownRoute.push(id);
    if (countsOnly || acks.byRoute.grpc.has(id) || acks.byRoute.redis.has(id) || acks.unrouted.has(id)) continue;
    unacked.push(id);
    unackedByRoute[route] = (unackedByRoute[route] ?? 0) + 1;
    if (route === 'redis' && !stores.seen.has(id)) unackedNotCounted++;
  }

  // ---- the ack log against summary.json -----------------------------------------------------------
  const expected = opts.expectedAcks ?? {};
  const ackLogChecked = !countsOnly && ROUTES.some((r) => expected[r] !== undefined);
  const cut = ackLogChecked ? ROUTES.filter((r) => expected[r] !== undefined && expected[r] !== acks.lines.byRoute[r]) : [];

  const routes = routeFigures({ acks, stores, countsOnly, expected, notStored, notCounted, unackedByRoute });

  // ---- findings, in the order a person should read them -------------------------------------------
  if (countsOnly) {
    findings.push({ kind: 'counts-only', severity: 'warn' });
    if (ROUTES.every((r) => expected[r] === undefined)) findings.push({ kind: 'ack-log-missing', severity: 'fail' });
    for (const route of ROUTES) {
      const f = routes[route];
      if (f.lost > 0) findings.push({ kind: 'lost-lower-bound', severity: 'fail', route, acknowledged: f.acknowledged, stored: f.stored, countedInRedis: f.countedInRedis, lost: f.lost });
    }
  } else {
    for (const by of ['grpc', 'redis', 'unrouted'] as const) {
      if (notStored[by].size > 0) findings.push({ kind: 'lost-not-stored', severity: 'fail', by, ids: idList(notStored[by], max) });
    }
    if (notCounted.size > 0) findings.push({ kind: 'lost-not-counted', severity: 'fail', ids: idList(notCounted, max) });
  }
  for (const route of cut) findings.push({ kind: 'ack-log-mismatch', severity: 'fail', route, expected: expected[route] ?? 0, lines: acks.lines.byRoute[route] });
  if (runCountExcess > 0) findings.push({ kind: 'counted-twice', severity: dupSeverity, runId: acks.runId, counted: stores.redisRunCount, markers, excess: runCountExcess });
  if (twoRoutes.count > 0) findings.push({ kind: 'acked-on-two-routes', severity: dupSeverity, ids: twoRoutes });
  if (mismatches.length > 0) findings.push({ kind: 'route-mismatch', severity: dupSeverity, count: mismatches.length, items: mismatches.slice(0, max) });
  if (replayedElsewhere.length > 0) findings.push({ kind: 'replayed-by-other-route', severity: 'info', count: replayedElsewhere.length, items: replayedElsewhere.slice(0, max) });
  // Route B's stores agree when every route-B record of the run is counted (an acknowledged one that
  // is not is a lost write, above; this is the rest: records whose request failed after the insert).
  const uncounted = [...stores.stored].filter(([id, route]) => route === 'redis' && !stores.seen.has(id) && !notCounted.has(id)).map(([id]) => id);
  if (uncounted.length > 0) findings.push({ kind: 'stores-disagree', severity: opts.convergenceFails ? 'fail' : 'warn', ids: idList(uncounted, max) });
  if (unacked.length > 0) findings.push({ kind: 'unacknowledged', severity: 'info', ids: idList(unacked, max), byRoute: unackedByRoute });
  if (elsewhere.length > 0) {
    elsewhere.sort((a, b) => (a.id < b.id ? -1 : 1));
    findings.push({ kind: 'stored-under-other-run', severity: 'warn', count: elsewhere.length, items: elsewhere.slice(0, max) });
  }
  if (unknownRoute.length > 0) findings.push({ kind: 'unknown-route-stored', severity: 'warn', ids: idList(unknownRoute, max) });
  if (markers > stores.redisRunCount) findings.push({ kind: 'run-count-shortfall', severity: 'warn', runId: acks.runId, counted: stores.redisRunCount, markers });
  if (acks.lines.malformed > 0) findings.push({ kind: 'malformed-ack-lines', severity: 'warn', count: acks.lines.malformed, lines: acks.malformedSamples.map((s) => s.line) });
  if (acks.lines.repeated > 0) findings.push({ kind: 'repeated-acks', severity: 'warn', count: acks.lines.repeated });
  if (acks.unrouted.size > 0) findings.push({ kind: 'unrouted-acks', severity: 'warn', count: acks.unrouted.size });
  if (!countsOnly && acks.lines.acks === 0) findings.push({ kind: 'no-ack-lines', severity: 'warn', runId: acks.runId, otherRunIds: acks.otherRunIds });
  if (!ackLogChecked && !countsOnly) findings.push({ kind: 'ack-log-unchecked', severity: 'info' });

  const lostIds = new Set<string>([...notStored.grpc, ...notStored.redis, ...notStored.unrouted, ...notCounted]);
  const mismatchOnly = new Set(mismatches.map((m) => m.id).filter((id) => !acks.crossRoute.has(id)));
  return {
    runId: acks.runId,
    pass: !findings.some((f) => f.severity === 'fail'),
    countsOnly,
    routes,
    lost: {
      count: countsOnly ? ROUTES.reduce((n, r) => n + routes[r].lost, 0) : lostIds.size,
      ids: [...lostIds].sort().slice(0, max),
      notStored: { grpc: idList(notStored.grpc, max), redis: idList(notStored.redis, max), unrouted: idList(notStored.unrouted, max) },
      notCounted: idList(notCounted, max),
    },
    duplicated: {
      count: runCountExcess + twoRoutes.count + mismatchOnly.size,
      runCountExcess,
      ackedOnTwoRoutes: twoRoutes,
      routeMismatch: { count: mismatches.length, items: mismatches.slice(0, max) },
    },
    unacknowledged: { ...idList(unacked, max), byRoute: unackedByRoute, notCountedInRedis: unackedNotCounted },
    ackLog: { checked: ackLogChecked, complete: cut.length === 0, expected, lines: { ...acks.lines.byRoute } },
    findings,
  };
}
