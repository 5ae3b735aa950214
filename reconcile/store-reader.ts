/**
 * Reads what the stores hold for one run, read-only: the run's MongoDB records (id and route only,
 * streamed through a cursor), acknowledged ids missing from them looked up by `_id`, the run's count in
 * REDIS_KEYS.runs, and the `seen` marker of each route-B id (EXISTS, pipelined in batches).
 */
import { redactText } from '../service-kit/secrets.js';
import { MongoClient, type Collection } from 'mongodb';
import { createClient } from 'redis';
import { GRADES_COLLECTION, REDIS_KEYS } from '../contract/stores.js';
import type { AckLog } from './acks.js';
import { idsMissingFromRun, redisIdsToCheck, type StoreSnapshot } from './reconcile.js';

/** The fields the reconciler reads from a stored record. */
export interface StoredRecordFields {
  _id: string;
  route: string;
  runId: string;
}

/** The two Redis reads the reconciler needs; node-redis' client has both. */
export interface RedisReads {
  exists(key: string): Promise<number>;
  hGet(key: string, field: string): Promise<unknown>;
}

/** EXISTS commands in flight at once; node-redis pipelines the commands of one tick into one write. */
export const DEFAULT_BATCH_SIZE = 1000;

/** id -> route of every record tagged with the run, streamed (only `_id` and `route` travel). */
export async function readRunRecords(collection: Collection<StoredRecordFields>, runId: string): Promise<Map<string, string>> {
  const stored = new Map<string, string>();
  const cursor = collection.find({ runId }, { projection: { _id: 1, route: 1 }, batchSize: 10_000 });
  try {
    for await (const doc of cursor) stored.set(String(doc._id), String(doc.route));
  } finally {
    await cursor.close();
  }
  return stored;
}

/** Looks ids up by `_id` alone (any run), in batches; returns those found with their run and route. */
export async function findByIds(
  collection: Collection<StoredRecordFields>,
  ids: readonly string[],
  batchSize = DEFAULT_BATCH_SIZE,
): Promise<Map<string, { runId: string; route: string }>> {
  const found = new Map<string, { runId: string; route: string }>();
  for (let i = 0; i < ids.length; i += batchSize) {
    const batch = ids.slice(i, i + batchSize);
    const cursor = collection.find({ _id: { $in: batch } }, { projection: { _id: 1, route: 1, runId: 1 } });
    for await (const doc of cursor) found.set(String(doc._id), { runId: String(doc.runId), route: String(doc.route) });
  }
  return found;
}

/** REDIS_KEYS.runs[runId] as a number; 0 when absent. */
export async function readRunCount(redis: RedisReads, runId: string): Promise<number> {
  const raw = await redis.hGet(REDIS_KEYS.runs, runId);
  if (raw === null || raw === undefined) return 0;
  const n = Number(String(raw));
  if (!Number.isSafeInteger(n)) throw new Error(`${REDIS_KEYS.runs}[${runId}] is not an integer: ${String(raw)}`);
  return n;
}

/** The ids whose `seen` marker exists. EXISTS per id, `batchSize` in flight at a time. */
export async function readSeenMarkers(redis: RedisReads, ids: Iterable<string>, batchSize = DEFAULT_BATCH_SIZE): Promise<Set<string>> {
  const seen = new Set<string>();
  let batch: string[] = [];
  const flush = async (): Promise<void> => {
    const replies = await Promise.all(batch.map((id) => redis.exists(REDIS_KEYS.seen(id))));
    replies.forEach((reply, i) => {
      if (Number(reply) > 0) seen.add(batch[i]!);
    });
    batch = [];
  };
  for (const id of ids) {
    batch.push(id);
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  return seen;
}

/** Everything reconcile() needs from the stores, through clients the caller owns. */
export async function readSnapshot(
  grades: Collection<StoredRecordFields>,
  redis: RedisReads,
  acks: AckLog,
  opts: { batchSize?: number } = {},
): Promise<StoreSnapshot> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const stored = await readRunRecords(grades, acks.runId);
  const [storedElsewhere, redisRunCount, seen] = await Promise.all([
    findByIds(grades, idsMissingFromRun(acks, stored), batchSize),
    readRunCount(redis, acks.runId),
    readSeenMarkers(redis, redisIdsToCheck(acks, stored), batchSize),
  ]);
  return { stored, storedElsewhere, redisRunCount, seen };
}

export interface StoreLocation {
  mongoUrl: string;
  mongoDb: string;
  redisUrl: string;
  /** Connect and per-command timeout. Default 5000 ms. */
  timeoutMs?: number;
  batchSize?: number;
}

/** Opens its own read clients, reads the snapshot, and closes them again (also on failure). */
export async function readStores(location: StoreLocation, acks: AckLog): Promise<StoreSnapshot> {
  const timeoutMs = location.timeoutMs ?? 5000;
  const mongo = new MongoClient(location.mongoUrl, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    appName: 'splitbench-reconcile',
  });
  // No reconnect loop: a reconciler that cannot reach Redis should say so, not wait.
  const redis = createClient({ url: location.redisUrl, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } });
  let redisError: Error | undefined;
  redis.on('error', (err: Error) => {
    redisError ??= err;
  });
  try {
    await redis.connect().catch((err: unknown) => {
      throw new Error(redactText(`cannot connect to Redis at ${location.redisUrl}: ${(err as Error).message}`), { cause: err });
    });
    await mongo
      .db(location.mongoDb)
      .command({ ping: 1 })
      .catch((err: unknown) => {
        throw new Error(redactText(`cannot reach MongoDB at ${location.mongoUrl}: ${(err as Error).message}`), { cause: err });
      });
    const grades = mongo.db(location.mongoDb).collection<StoredRecordFields>(GRADES_COLLECTION);
    const snapshot = await readSnapshot(grades, redis, acks, { batchSize: location.batchSize });
    if (redisError !== undefined) throw new Error(redactText(`Redis failed while reading: ${redisError.message}`), { cause: redisError });
    return snapshot;
  } finally {
    await mongo.close().catch(() => {});
    if (redis.isOpen) await redis.close().catch(() => {});
    else redis.destroy();
  }
}
