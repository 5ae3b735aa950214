/**
 * Route B's pending markers (contract/stores.ts REDIS_KEYS.pending): a sorted set in Redis, one member
 * per record id, scored by when a request last set out to write it. Added before the record goes to
 * MongoDB; removed by the counting script itself (stores/apply-record-script.ts), atomically with the
 * count. In Redis rather than in a MongoDB collection because the marker then costs one Redis command
 * and no MongoDB insert and delete per record (MongoDB-wire is the costliest process of the chain);
 * docs/architecture.md "Route B after a crash" says what that changes when a store loses writes.
 */
import { REDIS_KEYS, GRADES_COLLECTION } from '../contract/stores.js';
import { toStoreError, type GradeDocument, type MongoGradeStore } from './mongo-grades.js';
import { timed } from './observe.js';
import type { RedisAggregates } from './redis-aggregates.js';

export interface PendingMarker {
  /** The record id. */
  _id: string;
  /** When a request last set out to write the record (the marker's score). */
  markedAt: Date;
}

/**
 * Removes a marker only if no request has marked its record again since the sweeper read it (same
 * score): a marker a new attempt refreshed belongs to that attempt.
 */
const DROP_IF_UNCHANGED_LUA = `local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0`;

export class PendingCounts {
  constructor(
    private readonly redis: RedisAggregates,
    private readonly store: MongoGradeStore,
  ) {}

  /**
   * Marks a record as to be counted, before it is stored. Every attempt moves the marker's time to its
   * own, so the sweeper leaves it to the request in flight. Throws UnavailableError when Redis does not
   * take it: the request then stores nothing.
   */
  async mark(id: string, at: Date): Promise<void> {
    await this.redis.run('mark_pending', (c) => c.zAdd(REDIS_KEYS.pending, { score: at.getTime(), value: id }));
  }

  /** Removes a marker whose record is not route B's to count (a replay of a route-A record). */
  async drop(id: string): Promise<void> {
    await this.redis.run('drop_pending', (c) => c.zRem(REDIS_KEYS.pending, id));
  }

  /** Removes a marker left without a record, unless a request has marked that record again since. Returns whether it went. */
  async dropIfUnchanged(marker: PendingMarker): Promise<boolean> {
    const reply = await this.redis.run('drop_pending', (c) => c.eval(DROP_IF_UNCHANGED_LUA, { keys: [REDIS_KEYS.pending], arguments: [marker._id, String(marker.markedAt.getTime())] }));
    return Number(reply) === 1;
  }

  /** Markers set before `before`, oldest first from `offset`, with their records (null: the record is not stored, or not yet). */
  async stale(before: Date, limit: number, offset = 0): Promise<{ marker: PendingMarker; record: GradeDocument | null }[]> {
    // '(' makes the bound exclusive: strictly before.
    const rows = await this.redis.run('find_pending', (c) => c.zRangeByScoreWithScores(REDIS_KEYS.pending, '-inf', `(${before.getTime()}`, { LIMIT: { offset, count: limit } }));
    const markers: PendingMarker[] = rows.map((r) => ({ _id: String(r.value), markedAt: new Date(Number(r.score)) }));
    if (markers.length === 0) return [];
    let records: GradeDocument[];
    try {
      records = await this.store.bounded(undefined, (bound) => this.store.on<GradeDocument, GradeDocument[]>(GRADES_COLLECTION, (grades) => timed(this.store.observe, 'find', () => grades.find({ _id: { $in: markers.map((m) => m._id) } }, bound).toArray())));
    } catch (err) {
      throw toStoreError(err);
    }
    const byId = new Map(records.map((r) => [r._id, r]));
    return markers.map((marker) => ({ marker, record: byId.get(marker._id) ?? null }));
  }
}
