// Start order and store restarts, on the real parts: redis-server (Debian), the MongoDB-wire server
// (stack/mongo.ts), the three services as processes over real HTTP and gRPC. Kubernetes starts pods in
// no order: a service must serve within seconds of its stores becoming reachable, whenever that is.
// The bounds below are how long the test waits before calling it broken, not speed thresholds.
import t, { type Test } from 'tap';
import { MongoClient } from 'mongodb';
import { createClient } from 'redis';
import { GRADES_COLLECTION, REDIS_KEYS } from '../contract/stores.js';
import { startMongo } from '../stack/mongo.js';
import { startRedis } from '../stack/redis.js';
import { startService, type RunningService } from '../stack/services.js';
import { FULL_RECORD, postCourse } from './cluster.js';

const JSON_CT = { 'content-type': 'application/json' };
/** How long a service may take to serve once its stores are up before the test calls it stuck. */
const SERVE_WITHIN_MS = 30_000;
const TIMEOUTS = { MONGO_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '3000', GRPC_DEADLINE_MS: '2000', LOG_LEVEL: 'warn' };

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** Stores whose URLs are known but that are not running: started once for a port, then stopped. */
async function storesDown(t: Test) {
  const [redis, mongo] = await Promise.all([startRedis(), startMongo({ ownServer: true })]);
  t.teardown(async () => {
    await Promise.allSettled([redis.stop(), mongo.stop()]);
  });
  await Promise.all([redis.stop(), mongo.stop()]);
  return { redis, mongo };
}

async function services(t: Test, mongoUrl: string, redisUrl: string, dbName: string) {
  const grpcServer = await startService('grpc-server', { env: { MONGO_URL: mongoUrl, MONGO_DB: dbName, ...TIMEOUTS } });
  const [grpcClient, redisWriter] = await Promise.all([
    startService('grpc-client', { env: { GRPC_SERVER_ADDR: `127.0.0.1:${grpcServer.port}`, ...TIMEOUTS } }),
    startService('redis-writer', { env: { MONGO_URL: mongoUrl, MONGO_DB: dbName, REDIS_URL: redisUrl, ...TIMEOUTS } }),
  ]);
  t.teardown(async () => {
    await Promise.allSettled([grpcClient.stop(), redisWriter.stop()]);
    await grpcServer.stop();
  });
  return { grpcServer, grpcClient, redisWriter };
}

/** Plain clients that read the stores to prove the writes (not the services' own). */
async function readers(t: Test, mongoUrl: string, redisUrl: string) {
  const mongoClient = new MongoClient(mongoUrl);
  const redisClient = createClient({ url: redisUrl });
  t.teardown(async () => {
    await mongoClient.close();
    redisClient.destroy();
  });
  await redisClient.connect();
  return { mongoClient, redisClient };
}

const post = (svc: RunningService, id: string, runId: string) => postCourse(svc.baseUrl, JSON.stringify(FULL_RECORD), { ...JSON_CT, 'idempotency-key': id, 'x-run-id': runId });

