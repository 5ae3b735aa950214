/**
 * After the load: wait until route B's stores agree (no record of the run still waiting to be counted
 * in Redis: a pending marker whose record exists), as long as redis-writer's sweeper needs, and no
 * longer than a bound.
 */
import { MongoClient } from 'mongodb';
import { GRADES_COLLECTION, PENDING_COLLECTION } from '../contract/stores.js';

export interface SettleResult {
  /** ms waited */
  waitedMs: number;
  /** Records of the run still waiting for their count when the wait ended (0: the stores agree). */
  pending: number;
  /** Markers without a record (an insert that failed for good); harmless, dropped by the sweeper later. */
  orphanMarkers: number;
}

export async function waitConverged(opts: { mongoUrl: string; mongoDb: string; runId: string; boundMs: number; pollMs?: number }): Promise<SettleResult> {
  const start = Date.now();
  const client = new MongoClient(opts.mongoUrl, { serverSelectionTimeoutMS: 5000 });
  try {
    const db = client.db(opts.mongoDb);
    const markers = db.collection<{ _id: string; runId: string }>(PENDING_COLLECTION);
    const grades = db.collection<{ _id: string }>(GRADES_COLLECTION);
    for (;;) {
      const ids = (await markers.find({ runId: opts.runId }, { projection: { _id: 1 } }).toArray()).map((m) => m._id);
      const pending = ids.length === 0 ? 0 : await grades.countDocuments({ _id: { $in: ids } });
      const waitedMs = Date.now() - start;
      if (pending === 0 || waitedMs >= opts.boundMs) return { waitedMs, pending, orphanMarkers: ids.length - pending };
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
    }
  } finally {
    await client.close().catch(() => {});
  }
}
