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
import { REDIS_KEYS } from '../contract/stores.js';
import type { AckLog } from './acks.js';

/** What the stores hold for the run. */
export interface StoreSnapshot {
  /** id -> route of every MongoDB record tagged with the run. */
  stored: Map<string, string>;
  /**
   * Acknowledged ids missing from the run's records but found in MongoDB under another run id (the
   * write is durable, just tagged differently). Only ids looked up by the reader.
   */
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
  const missing: string[] = [];
  const consider = (id: string): void => {
    if (!stored.has(id)) missing.push(id);
  };
  for (const id of acks.byRoute.grpc) consider(id);
  for (const id of acks.byRoute.redis) if (!acks.byRoute.grpc.has(id)) consider(id);
  for (const id of acks.unrouted.keys()) if (!acks.byRoute.grpc.has(id) && !acks.byRoute.redis.has(id)) consider(id);
  return missing;
}

export interface ReconcileOptions {
  /** How many ids each list shows (the counts are always complete). Default 20. */
  maxIds?: number;
  /**
   * Acknowledged answers per route according to summary.json (routes.X.acknowledged). When given, the
   * number of ack lines per route must match: a difference means the log was cut (or mixed with another).
   */
  expectedAcks?: Partial<Record<RouteName, number>>;
  /**
   * False when k6 ran with ACK_LOG=0 (summary.json settings.ackLog): there are no ack lines, so only
   * counts can be compared (needs expectedAcks); lost writes are then a lower bound without ids.
   */
  ackLogEnabled?: boolean;
}

/** A count, and the first ids (sorted) to look at. */
export interface IdList {
  count: number;
  ids: string[];
}

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

export interface RouteMismatch {
  id: string;
  /** The route whose answer acknowledged it (X-Route). */
  acknowledgedBy: string;
  /** The route MongoDB holds it under. */
  storedAs: string;
}

export interface Reconciliation {
  runId: string;
  /** False on any lost write, or when the ack log is provably incomplete. Duplicates do not fail it. */
  pass: boolean;
  /** True when the ack log was off and only counts were compared. */
  countsOnly: boolean;
  routes: Record<RouteName, RouteFigures>;
  lost: {
    /** Distinct lost writes (in counts-only mode a lower bound). */
    count: number;
    /** The first ids of both kinds, sorted. */
    ids: string[];
    /** Acknowledged, but MongoDB has no record with that id (for any run). By acknowledging route, plus `unrouted`. */
    notStored: Record<RouteName | 'unrouted', IdList>;
    /** Acknowledged by route redis and stored as route redis, but without a `seen` marker: never counted in Redis. */
    notCounted: IdList;
  };
  duplicated: {
    /** runCountExcess plus the distinct ids of the two id-level kinds. */
    count: number;
    /**
     * How far REDIS_KEYS.runs[runId] exceeds the run's route-B records that carry a `seen` marker: a
     * record counted more than once (the marker makes that impossible through the Lua script).
     */
    runCountExcess: number;
    /** Ids acknowledged by answers of two different routes (a replay that the split sent elsewhere). */
    ackedOnTwoRoutes: IdList;
    /** Ids acknowledged by one route and stored under the other (includes one side of each ackedOnTwoRoutes id). */
    routeMismatch: { count: number; items: RouteMismatch[] };
  };
  unacknowledged: IdList & {
    /** By the route MongoDB stored them under. */
    byRoute: Record<string, number>;
    /** Of the unacknowledged route-B records, those not counted in Redis (the Redis step failed and the client got 503). */
    notCountedInRedis: number;
  };
  /** Facts that are not findings by themselves but a person should see. */
  anomalies: {
    /** Acknowledged ids found in MongoDB under another run id: durable, not lost, but mis-tagged. */
    storedUnderOtherRun: { count: number; items: { id: string; runId: string; route: string }[] };
    /** Records of the run with a route that is neither grpc nor redis. */
    storedUnknownRoute: IdList;
    /** How far REDIS_KEYS.runs[runId] falls short of the markers: the hash field was reset or edited. */
    runCountShortfall: number;
    /** summary.json's acknowledged counts against the ack lines; `complete` false fails the run. */
    ackLog: { checked: boolean; complete: boolean; expected: Partial<Record<RouteName, number>>; lines: Record<RouteName, number> };
    malformedLines: number;
    repeatedAcks: number;
    otherRunLines: number;
    unroutedAcks: number;
  };
  /** Sentences for a person: failures first (LOST, ACK LOG), then DUPLICATED, then the rest. */
  reasons: string[];
  /** The reasons that fail the run (the first entries of `reasons`). */
  failures: string[];
}

