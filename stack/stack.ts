/**
 * The local stack: real Redis (AOF), a MongoDB-wire server, grpc-server, grpc-client and redis-writer
 * (each 1..N supervised replicas on fixed ports) and Envoy as the ingress, each its own process on ports
 * picked at start (two stacks can run side by side), logs in files, an endpoints JSON for people and
 * tools, every process start, exit and restart as an event, and one stop() that ends them all.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MONGO_DB_DEFAULT } from '../contract/stores.js';
import { SPLIT_ROUTE_FILE, readSplit, routeFractions, routeWeights } from '../linkerd/split.js';
import { ROUTE_SERVICE, ROUTES, type RouteName } from '../contract/routes.js';
import { Deployment } from './deployment.js';
import { EnvoyIngress } from './envoy.js';
import { startMongo } from './mongo.js';
import { freePort } from './ports.js';
import { startRedis, type RedisServer } from './redis.js';
import type { ServiceFolder } from './services.js';
import type { ManagedProcess } from './process.js';
import type { ResourceTarget } from './resources.js';
import { Supervisor, type SupervisorEvent } from './supervisor.js';
import { startToxiproxy, type ToxiproxyLink } from './toxiproxy.js';
import type { FaultLink } from '../faults/plan.js';
import { redactDeep } from '../service-kit/secrets.js';

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
  /**
   * Links to put through Toxiproxy so a fault plan can slow, cut or reset them (faults/plan.ts
   * FAULT_LINKS). Only these: a proxy hop costs CPU and latency (bench/toxiproxy-hop.ts measures it).
   */
  links?: readonly FaultLink[];
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
  /** Envoy's admin: /stats/prometheus (its counters and histograms), /clusters, /config_dump. */
  ingressAdmin: string;
  routeFile: string;
  logs: string;
  events: string;
}

export interface RunningStack {
  endpoints: StackEndpoints;
  endpointsFile: string;
  /** The supervised stores and the ingress, by name (redis, mongo, ingress). */
  processes: Map<string, Supervisor>;
  /** The ingress: its weights change with setWeights, without a restart (Envoy reads them over xDS). */
  ingress: EnvoyIngress;
  deployments: Record<ServiceFolder, Deployment>;
  /** Every supervisor event so far (also appended to endpoints.events as NDJSON). */
  events: SupervisorEvent[];
  /** What to sample for CPU and memory now: the services through their /metrics, the rest from the OS. */
  resourceTargets(): ResourceTarget[];
  /** The proxies of a link put through Toxiproxy (one per server replica); empty for any other link. */
  links(link: FaultLink): ToxiproxyLink[];
  stop(): Promise<void>;
}

