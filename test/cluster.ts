/**
 * Test support: the whole write side as real processes (redis-server, a MongoDB-wire server,
 * grpc-server, grpc-client, redis-writer) on ephemeral loopback ports, stopped in teardown.
 */
import { MongoClient, type Collection } from 'mongodb';
import type { GradeDocument } from '../stores/mongo-grades.js';
import { createClient } from 'redis';
import { GRADES_COLLECTION } from '../contract/stores.js';
import { startMongo, type MongoServer } from '../stack/mongo.js';
import { startRedis, type RedisServer } from '../stack/redis.js';
import { startService, waitReady, type RunningService } from '../stack/services.js';

const makeRedisClient = (url: string) => createClient({ url });
type TestRedis = ReturnType<typeof makeRedisClient>;

export interface TestCluster {
  redis: RedisServer;
  mongo: MongoServer;
  grpcServer: RunningService;
  grpcClient: RunningService;
  redisWriter: RunningService;
  dbName: string;
  mongoClient: MongoClient;
  redisClient: TestRedis;
  grades(): Collection<GradeDocument>;
  stop(): Promise<void>;
}

export async function startCluster(opts: { env?: Record<string, string> } = {}): Promise<TestCluster> {
  const dbName = `test_${process.pid}_${Date.now()}`;
  const redis = await startRedis();
  const mongo = await startMongo({ ownServer: true });
  const timeouts = { MONGO_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '3000', GRPC_DEADLINE_MS: '2000', ...opts.env };
  const grpcServer = await startService('grpc-server', { env: { MONGO_URL: mongo.url, MONGO_DB: dbName, ...timeouts } });
  const [grpcClient, redisWriter] = await Promise.all([
    startService('grpc-client', { env: { GRPC_SERVER_ADDR: `127.0.0.1:${grpcServer.port}`, ...timeouts } }),
    startService('redis-writer', { env: { MONGO_URL: mongo.url, MONGO_DB: dbName, REDIS_URL: redis.url, ...timeouts } }),
  ]);
  await Promise.all([waitReady(grpcServer), waitReady(grpcClient), waitReady(redisWriter)]);
  const mongoClient = new MongoClient(mongo.url, { serverSelectionTimeoutMS: 2000 });
  const redisClient = makeRedisClient(redis.url);
  redisClient.on('error', () => {}); // outage tests stop Redis under it
  await redisClient.connect();
  const cluster: TestCluster = {
    redis,
    mongo,
    grpcServer,
    grpcClient,
    redisWriter,
    dbName,
    mongoClient,
    redisClient,
    grades: () => mongoClient.db(dbName).collection<GradeDocument>(GRADES_COLLECTION),
    // Reads the fields at stop time: outage tests replace grpcServer with a restarted one.
    stop: async () => {
      await Promise.allSettled([cluster.grpcClient.stop(), cluster.redisWriter.stop()]);
      await cluster.grpcServer.stop();
      await mongoClient.close().catch(() => {});
      if (redisClient.isOpen) await redisClient.close().catch(() => {});
      else redisClient.destroy();
      await Promise.allSettled([redis.stop(), mongo.stop()]);
    },
  };
  return cluster;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** POST /course with a JSON string (or raw bytes) body. */
export async function postCourse(
  baseUrl: string,
  body: string | Uint8Array,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  method = 'POST',
  path = '/course',
): Promise<Answer> {
  const res = await fetch(baseUrl + path, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

export const SEED_EXAMPLE = { curso: 'ANP', facultad: 'Ingenieria', carrera: 'Arte', region: 'METROPOLITANA' };
export const FULL_RECORD = {
  carnet: '201900001', nombre: 'Ana Lopez', curso: 'SO1', nota: 87, semestre: '1S', year: 2025,
  facultad: 'Ingenieria', carrera: 'Sistemas', region: 'NORTE',
};
