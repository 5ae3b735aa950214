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
import { GRADES_COLLECTION, GRADES_INDEXES, REDIS_KEYS } from '../../contract/stores.js';
import { applyRecordScript } from '../../stores/apply-record-script.js';
import { scriptInputs } from '../../stores/redis-aggregates.js';

export async function bareMongo(url: string, dbName: string) {
  const client = new MongoClient(url, { maxPoolSize: 20 });
  const grades = client.db(dbName).collection<Record<string, unknown>>(GRADES_COLLECTION);
  for (const i of GRADES_INDEXES) await grades.createIndex({ ...i.key }, { name: i.name });
  return {
    /** One record as the writers store it. */
    insert: async (grade: Grade, route: string, id: string = randomUUID(), receivedAt: Date = new Date()): Promise<{ id: string; receivedAt: Date }> => {
      await grades.insertOne({ _id: id as never, ...grade, runId: 'bench', route, receivedAt, instance: 'bare', fingerprint: '' });
      return { id, receivedAt };
    },
    close: () => client.close(),
  };
}

export async function bareRedis(url: string) {
  const client = createClient({ url, scripts: { applyRecord: applyRecordScript } });
  await client.connect();
  return {
    /** Route B's pending marker, before the record (the script removes it). */
    mark: async (): Promise<{ id: string; receivedAt: Date }> => {
      const id = randomUUID();
      const receivedAt = new Date();
      await client.zAdd(REDIS_KEYS.pending, { score: receivedAt.getTime(), value: id });
      return { id, receivedAt };
    },
    count: (id: string, grade: Grade, receivedAt: Date) => {
      const { keys, args } = scriptInputs({ id, runId: 'bench', route: 'redis', receivedAt: receivedAt.toISOString(), grade });
      return client.applyRecord(keys, args);
    },
    close: () => client.close(),
  };
}
