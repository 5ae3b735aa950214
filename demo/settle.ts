/**
 * After the load: wait until route B's stores agree (no record of the run still waiting to be counted
 * in Redis), as long as redis-writer's sweeper needs, and no longer than a bound.
 */
import { MongoClient } from 'mongodb';
import { GRADES_COLLECTION, RECORD_FIELDS } from '../contract/stores.js';

export interface SettleResult {
  /** ms waited */
  waitedMs: number;
  /** Records of the run still pending when the wait ended (0: the stores agree). */
  pending: number;
}

export async function waitConverged(opts: { mongoUrl: string; mongoDb: string; runId: string; boundMs: number; pollMs?: number }): Promise<SettleResult> {
  const start = Date.now();
  const client = new MongoClient(opts.mongoUrl, { serverSelectionTimeoutMS: 5000 });
  try {
    const grades = client.db(opts.mongoDb).collection(GRADES_COLLECTION);
    for (;;) {
      const pending = await grades.countDocuments({ [RECORD_FIELDS.runId]: opts.runId, [RECORD_FIELDS.countPending]: true });
      const waitedMs = Date.now() - start;
      if (pending === 0 || waitedMs >= opts.boundMs) return { waitedMs, pending };
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
    }
  } finally {
    await client.close().catch(() => {});
  }
}