export async function startStack(opts: StackOptions): Promise<RunningStack> {
  const progress = opts.onProgress ?? (() => {});
  const logs = path.join(opts.dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const log = (name: string): string => path.join(logs, `${name}.log`);
  const routeFile = opts.routeFile ?? SPLIT_ROUTE_FILE;
  const split = readSplit(routeFile);
  const weights = routeFractions(split);
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

    // Links a fault plan breaks go through Toxiproxy: the client is given the proxy's address instead of
    // the server's. One proxy per server address (a replica's port, a store's).
    const proxied = new Map<FaultLink, ToxiproxyLink[]>();
    const wanted = new Set(opts.links ?? []);
    const toxiproxy = wanted.size > 0 ? await startToxiproxy({ logFile: log('toxiproxy'), logLevel: 'warn' }) : undefined;
    if (toxiproxy) stops.push(() => toxiproxy.stop());
    /** host:port the client `link` names should use for `upstream` (host:port). */
    const via = async (link: FaultLink, upstream: string): Promise<string> => {
      if (!toxiproxy || !wanted.has(link)) return upstream;
      const name = `${link}#${(proxied.get(link) ?? []).length + 1}`;
      const listen = await toxiproxy.client.createProxy(name, upstream);
      proxied.set(link, [...(proxied.get(link) ?? []), toxiproxy.client.proxy(name)]);
      return listen;
    };
    const viaUrl = async (link: FaultLink, url: string): Promise<string> => {
      const u = new URL(url);
      const [host, port] = (await via(link, u.host)).split(':');
      u.hostname = host!;
      u.port = port!;
      return u.toString();
    };

    const env = { MONGO_DB: mongoDb, ...opts.serviceEnv };
    const replicas = (name: ServiceFolder): { initial: number; max: number } => opts.replicas?.[name] ?? { initial: 1, max: 1 };
    // The ingress is created once the routes' first replicas are up; until then nothing listens to endpoints.
    const late: { ingress?: EnvoyIngress } = {};
    const routeOf = (name: ServiceFolder): RouteName | undefined => ROUTES.find((r) => ROUTE_SERVICE[r] === name);
    const deployment = async (name: ServiceFolder, serviceEnv: Record<string, string>): Promise<Deployment> => {
      const route = routeOf(name);
      const onEndpoints = route === undefined ? undefined : (urls: string[]): void => late.ingress?.setEndpoints(route, urls);
      const dep = await Deployment.create({ name, maxReplicas: replicas(name).max, env: { ...env, ...serviceEnv }, logFile: log, onEvent, ...(onEndpoints ? { onEndpoints } : {}) });
      stops.push(() => dep.stop());
      return dep;
    };
    const grpcServer = await deployment('grpc-server', { MONGO_URL: await viaUrl('grpc-server->mongo', mongo.url) });
    const grpcServerAddrs: string[] = [];
    for (const addr of grpcServer.addrs) grpcServerAddrs.push(await via('grpc-client->grpc-server', addr));
    const d: Record<ServiceFolder, Deployment> = {
      'grpc-server': grpcServer,
      // Every grpc-server slot, up or not: grpc-client's round_robin uses the ones that are READY.
      'grpc-client': await deployment('grpc-client', { GRPC_SERVER_ADDR: grpcServerAddrs.join(',') }),
      'redis-writer': await deployment('redis-writer', { MONGO_URL: await viaUrl('redis-writer->mongo', mongo.url), REDIS_URL: await viaUrl('redis-writer->redis', redis!.url) }),
    };

    progress('starting grpc-server');
    await d['grpc-server'].scale(replicas('grpc-server').initial);
    progress('starting grpc-client and redis-writer');
    await Promise.all([d['grpc-client'].scale(replicas('grpc-client').initial), d['redis-writer'].scale(replicas('redis-writer').initial)]);

    progress(`starting Envoy as the ingress (weights from ${path.relative(process.cwd(), routeFile)})`);
    const ingressPort = opts.port === 0 ? await freePort() : opts.port;
    const envoy = await EnvoyIngress.create({
      port: ingressPort,
      dir: path.join(opts.dir, 'envoy'),
      weights: routeWeights(split),
      endpoints: { grpc: d['grpc-client'].endpoints, redis: d['redis-writer'].endpoints },
      logFile: log('ingress'),
    });
    late.ingress = envoy;
    await supervise('ingress', () => envoy.start());

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
      ingressAdmin: envoy.adminUrl,
      routeFile,
      logs,
      events: eventsFile,
    };
    const endpointsFile = path.join(opts.dir, 'endpoints.json');
    // An external MONGO_URL may carry a password: never into a run's files (service-kit/secrets.ts).
    writeFileSync(endpointsFile, JSON.stringify(redactDeep(endpoints), null, 2) + '\n');
    const resourceTargets = (): ResourceTarget[] => {
      const out: ResourceTarget[] = [...processes].flatMap(([name, sup]) => (sup.pid === undefined ? [] : [{ name, pid: sup.pid }]));
      // Its CPU is the price of the proxied links: counted with the stack's, shown on its own.
      if (toxiproxy?.proc.child.pid !== undefined) out.push({ name: 'toxiproxy', pid: toxiproxy.proc.child.pid });
      for (const dep of Object.values(d)) {
        for (const slot of dep.slots) if (slot.supervisor?.pid !== undefined) out.push({ name: slot.name, pid: slot.supervisor.pid, metricsUrl: `http://127.0.0.1:${slot.httpPort}/metrics` });
      }
      return out;
    };
    return { endpoints, endpointsFile, processes, ingress: envoy, deployments: d, events, resourceTargets, links: (link) => proxied.get(link) ?? [], stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
