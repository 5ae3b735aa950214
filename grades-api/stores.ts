/**
 * grades-api's two store clients, wired once for main.ts and the tests (testing.ts): MongoDB through
 * stores/mongo-connection.ts (it serves whenever MongoDB comes up, in any start order), Redis with a
 * reconnect loop that never gives up and fails reads at once while disconnected (the panel shows the
 * 503 now, not a timeout later).
 */
import { createClient } from 'redis';
import { GRADES_COLLECTION } from '../contract/stores.js';
import { redactText } from '../service-kit/secrets.js';
import { MongoConnection } from '../stores/mongo-connection.js';
import type { GradeDocument } from '../stores/mongo-grades.js';
import type { GradesApiDeps } from './server.js';

export interface GradesApiStoresOptions {
  mongoUrl: string;
  mongoDb: string;
  mongoTimeoutMs: number;
  redisUrl: string;
  redisTimeoutMs: number;
  /** Connection problems of Redis (node-redis reports every failed reconnect). */
  onRedisError?: (err: Error) => void;
}

export interface GradesApiStores {
  deps: Omit<GradesApiDeps, 'logger'>;
  /** Resolves when Redis first answers (tests wait for it; the server does not need to). */
  redisConnected: Promise<void>;
  close(): Promise<void>;
}

export function connectGradesApiStores(opts: GradesApiStoresOptions): GradesApiStores {
  const mongo = new MongoConnection(opts.mongoUrl, {
    serverSelectionTimeoutMS: opts.mongoTimeoutMs,
    connectTimeoutMS: opts.mongoTimeoutMs,
    socketTimeoutMS: opts.mongoTimeoutMs * 2,
    maxPoolSize: 5,
    appName: 'grades-api',
    readPreference: 'secondaryPreferred',
  });
  const redis = createClient({
    url: opts.redisUrl,
    disableOfflineQueue: true,
    socket: { connectTimeout: opts.redisTimeoutMs, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** Math.min(retries, 5), 2000) },
  });
  // Without a listener node-redis throws on connection errors; /readyz reports Redis' state instead.
  redis.on('error', (err: Error) => opts.onRedisError?.(new Error(redactText(err.message))));
  // connect() stays pending while Redis is down and resolves when it comes up (the reconnect loop).
  const redisConnected = redis.connect().then(
    () => undefined,
    (err: unknown) => opts.onRedisError?.(new Error(redactText(String(err)))),
  );
  const reads = redis.withCommandOptions({ timeout: opts.redisTimeoutMs });
  return {
    redisConnected,
    deps: {
      records: () => mongo.collection<GradeDocument>(opts.mongoDb, GRADES_COLLECTION),
      redis: reads,
      pingMongo: async () => {
        await mongo.use((c) => c.db('admin').command({ ping: 1 }));
      },
      pingRedis: async () => {
        await reads.ping();
      },
    },
    close: async () => {
      // Not connected (Redis down): destroy() also stops the reconnect loop, which would keep us alive.
      const closeRedis = async (): Promise<void> => {
        if (redis.isReady) await redis.close();
        else redis.destroy();
      };
      await Promise.all([mongo.close(), closeRedis()]);
    },
  };
}
