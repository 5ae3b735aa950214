/**
 * The local stack: real Redis, a MongoDB-wire server, grpc-server, grpc-client, redis-writer and the
 * local ingress, each its own process on a port picked at start (two stacks can run side by side),
 * logs in files, an endpoints JSON for people and tools, and one stop() that ends them all.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MONGO_DB_DEFAULT } from '../contract/stores.js';
import { SPLIT_ROUTE_FILE, readSplit, routeFractions } from '../linkerd/split.js';
import { startMongo, type MongoServer } from './mongo.js';
import { startProcess, waitForOutput, waitUntil, type ManagedProcess } from './process.js';
import { startRedis, type RedisServer } from './redis.js';
import { startService, waitReady, type RunningService } from './services.js';
import { REPO_ROOT } from './tools.js';

export interface StackOptions {
  /** Ingress port; 0 picks a free one. */
  port: number;
  /** Folder for logs and endpoints.json. */
  dir: string;
  routeFile?: string;
  mongoDb?: string;
  /** Extra env for the three services (e.g. timeouts). */
  serviceEnv?: Record<string, string>;
  onProgress?: (message: string) => void;
}

export interface StackEndpoints {
  ingress: string;
  grpcClient: string;
  redisWriter: string;
  grpcServer: { grpc: string; http: string };
  redisUrl: string;
  mongoUrl: string;
  mongoKind: string;
  mongoDb: string;
  weights: Record<string, number>;
  routeFile: string;
  logs: string;
  pids: Record<string, number | undefined>;
}

export interface RunningStack {
  endpoints: StackEndpoints;
  endpointsFile: string;
  /** Resolves when any process of the stack exits on its own (a crash). */
  crashed: Promise<string>;
  stop(): Promise<void>;
}

export async function startStack(opts: StackOptions): Promise<RunningStack> {
  const progress = opts.onProgress ?? (() => {});
  const logs = path.join(opts.dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const log = (name: string): string => path.join(logs, `${name}.log`);
  const routeFile = opts.routeFile ?? SPLIT_ROUTE_FILE;
  const weights = routeFractions(readSplit(routeFile));
  const mongoDb = opts.mongoDb ?? MONGO_DB_DEFAULT;

  const started: { name: string; stop: () => Promise<void> }[] = [];
  const stopAll = async (): Promise<void> => {
    // Reverse order: the ingress first, stores last, so nothing writes to a store that is gone.
    for (const s of started.reverse()) await s.stop().catch(() => {});
  };

  try {
    progress('starting redis-server');
    const redis: RedisServer = await startRedis({ logFile: log('redis') });
    started.push({ name: 'redis', stop: () => redis.stop() });

    progress('starting the MongoDB-wire server');
    const mongo: MongoServer = await startMongo({ logFile: log('mongo'), dataDir: path.join(opts.dir, 'mongo-data') });
    started.push({ name: 'mongo', stop: () => mongo.stop() });

    const env = { MONGO_DB: mongoDb, ...opts.serviceEnv };
    progress('starting grpc-server');
    const grpcServer: RunningService = await startService('grpc-server', { env: { ...env, MONGO_URL: mongo.url }, logFile: log('grpc-server') });
    started.push({ name: 'grpc-server', stop: () => grpcServer.stop() });

    progress('starting grpc-client and redis-writer');
    const [grpcClient, redisWriter] = await Promise.all([
      startService('grpc-client', { env: { ...env, GRPC_SERVER_ADDR: `127.0.0.1:${grpcServer.port}` }, logFile: log('grpc-client') }),
      startService('redis-writer', { env: { ...env, MONGO_URL: mongo.url, REDIS_URL: redis.url }, logFile: log('redis-writer') }),
    ]);
    started.push({ name: 'grpc-client', stop: () => grpcClient.stop() }, { name: 'redis-writer', stop: () => redisWriter.stop() });
    await Promise.all([waitReady(grpcServer), waitReady(grpcClient), waitReady(redisWriter)]);

    progress(`starting the ingress (weights from ${path.relative(REPO_ROOT, routeFile)})`);
    const ingress: ManagedProcess = startProcess({
      name: 'ingress',
      command: process.execPath,
      args: ['--import', 'tsx', path.join(REPO_ROOT, 'ingress', 'main.ts'), '--port', String(opts.port), '--grpc', grpcClient.baseUrl, '--redis', redisWriter.baseUrl, '--route-file', routeFile],
      cwd: REPO_ROOT,
      logFile: log('ingress'),
    });
    started.push({ name: 'ingress', stop: () => ingress.stop(5000) });
    const match = await waitForOutput(ingress, /"msg":"listening".*?"port":(\d+)/, 30_000);
    const ingressUrl = `http://127.0.0.1:${match[1]}`;
    await waitUntil(ingress, async () => (await fetch(`${ingressUrl}/readyz`)).status === 200, 30_000, 'ready (/readyz 200)');

    const endpoints: StackEndpoints = {
      ingress: ingressUrl,
      grpcClient: grpcClient.baseUrl,
      redisWriter: redisWriter.baseUrl,
      grpcServer: { grpc: `127.0.0.1:${grpcServer.port}`, http: grpcServer.baseUrl },
      redisUrl: redis.url,
      mongoUrl: mongo.url,
      mongoKind: mongo.kind,
      mongoDb,
      weights,
      routeFile,
      logs,
      pids: {
        redis: redis.proc.child.pid,
        mongo: mongo.proc?.child.pid,
        'grpc-server': grpcServer.proc.child.pid,
        'grpc-client': grpcClient.proc.child.pid,
        'redis-writer': redisWriter.proc.child.pid,
        ingress: ingress.child.pid,
      },
    };
    const endpointsFile = path.join(opts.dir, 'endpoints.json');
    writeFileSync(endpointsFile, JSON.stringify(endpoints, null, 2) + '\n');

    let stopping = false;
    const procs: ManagedProcess[] = [redis.proc, grpcServer.proc, grpcClient.proc, redisWriter.proc, ingress, ...(mongo.proc ? [mongo.proc] : [])];
    const crashed = Promise.race(procs.map((p) => p.exited.then((e) => (stopping ? new Promise<string>(() => {}) : `${p.name} exited (${e.code ?? e.signal}); see ${p.logFile}`))));
    return {
      endpoints,
      endpointsFile,
      crashed,
      stop: async () => {
        stopping = true;
        await stopAll();
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