const DEFAULT_MAX_IDS = 20;

function idList(ids: Iterable<string>, max: number): IdList {
  const all = [...ids];
  return { count: all.length, ids: all.sort().slice(0, max) };
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const show = (list: IdList): string => (list.count === 0 ? '' : `: ${list.ids.join(', ')}${list.count > list.ids.length ? `, ... (${list.count - list.ids.length} more)` : ''}`);

export function reconcile(acks: AckLog, stores: StoreSnapshot, opts: ReconcileOptions = {}): Reconciliation {
  const max = opts.maxIds ?? DEFAULT_MAX_IDS;
  const countsOnly = opts.ackLogEnabled === false;
  const reasons: string[] = [];
  const failures: string[] = [];
  const warnings: string[] = [];

  const storedByRoute = new Map<string, number>();
  for (const route of stores.stored.values()) storedByRoute.set(route, (storedByRoute.get(route) ?? 0) + 1);
  const storedCount = (r: string): number => storedByRoute.get(r) ?? 0;

  // ---- lost -------------------------------------------------------------------------------------------
  const notStored: Record<RouteName | 'unrouted', Set<string>> = { grpc: new Set(), redis: new Set(), unrouted: new Set() };
  const notCounted = new Set<string>();
  const elsewhere = new Map<string, { id: string; runId: string; route: string }>();
  const noteMissing = (id: string, into: Set<string>): void => {
    const other = stores.storedElsewhere.get(id);
    if (other === undefined) into.add(id);
    else elsewhere.set(id, { id, ...other });
  };
  for (const route of ROUTES) for (const id of acks.byRoute[route]) if (!stores.stored.has(id)) noteMissing(id, notStored[route]);
  for (const id of acks.unrouted.keys()) if (!stores.stored.has(id)) noteMissing(id, notStored.unrouted);
  for (const id of acks.byRoute.redis) if (stores.stored.get(id) === 'redis' && !stores.seen.has(id)) notCounted.add(id);

  // ---- duplicated -------------------------------------------------------------------------------------
  const mismatches: RouteMismatch[] = [];
  for (const route of ROUTES) {
    for (const id of acks.byRoute[route]) {
      const storedAs = stores.stored.get(id);
      if (storedAs !== undefined && storedAs !== route) mismatches.push({ id, acknowledgedBy: route, storedAs });
    }
  }
  // Unrouted acks say nothing about the route, so they cannot mismatch one.
  mismatches.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const twoRoutes = idList(acks.crossRoute.keys(), max);
  let markers = 0;
  for (const id of redisIdsToCheck(acks, stores.stored)) if (stores.seen.has(id)) markers++;
  const runCountExcess = Math.max(0, stores.redisRunCount - markers);
  const runCountShortfall = Math.max(0, markers - stores.redisRunCount);

  // ---- unacknowledged ---------------------------------------------------------------------------------
  const unacked: string[] = [];
  const unackedByRoute: Record<string, number> = {};
  let unackedNotCounted = 0;
  const unknownRoute: string[] = [];
  for (const [id, route] of stores.stored) {
    if (!(ROUTES as readonly string[]).includes(route)) unknownRoute.push(id);
    if (countsOnly) continue;
    if (acks.byRoute.grpc.has(id) || acks.byRoute.redis.has(id) || acks.unrouted.has(id)) continue;
    unacked.push(id);
    unackedByRoute[route] = (unackedByRoute[route] ?? 0) + 1;
    if (route === 'redis' && !stores.seen.has(id)) unackedNotCounted++;
  }

  // ---- the ack log against summary.json ---------------------------------------------------------------
  const expected = opts.expectedAcks ?? {};
  const ackLogChecked = !countsOnly && ROUTES.some((r) => expected[r] !== undefined);
  const cut = ackLogChecked ? ROUTES.filter((r) => expected[r] !== undefined && expected[r] !== acks.lines.byRoute[r]) : [];

  // ---- figures ----------------------------------------------------------------------------------------
  const routes = {} as Record<RouteName, RouteFigures>;
  let countsOnlyLost = 0;
  for (const route of ROUTES) {
    const isRedis = route === 'redis';
    let acknowledged = acks.byRoute[route].size;
    let lost = notStored[route].size + (isRedis ? notCounted.size : 0);
    if (countsOnly) {
      acknowledged = expected[route] ?? 0;
      // Without ids only a shortfall of records is provable: a lower bound.
      lost = Math.max(0, acknowledged - storedCount(route));
      if (isRedis) lost = Math.max(lost, Math.min(acknowledged, storedCount(route)) - stores.redisRunCount, 0);
      countsOnlyLost += lost;
    }
    let seenMarkers: number | null = null;
    if (isRedis) {
      seenMarkers = 0;
      for (const id of acks.byRoute.redis) if (stores.seen.has(id)) seenMarkers++;
    }
    routes[route] = {
      acknowledged,
      ackLines: acks.lines.byRoute[route],
      stored: storedCount(route),
      countedInRedis: isRedis ? stores.redisRunCount : null,
      seenMarkers,
      lost,
      unacknowledged: countsOnly ? Math.max(0, storedCount(route) - acknowledged) : (unackedByRoute[route] ?? 0),
    };
  }

  const lostIds = new Set<string>([...notStored.grpc, ...notStored.redis, ...notStored.unrouted, ...notCounted]);
  const lostCount = countsOnly ? countsOnlyLost : lostIds.size;
  const mismatchOnly = new Set(mismatches.map((m) => m.id).filter((id) => !acks.crossRoute.has(id)));
  const duplicatedCount = runCountExcess + twoRoutes.count + mismatchOnly.size;

  // ---- reasons ----------------------------------------------------------------------------------------
  if (countsOnly) {
    warnings.push(
      'ack log was off (ACK_LOG=0): compared counts only; lost writes below are a lower bound and ids are unknown',
    );
    if (ROUTES.every((r) => expected[r] === undefined)) failures.push('ACK LOG: off, and no summary.json counts to compare: nothing acknowledged can be checked');
    for (const route of ROUTES) {
      const f = routes[route];
      if (f.lost === 0) continue;
      const redis = route === 'redis' ? ` and Redis counted ${stores.redisRunCount}` : '';
      failures.push(`LOST: route ${route} acknowledged ${f.acknowledged} writes; MongoDB holds ${f.stored} records of that route${redis}: at least ${plural(f.lost, 'lost write')}`);
    }
  } else {
    for (const key of ['grpc', 'redis', 'unrouted'] as const) {
      const list = idList(notStored[key], max);
      if (list.count === 0) continue;
      const by = key === 'unrouted' ? 'answers without a usable X-Route' : `route ${key}`;
      failures.push(`LOST: ${plural(list.count, 'write')} acknowledged by ${by} ${list.count === 1 ? 'is' : 'are'} not in MongoDB${show(list)}`);
    }
    const nc = idList(notCounted, max);
    if (nc.count > 0) {
      failures.push(`LOST: ${plural(nc.count, 'write')} acknowledged by route redis ${nc.count === 1 ? 'is' : 'are'} stored but never counted in Redis (no seen marker)${show(nc)}`);
    }
  }
  for (const route of cut) {
    const have = acks.lines.byRoute[route];
    const want = expected[route] ?? 0;
    failures.push(
      `ACK LOG: summary.json says route ${route} acknowledged ${want} writes but the log has ${plural(have, 'ack line')} for run ${acks.runId}: ` +
        (have < want ? 'the log was cut, so those writes cannot be checked' : 'the log holds more than this run acknowledged (mixed logs?)'),
    );
  }
  if (runCountExcess > 0) {
    reasons.push(
      `DUPLICATED: Redis counts ${stores.redisRunCount} records for run ${acks.runId} (${REDIS_KEYS.runs}) but only ${plural(markers, 'route-B record')} carry a seen marker: ${plural(runCountExcess, 'count')} too many`,
    );
  }
  if (twoRoutes.count > 0) reasons.push(`DUPLICATED: ${plural(twoRoutes.count, 'id')} acknowledged by both routes${show(twoRoutes)}`);
  if (mismatches.length > 0) {
    const first = mismatches.slice(0, max).map((m) => `${m.id} (acked by ${m.acknowledgedBy}, stored as ${m.storedAs})`);
    reasons.push(
      `DUPLICATED: ${plural(mismatches.length, 'acknowledgement')} came from a different route than the one that stored the record` +
        `: ${first.join(', ')}${mismatches.length > max ? `, ... (${mismatches.length - max} more)` : ''}`,
    );
  }
  if (!countsOnly && unacked.length > 0) {
    const list = idList(unacked, max);
    const by = Object.entries(unackedByRoute).map(([r, n]) => `${r} ${n}`).join(', ');
    warnings.push(
      `UNACKNOWLEDGED (not a failure): ${plural(list.count, 'record')} stored for the run ${list.count === 1 ? 'was' : 'were'} never acknowledged (${by}); ` +
        `expected after 503/504 answers whose write had landed${show(list)}`,
    );
  }
  const elsewhereSorted = [...elsewhere.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  if (elsewhereSorted.length > 0) {
    const first = elsewhereSorted.slice(0, max).map((e) => `${e.id} (run ${e.runId})`);
    warnings.push(`ANOMALY: ${plural(elsewhereSorted.length, 'acknowledged id')} stored under another run id (durable, not lost): ${first.join(', ')}`);
  }
  if (unknownRoute.length > 0) warnings.push(`ANOMALY: ${plural(unknownRoute.length, 'record')} of the run stored with a route other than grpc or redis${show(idList(unknownRoute, max))}`);
  if (runCountShortfall > 0) {
    warnings.push(`ANOMALY: Redis counts ${stores.redisRunCount} records for run ${acks.runId} but ${plural(markers, 'route-B record')} carry a seen marker: the runs hash was reset or edited`);
  }
  if (acks.lines.malformed > 0) {
    const where = acks.malformedSamples.map((s) => `line ${s.line}`).join(', ');
    warnings.push(`ANOMALY: ${plural(acks.lines.malformed, 'malformed ack line')} ignored (${where}${acks.lines.malformed > acks.malformedSamples.length ? ', ...' : ''})`);
  }
  if (acks.lines.repeated > 0) warnings.push(`ANOMALY: ${plural(acks.lines.repeated, 'ack line')} repeated an id already acknowledged on the same route`);
  if (acks.unrouted.size > 0) warnings.push(`ANOMALY: ${plural(acks.unrouted.size, 'acknowledged write')} came back without a usable X-Route header`);
  if (!countsOnly && acks.lines.acks === 0) {
    const others = acks.otherRunIds.length > 0 ? `; the log has lines of other runs: ${acks.otherRunIds.join(', ')}` : '';
    warnings.push(`no ack lines for run ${acks.runId} in the log${others}`);
  }
  if (!ackLogChecked && !countsOnly) warnings.push('no summary.json counts given: the ack log could not be checked for completeness');

  const pass = failures.length === 0;
  return {
    runId: acks.runId,
    pass,
    countsOnly,
    routes,
    lost: {
      count: lostCount,
      ids: [...lostIds].sort().slice(0, max),
      notStored: { grpc: idList(notStored.grpc, max), redis: idList(notStored.redis, max), unrouted: idList(notStored.unrouted, max) },
      notCounted: idList(notCounted, max),
    },
    duplicated: {
      count: duplicatedCount,
      runCountExcess,
      ackedOnTwoRoutes: twoRoutes,
      routeMismatch: { count: mismatches.length, items: mismatches.slice(0, max) },
    },
    unacknowledged: { ...idList(unacked, max), byRoute: unackedByRoute, notCountedInRedis: unackedNotCounted },
    anomalies: {
      storedUnderOtherRun: { count: elsewhereSorted.length, items: elsewhereSorted.slice(0, max) },
      storedUnknownRoute: idList(unknownRoute, max),
      runCountShortfall,
      ackLog: { checked: ackLogChecked, complete: cut.length === 0, expected, lines: { ...acks.lines.byRoute } },
      malformedLines: acks.lines.malformed,
      repeatedAcks: acks.lines.repeated,
      otherRunLines: acks.lines.otherRuns,
      unroutedAcks: acks.unrouted.size,
    },
    reasons: [...failures, ...reasons, ...warnings],
    failures,
  };
}
