/**
 * After the load: wait until route B's stores agree (no record of the run still waiting to be counted
 * in Redis: a pending marker in Redis whose record MongoDB holds), as long as redis-writer's sweeper
 * needs, and no longer than a bound.
 */
import { MongoClient } from 'mongodb';
import { createClient } from 'redis';
import { GRADES_COLLECTION, REDIS_KEYS } from '../contract/stores.js';

export interface SettleResult {
  /** ms waited */
  waitedMs: number;
  /** Records of the run still waiting for their count when the wait ended (0: the stores agree). */
  pending: number;
  /** Markers (of any run: a marker names only its record) without a record: an insert that failed for good; harmless, dropped by the sweeper later. */
  orphanMarkers: number;
}

export async function waitConverged(opts: { mongoUrl: string; mongoDb: string; redisUrl: string; runId: string; boundMs: number; pollMs?: number }): Promise<SettleResult> {
  const start = Date.now();
  const client = new MongoClient(opts.mongoUrl, { serverSelectionTimeoutMS: 5000 });
  const redis = createClient({ url: opts.redisUrl, socket: { connectTimeout: 5000, reconnectStrategy: false } });
  redis.on('error', () => {});
  try {
    await redis.connect();
    const grades = client.db(opts.mongoDb).collection<{ _id: string; runId: string }>(GRADES_COLLECTION);
    for (;;) {
      // The set is small by design (what is in flight or stuck): read it whole.
      const ids = await redis.zRange(REDIS_KEYS.pending, 0, -1);
      const stored = ids.length === 0 ? [] : await grades.find({ _id: { $in: ids } }, { projection: { runId: 1 } }).toArray();
      const pending = stored.filter((r) => r.runId === opts.runId).length;
      const waitedMs = Date.now() - start;
      if (pending === 0 || waitedMs >= opts.boundMs) return { waitedMs, pending, orphanMarkers: ids.length - stored.length };
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
    }
  } finally {
    await Promise.allSettled([client.close(), redis.isOpen ? redis.close() : Promise.resolve(redis.destroy())]);
  }
}
