/**
 * Test support: grades-api's server (server.ts, as main.ts wires it) on a loopback port, reading a real
 * MongoDB-wire server and a real redis-server. close() stops the server and both clients.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { MongoClient } from 'mongodb';
import { createClient } from 'redis';
import { GRADES_COLLECTION } from '../contract/stores.js';
import { createLogger } from '../service-kit/logger.js';
import type { GradeDocument } from '../stores/mongo-grades.js';
import { createGradesApi } from './server.js';

export interface RunningGradesApi {
  url: string;
  close(): Promise<void>;
}

export async function startGradesApi(opts: { mongoUrl: string; dbName: string; redisUrl: string; timeoutMs?: number }): Promise<RunningGradesApi> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const mongo = new MongoClient(opts.mongoUrl, { serverSelectionTimeoutMS: timeoutMs, socketTimeoutMS: timeoutMs * 2 });
  const redis = createClient({ url: opts.redisUrl, disableOfflineQueue: true, socket: { connectTimeout: timeoutMs, reconnectStrategy: () => 200 } });
  redis.on('error', () => {}); // a stopped redis-server is part of some tests: the 503s show it
  await redis.connect();
  const reads = redis.withCommandOptions({ timeout: timeoutMs });
  const server = createGradesApi({
    collection: mongo.db(opts.dbName).collection<GradeDocument>(GRADES_COLLECTION),
    redis: reads,
    pingMongo: async () => {
      await mongo.db('admin').command({ ping: 1 });
    },
    pingRedis: async () => {
      await reads.ping();
    },
    logger: createLogger({ service: 'grades-api-test' }, 'error', () => {}),
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mongo.close();
      redis.destroy();
    },
  };
}
