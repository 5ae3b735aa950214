/**
 * What the honest ceilings write, shared by the bare baselines: the same document shape into the same
 * collection with the same indexes as stores/mongo-grades.ts, and the same Lua script with the same
 * keys as stores/redis-aggregates.ts, through the same drivers, without anything of ours around them
 * (no validation, idempotency, timeouts, metrics or logs). The baseline is only as honest as this is
 * the same work.
 */
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { createClient } from 'redis';
import type { Grade } from '../../contract/grade.js';
import { GRADES_COLLECTION, GRADES_INDEXES } from '../../contract/stores.js';
import { applyRecordScript } from '../../stores/apply-record-script.js';
import { scriptInputs } from '../../stores/redis-aggregates.js';

export async function bareMongo(url: string, dbName: string) {
  const client = new MongoClient(url, { maxPoolSize: 20 });
  const grades = client.db(dbName).collection<Record<string, unknown>>(GRADES_COLLECTION);
  for (const i of GRADES_INDEXES) await grades.createIndex({ ...i.key }, { name: i.name });
  return {
    /** One record as the writers store it; `countPending` as route B marks it. */
    insert: async (grade: Grade, route: string, countPending: boolean): Promise<{ id: string; receivedAt: Date }> => {
      const id = randomUUID();
      const receivedAt = new Date();
      await grades.insertOne({ _id: id as never, ...grade, runId: 'bench', route, receivedAt, instance: 'bare', fingerprint: '', ...(countPending ? { countPending: true } : {}) });
      return { id, receivedAt };
    },
    /** The batched unmark route B does after counting (one update for many records). */
    unmark: (ids: string[]) => grades.updateMany({ _id: { $in: ids as never[] } }, { $unset: { countPending: '' } }),
    close: () => client.close(),
  };
}

export async function bareRedis(url: string) {
  const client = createClient({ url, scripts: { applyRecord: applyRecordScript } });
  await client.connect();
  return {
    count: (id: string, grade: Grade, receivedAt: Date) => {
      const { keys, args } = scriptInputs({ id, runId: 'bench', route: 'redis', receivedAt: receivedAt.toISOString(), grade });
      return client.applyRecord(keys, args);
    },
    close: () => client.close(),
  };
}
