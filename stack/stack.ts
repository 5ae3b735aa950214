/**
 * The local stack: real Redis (AOF), a MongoDB-wire server, grpc-server, grpc-client and redis-writer
 * (each 1..N supervised replicas on fixed ports) and the local ingress, each its own process on ports
 * picked at start (two stacks can run side by side), logs in files, an endpoints JSON for people and
 * tools, every process start, exit and restart as an event, and one stop() that ends them all.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MONGO_DB_DEFAULT } from '../contract/stores.js';
import { SPLIT_ROUTE_FILE, readSplit, routeFractions } from '../linkerd/split.js';
import { Deployment } from './deployment.js';
import { startIngress } from './ingress.js';
import { startMongo } from './mongo.js';
import { freePort } from './ports.js';
import { startRedis, type RedisServer } from './redis.js';
import type { ServiceFolder } from './services.js';
import type { ManagedProcess } from './process.js';
import type { ResourceTarget } from './resources.js';
import { Supervisor, type SupervisorEvent } from './supervisor.js';

export interface StackOptions {
  /** Ingress port; 0 picks a free one. */
  port: number;
  /** Folder for logs, store data, events and endpoints.json. */
  dir: string;
  routeFile?: string;
  mongoDb?: string;
  /** Extra env for the three services (e.g. timeouts). */
  serviceEnv?: Record<string, string>;
  /** Replicas per service: `initial` running at start, room for `max`. Default 1 and 1. */
  replicas?: Partial<Record<ServiceFolder, { initial: number; max: number }>>;
  onProgress?: (message: string) => void;
  onEvent?: (e: SupervisorEvent) => void;
}

export interface StackEndpoints {
  ingress: string;
  /** First replica of each (all replicas: `replicas`). */
  grpcClient: string;
  redisWriter: string;
  grpcServer: { grpc: string; http: string };
  replicas: Record<ServiceFolder, string[]>;
  redisUrl: string;
  mongoUrl: string;
  mongoKind: string;
  mongoDb: string;
  weights: Record<string, number>;
  routeFile: string;
  logs: string;
  events: string;
}

export interface RunningStack {
  endpoints: StackEndpoints;
  endpointsFile: string;
  /** The supervised stores and the ingress, by name (redis, mongo, ingress). */
  processes: Map<string, Supervisor>;
  deployments: Record<ServiceFolder, Deployment>;
  /** Every supervisor event so far (also appended to endpoints.events as NDJSON). */
  events: SupervisorEvent[];
  /** What to sample for CPU and memory now: the services through their /metrics, the rest from the OS. */
  resourceTargets(): ResourceTarget[];
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
  const eventsFile = path.join(opts.dir, 'events.ndjson');
  const events: SupervisorEvent[] = [];
  const onEvent = (e: SupervisorEvent): void => {
    events.push(e);
    appendFileSync(eventsFile, JSON.stringify(e) + '\n');
    opts.onEvent?.(e);
  };

  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    // Reverse order: the ingress first, stores last, so nothing writes to a store that is gone.
    for (const stop of stops.reverse()) await stop().catch(() => {});
  };
  const processes = new Map<string, Supervisor>();
  const supervise = async (name: string, launch: () => Promise<ManagedProcess>): Promise<Supervisor> => {
    const sup = new Supervisor({ name, launch, onEvent });
    await sup.start();
    processes.set(name, sup);
    stops.push(() => sup.stop());
    return sup;
  };

  try {
    progress('starting redis-server (append-only file on)');
    const redisDir = path.join(opts.dir, 'redis-data');
    mkdirSync(redisDir, { recursive: true });
    let redis: RedisServer | undefined;
    await supervise('redis', async () => {
      if (redis === undefined) redis = await startRedis({ logFile: log('redis'), persistDir: redisDir });
      else await redis.restart();
      return redis.proc;
    });

    progress('starting the MongoDB-wire server');
    const mongo = await startMongo({ logFile: log('mongo'), dataDir: path.join(opts.dir, 'mongo-data') });
    if (mongo.proc !== undefined) {
      // The first start happened above; the supervisor takes over from there.
      let first = true;
      await supervise('mongo', async () => {
        if (!first) await mongo.restart();
        first = false;
        return mongo.proc!;
      });
    }

    const env = { MONGO_DB: mongoDb, ...opts.serviceEnv };
    const replicas = (name: ServiceFolder): { initial: number; max: number } => opts.replicas?.[name] ?? { initial: 1, max: 1 };
    const deployment = async (name: ServiceFolder, serviceEnv: Record<string, string>): Promise<Deployment> => {
      const dep = await Deployment.create({ name, maxReplicas: replicas(name).max, env: { ...env, ...serviceEnv }, logFile: log, onEvent });
      stops.push(() => dep.stop());
      return dep;
    };
    const grpcServer = await deployment('grpc-server', { MONGO_URL: mongo.url });
    const d: Record<ServiceFolder, Deployment> = {
      'grpc-server': grpcServer,
      // Every grpc-server slot, up or not: grpc-client's round_robin uses the ones that are READY.
      'grpc-client': await deployment('grpc-client', { GRPC_SERVER_ADDR: grpcServer.addrs.join(',') }),
      'redis-writer': await deployment('redis-writer', { MONGO_URL: mongo.url, REDIS_URL: redis!.url }),
    };

    progress('starting grpc-server');
    await d['grpc-server'].scale(replicas('grpc-server').initial);
    progress('starting grpc-client and redis-writer');
    await Promise.all([d['grpc-client'].scale(replicas('grpc-client').initial), d['redis-writer'].scale(replicas('redis-writer').initial)]);

    progress(`starting the ingress (weights from ${path.relative(process.cwd(), routeFile)})`);
    const ingressPort = opts.port === 0 ? await freePort() : opts.port;
    await supervise('ingress', () => startIngress({ port: ingressPort, grpc: d['grpc-client'].urls, redis: d['redis-writer'].urls, routeFile, logFile: log('ingress') }));

    const endpoints: StackEndpoints = {
      ingress: `http://127.0.0.1:${ingressPort}`,
      grpcClient: d['grpc-client'].urls[0]!,
      redisWriter: d['redis-writer'].urls[0]!,
      grpcServer: { grpc: d['grpc-server'].addrs[0]!, http: d['grpc-server'].urls[0]! },
      replicas: { 'grpc-server': d['grpc-server'].urls, 'grpc-client': d['grpc-client'].urls, 'redis-writer': d['redis-writer'].urls },
      redisUrl: redis!.url,
      mongoUrl: mongo.url,
      mongoKind: mongo.kind,
      mongoDb,
      weights,
      routeFile,
      logs,
      events: eventsFile,
    };
    const endpointsFile = path.join(opts.dir, 'endpoints.json');
    writeFileSync(endpointsFile, JSON.stringify(endpoints, null, 2) + '\n');
    const resourceTargets = (): ResourceTarget[] => {
      const out: ResourceTarget[] = [...processes].flatMap(([name, sup]) => (sup.pid === undefined ? [] : [{ name, pid: sup.pid }]));
      for (const dep of Object.values(d)) {
        for (const slot of dep.slots) if (slot.supervisor?.pid !== undefined) out.push({ name: slot.name, pid: slot.supervisor.pid, metricsUrl: `http://127.0.0.1:${slot.httpPort}/metrics` });
      }
      return out;
    };
    return { endpoints, endpointsFile, processes, deployments: d, events, resourceTargets, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