t.test('services started before their stores serve writes once the stores come up, without a restart', async (t) => {
  const { redis, mongo } = await storesDown(t);
  const dbName = `order_${process.pid}`;
  const svc = await services(t, mongo.url, redis.url, dbName);

  // Before the stores: not ready, and saying which store and why; writes get 503 + Retry-After, never 2xx.
  for (const s of [svc.grpcClient, svc.redisWriter]) {
    const ready = await fetch(`${s.baseUrl}/readyz`);
    t.equal(ready.status, 503, `${s.name} not ready while its stores are down`);
    const answer = await post(s, `early-${s.name}`, 'order-run');
    t.equal(answer.status, 503, `${s.name}: a write before the stores is 503 (${JSON.stringify(answer.body)})`);
    t.ok(answer.headers.get('retry-after'), 'with Retry-After');
  }
  const serverReady = (await (await fetch(`${svc.grpcServer.baseUrl}/readyz`)).json()) as { problems?: string[] };
  t.match(serverReady.problems?.join(' '), /MongoDB/, 'grpc-server names MongoDB as the problem');
  // Long enough for every client's first connect to have failed (the driver's case that used to stick).
  await new Promise((r) => setTimeout(r, 2500));

  await Promise.all([redis.restart(), mongo.restart()]);
  const stores = Date.now();
  for (const s of [svc.grpcClient, svc.redisWriter]) {
    let n = 0;
    const served = await until(async () => (await post(s, `late-${s.name}-${n++}`, 'order-run')).status === 201, SERVE_WITHIN_MS);
    t.ok(served, `${s.name} answers 201 after its stores came up (${Date.now() - stores} ms after)`);
    t.ok(await until(async () => (await fetch(`${s.baseUrl}/readyz`)).status === 200, SERVE_WITHIN_MS), `${s.name} ready`);
  }

  // Proven in the stores, not by the services' answers.
  const { mongoClient, redisClient } = await readers(t, mongo.url, redis.url);
  const grades = mongoClient.db(dbName).collection(GRADES_COLLECTION);
  t.ok((await grades.countDocuments({ route: 'grpc' })) >= 1, 'route A stored its write');
  const routeB = await grades.countDocuments({ route: 'redis' });
  t.ok(routeB >= 1, 'route B stored its write');
  t.ok(await until(async () => Number(await redisClient.hGet(REDIS_KEYS.runs, 'order-run')) === routeB, 10_000), 'and counted each route-B record in Redis once');
});

t.test('MongoDB killed and restarted under load: nothing acknowledged is lost, the stores agree', async (t) => {
  const [redis, mongo] = await Promise.all([startRedis(), startMongo({ ownServer: true })]);
  t.teardown(async () => {
    await Promise.allSettled([redis.stop(), mongo.stop()]);
  });
  const dbName = `restart_${process.pid}`;
  const svc = await services(t, mongo.url, redis.url, dbName);
  const runId = 'mongo-restart';
  const acked = new Set<string>();
  let stop = false;
  // Each writer retries its record with the same Idempotency-Key until it is acknowledged, as k6 does.
  const writer = async (s: RunningService, prefix: string): Promise<void> => {
    for (let i = 0; !stop; i++) {
      const id = `${prefix}-${i}`;
      for (let attempt = 0; attempt < 200; attempt++) {
        const a = await post(s, id, runId).catch(() => ({ status: 0 }));
        if (a.status === 201 || a.status === 200) {
          acked.add(id);
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const load = Promise.all([writer(svc.grpcClient, 'a'), writer(svc.redisWriter, 'b')]);
  await new Promise((r) => setTimeout(r, 1500));
  mongo.proc?.child.kill('SIGKILL');
  await mongo.proc?.exited;
  await new Promise((r) => setTimeout(r, 1500));
  await mongo.restart();
  const restarted = Date.now();
  const before = acked.size;
  t.ok(await until(async () => acked.size > before + 10, SERVE_WITHIN_MS), `writes are acknowledged again after the restart (${Date.now() - restarted} ms)`);
  stop = true;
  await load;

  const { mongoClient, redisClient } = await readers(t, mongo.url, redis.url);
  const grades = mongoClient.db(dbName).collection<{ _id: string; route: string }>(GRADES_COLLECTION);
  const stored = new Set((await grades.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
  const lost = [...acked].filter((id) => !stored.has(id));
  t.same(lost, [], `every one of ${acked.size} acknowledged writes is in MongoDB`);
  const routeB = await grades.countDocuments({ route: 'redis' });
  t.ok(await until(async () => Number(await redisClient.hGet(REDIS_KEYS.runs, runId)) === routeB, 20_000), `Redis counts each of route B's ${routeB} records once (the sweeper finishes what a failed request left)`);
});
