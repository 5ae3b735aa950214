// The three services as real processes over real HTTP and gRPC, writing a real redis-server and a
// real MongoDB-wire server. Each test says what a user of the contract relies on.
import t from 'tap';
import fc from 'fast-check';
import * as grpc from '@grpc/grpc-js';
import { REDIS_KEYS } from '../contract/stores.js';
import { loadProtos } from '../proto/load.js';
import { BAD_REQUESTS } from './bad-requests.js';
import { FULL_RECORD, SEED_EXAMPLE, postCourse, startCluster } from './cluster.js';

const cluster = await startCluster();
t.teardown(() => cluster.stop());
const rest = [
  { name: 'grpc-client', route: 'grpc', svc: cluster.grpcClient },
  { name: 'redis-writer', route: 'redis', svc: cluster.redisWriter },
] as const;
const JSON_CT = { 'content-type': 'application/json' };
const waitFor = async (check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};
const readyStatus = async (baseUrl: string): Promise<number> => (await fetch(`${baseUrl}/readyz`)).status;

t.test("the seed's curl example gets 201 from both routes, with route and instance headers", async (t) => {
  for (const { name, route, svc } of rest) {
    const res = await postCourse(svc.baseUrl, JSON.stringify(SEED_EXAMPLE));
    t.equal(res.status, 201, `${name} ${JSON.stringify(res.body)}`);
    t.equal(res.headers.get('x-route'), route);
    t.match(res.headers.get('x-instance'), new RegExp(`^${name}-`));
    t.match(res.body, { id: /^[0-9a-f-]{36}$/, route, receivedAt: /^\d{4}-\d\d-\d\dT/ });
    const doc = await cluster.grades().findOne({ _id: res.body.id as string });
    t.match(doc, { ...SEED_EXAMPLE, route, runId: 'none' }, `${name}: stored in MongoDB`);
  }
});

t.test('a record posted to redis-writer is in MongoDB and counted in Redis; grpc-client writes MongoDB only', async (t) => {
  const runId = 'run-count';
  const before = Number((await cluster.redisClient.hGet(REDIS_KEYS.totals, 'records')) ?? 0);
  const a = await postCourse(cluster.grpcClient.baseUrl, JSON.stringify(FULL_RECORD), { ...JSON_CT, 'x-run-id': runId, 'idempotency-key': 'count-a' });
  const b = await postCourse(cluster.redisWriter.baseUrl, JSON.stringify(FULL_RECORD), { ...JSON_CT, 'x-run-id': runId, 'idempotency-key': 'count-b' });
  t.equal(a.status, 201);
  t.equal(b.status, 201);
  t.same(a.body.id, 'count-a', 'the Idempotency-Key becomes the record id');
  t.match(await cluster.grades().findOne({ _id: 'count-a' }), { route: 'grpc', runId, nota: 87, carnet: '201900001' });
  t.match(await cluster.grades().findOne({ _id: 'count-b' }), { route: 'redis', runId, nota: 87 });
  t.equal(Number(await cluster.redisClient.hGet(REDIS_KEYS.totals, 'records')), before + 1, 'only route B counts in Redis');
  t.equal(await cluster.redisClient.zScore(REDIS_KEYS.pending, 'count-b'), null, "route B's pending marker went with the count");
  t.equal(await cluster.redisClient.hGet(REDIS_KEYS.runs, runId), '1');
  t.equal(await cluster.redisClient.hGet(REDIS_KEYS.passedByCurso, 'SO1'), '1');
});

t.test('a replay with the same Idempotency-Key returns the original result and changes nothing', async (t) => {
  for (const { name, svc } of rest) {
    const headers = { ...JSON_CT, 'idempotency-key': `replay-${name}`, 'x-run-id': 'run-replay' };
    const first = await postCourse(svc.baseUrl, JSON.stringify(FULL_RECORD), headers);
    const totalsBefore = await cluster.redisClient.hGetAll(REDIS_KEYS.totals);
    const second = await postCourse(svc.baseUrl, JSON.stringify(FULL_RECORD), headers);
    t.equal(first.status, 201, name);
    t.equal(second.status, 200, `${name}: replay answers 200`);
    t.equal(second.headers.get('idempotency-replayed'), 'true');
    t.same(second.body, first.body, `${name}: same id, route and receivedAt`);
    t.equal(await cluster.grades().countDocuments({ _id: `replay-${name}` }), 1);
    t.same(await cluster.redisClient.hGetAll(REDIS_KEYS.totals), totalsBefore, `${name}: Redis unchanged`);
  }
  // Cross-route replay: stored by route A, replayed through route B: route B must not count it.
  const totalsBefore = await cluster.redisClient.hGetAll(REDIS_KEYS.totals);
  const cross = await postCourse(cluster.redisWriter.baseUrl, JSON.stringify(FULL_RECORD), { ...JSON_CT, 'idempotency-key': 'replay-grpc-client', 'x-run-id': 'run-replay' });
  t.equal(cross.status, 200);
  t.equal(cross.body.route, 'grpc', 'the original route is reported');
  t.same(await cluster.redisClient.hGetAll(REDIS_KEYS.totals), totalsBefore);
  t.equal(await cluster.redisClient.zScore(REDIS_KEYS.pending, 'replay-grpc-client'), null, 'the pending marker of a route-A record is removed, not left to the sweeper');
});

t.test('reusing an Idempotency-Key for a different record is a 409 on both routes', async (t) => {
  for (const { name, svc } of rest) {
    const headers = { ...JSON_CT, 'idempotency-key': `conflict-${name}` };
    t.equal((await postCourse(svc.baseUrl, JSON.stringify(FULL_RECORD), headers)).status, 201);
    const res = await postCourse(svc.baseUrl, JSON.stringify({ ...FULL_RECORD, nota: 12 }), headers);
    t.equal(res.status, 409, name);
    t.equal(res.body.error, 'idempotency_conflict');
    t.equal((await cluster.grades().findOne({ _id: `conflict-${name}` }))?.nota, 87, 'the first record stays');
  }
});

t.test(`${BAD_REQUESTS.length} bad requests get a clear 4xx from each REST service and store nothing`, async (t) => {
  t.ok(BAD_REQUESTS.length >= 30, 'at least 30 cases');
  for (const { name, svc } of rest) {
    const storedBefore = await cluster.grades().countDocuments();
    const redisBefore = await cluster.redisClient.hGetAll(REDIS_KEYS.totals);
    for (const bad of BAD_REQUESTS) {
      const res = await postCourse(svc.baseUrl, bad.body, bad.headers ?? JSON_CT, bad.method ?? 'POST', bad.path ?? '/course');
      t.equal(res.status, bad.status, `${name}: ${bad.name} -> ${bad.status}`);
      if (bad.method !== 'HEAD') t.equal(res.body.error, bad.error, `${name}: ${bad.name} names the problem`);
      t.type(res.body.message, 'string');
      if (bad.field) {
        const fields = (res.body.fields as { field: string }[] | undefined) ?? [];
        t.ok(fields.some((f) => f.field === bad.field), `${name}: ${bad.name} lists field ${bad.field}`);
      }
    }
    t.equal(await cluster.grades().countDocuments(), storedBefore, `${name}: nothing stored`);
    t.same(await cluster.redisClient.hGetAll(REDIS_KEYS.totals), redisBefore, `${name}: nothing counted`);
    t.equal(svc.proc.child.exitCode, null, `${name}: still running`);
  }
});

t.test('random bodies never produce a 5xx (property-based)', async (t) => {
  const fieldNames = ['curso', 'facultad', 'carrera', 'region', 'carnet', 'nombre', 'nota', 'semestre', 'year', '$set', 'a.b', '__proto__', 'x'];
  const body = fc.oneof(
    fc.jsonValue(),
    fc.dictionary(fc.constantFrom(...fieldNames), fc.jsonValue(), { maxKeys: 12 }),
    fc.record({ curso: fc.string(), facultad: fc.string(), carrera: fc.string(), region: fc.string(), nota: fc.oneof(fc.integer(), fc.double(), fc.string()) }),
  );
  for (const { name, svc } of rest) {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(body, fc.option(fc.string({ maxLength: 200 })), async (value, key) => {
        const headers: Record<string, string> = { ...JSON_CT };
        if (key !== null && /^[\x20-\x7e]*$/.test(key) && key.trim() === key && key !== '') headers['idempotency-key'] = key;
        const res = await postCourse(svc.baseUrl, JSON.stringify(value) ?? 'null', headers);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        return res.status < 500;
      }),
      { numRuns: 150, seed: 42 },
    );
    t.pass(`${name}: statuses seen ${JSON.stringify(Object.fromEntries(statuses))}`);
    t.ok([...statuses.keys()].some((s) => s === 400), `${name}: the generator does reach validation errors`);
  }
});

t.test('grpc-server speaks gRPC: statuses for bad records, health SERVING', async (t) => {
  const protos = loadProtos();
  const addr = `127.0.0.1:${cluster.grpcServer.port}`;
  const client = new protos.grades.grades.v1.GradeService(addr, grpc.credentials.createInsecure());
  const health = new protos.health.grpc.health.v1.Health(addr, grpc.credentials.createInsecure());
  t.teardown(() => {
    client.close();
    health.close();
  });
  const deadline = () => ({ deadline: Date.now() + 3000 });
  const status = await new Promise<string | undefined>((resolve, reject) =>
    health.Check({ service: 'grades.v1.GradeService' }, deadline(), (err, res) => (err ? reject(err) : resolve(res?.status))),
  );
  t.equal(status, 'SERVING');
  const err = await new Promise<grpc.ServiceError | null>((resolve) =>
    client.SubmitGrade({ id: 'g1', run_id: 'r', grade: { curso: 'SO1', facultad: '', carrera: 'C', region: 'R', nota: 500 } }, deadline(), (e) => resolve(e)),
  );
  t.equal(err?.code, grpc.status.INVALID_ARGUMENT);
  t.match(err?.details, /grade\.facultad/);
  t.match(err?.details, /grade\.nota/);
  const ok = await new Promise<{ id?: string; replayed?: boolean }>((resolve, reject) =>
    client.SubmitGrade({ id: 'g2', run_id: 'r', grade: { curso: 'SO1', facultad: 'F', carrera: 'C', region: 'R', nota: 70 }, instance: 't' }, deadline(), (e, res) => (e ? reject(e) : resolve(res ?? {}))),
  );
  t.match(ok, { id: 'g2', replayed: false });
  const missingDeadline = await new Promise<grpc.ServiceError | null>((resolve) =>
    client.SubmitGrade({ id: 'g3', run_id: 'r', grade: { curso: 'SO1', facultad: 'F', carrera: 'C', region: 'R' } }, { deadline: Date.now() - 1 }, (e) => resolve(e)),
  );
  t.equal(missingDeadline?.code, grpc.status.DEADLINE_EXCEEDED, 'an expired deadline is DEADLINE_EXCEEDED');
});

t.test('Redis down: redis-writer answers 503 + Retry-After, stores nothing, and is not ready; recovers; the retry counts once', async (t) => {
  const headers = { ...JSON_CT, 'idempotency-key': 'outage-redis-1', 'x-run-id': 'run-outage' };
  await cluster.redis.stop();
  const res = await postCourse(cluster.redisWriter.baseUrl, JSON.stringify(FULL_RECORD), headers);
  t.equal(res.status, 503);
  t.equal(res.headers.get('retry-after'), '1');
  t.match(res.body.message, /Redis/);
  t.equal(await readyStatus(cluster.redisWriter.baseUrl), 503, 'readiness turns 503');
  // The pending marker goes to Redis before anything to MongoDB: with Redis down nothing is stored.
  t.equal(await cluster.grades().countDocuments({ _id: 'outage-redis-1' }), 0, 'nothing stored: the marker write failed first');
  t.equal((await postCourse(cluster.grpcClient.baseUrl, JSON.stringify(FULL_RECORD))).status, 201, 'route A does not depend on Redis');

  await cluster.redis.restart();
  await waitFor(async () => (await readyStatus(cluster.redisWriter.baseUrl)) === 200, 'redis-writer ready again');
  // The first attempt stored nothing: the retry is the first write, and counts once.
  const retry = await postCourse(cluster.redisWriter.baseUrl, JSON.stringify(FULL_RECORD), headers);
  t.equal(retry.status, 201, 'the retry stores the record');
  t.equal(await cluster.redisClient.hGet(REDIS_KEYS.runs, 'run-outage'), '1', 'counted once');
  const again = await postCourse(cluster.redisWriter.baseUrl, JSON.stringify(FULL_RECORD), headers);
  t.equal(again.status, 200);
  t.equal(await cluster.redisClient.hGet(REDIS_KEYS.runs, 'run-outage'), '1', 'still once after another replay');
});

t.test('MongoDB down: both routes answer 503 and not-ready; both recover', async (t) => {
  await cluster.mongo.stop();
  for (const { name, svc } of rest) {
    const res = await postCourse(svc.baseUrl, JSON.stringify(SEED_EXAMPLE), { ...JSON_CT, 'idempotency-key': `outage-mongo-${name}` });
    t.equal(res.status, 503, `${name}: 503 while MongoDB is down`);
    t.equal(res.headers.get('retry-after'), '1');
  }
  await waitFor(async () => (await readyStatus(cluster.grpcClient.baseUrl)) === 503, 'grpc-client not ready (grpc-server health NOT_SERVING)');
  t.equal(await readyStatus(cluster.grpcServer.baseUrl), 503, 'grpc-server not ready');
  t.equal(await readyStatus(cluster.redisWriter.baseUrl), 503, 'redis-writer not ready');

  await cluster.mongo.restart();
  for (const { name, svc } of rest) {
    await waitFor(async () => (await readyStatus(svc.baseUrl)) === 200, `${name} ready again`, 30_000);
    const res = await postCourse(svc.baseUrl, JSON.stringify(SEED_EXAMPLE), { ...JSON_CT, 'idempotency-key': `outage-mongo-${name}` });
    t.equal(res.status, 201, `${name}: the same write lands after recovery`);
  }
});

t.test('grpc-server down: grpc-client answers 503 and not-ready, then recovers', async (t) => {
  // Stop grpc-server and start a new one on the same port, as a restarted pod would be.
  const { startService } = await import('../stack/services.js');
  const port = cluster.grpcServer.port;
  await cluster.grpcServer.stop();
  const res = await postCourse(cluster.grpcClient.baseUrl, JSON.stringify(SEED_EXAMPLE));
  t.equal(res.status, 503);
  t.match(res.body.message, /grpc-server unavailable/);
  t.equal(await readyStatus(cluster.grpcClient.baseUrl), 503);
  cluster.grpcServer = await startService('grpc-server', {
    env: { MONGO_URL: cluster.mongo.url, MONGO_DB: cluster.dbName, PORT: String(port), MONGO_TIMEOUT_MS: '1000' },
  });
  await waitFor(async () => (await readyStatus(cluster.grpcClient.baseUrl)) === 200, 'grpc-client ready again', 30_000);
  t.equal((await postCourse(cluster.grpcClient.baseUrl, JSON.stringify(SEED_EXAMPLE))).status, 201);
});

/** True when the exposition text has a sample of `name` carrying all `labels` (in any order). */
function hasSeries(text: string, name: string, labels: Record<string, string>): boolean {
  return text.split('\n').some((line) => {
    if (!line.startsWith(name + '{')) return false;
    return Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
  });
}

t.test('metrics: request histograms by path and status, store and gRPC durations, process metrics', async (t) => {
  for (const { name, route, svc } of rest) {
    const text = await (await fetch(`${svc.baseUrl}/metrics`)).text();
    t.ok(hasSeries(text, 'splitbench_http_request_duration_seconds_count', { service: name, route, path: '/course', status: '201' }), `${name}: request histogram`);
    t.ok(hasSeries(text, 'splitbench_http_request_duration_seconds_count', { path: '/course', status: '400' }), `${name}: 400s counted`);
    t.ok(hasSeries(text, 'process_cpu_seconds_total', { service: name }), `${name}: process metrics`);
    t.ok(hasSeries(text, 'splitbench_records_total', { outcome: 'invalid' }), `${name}: invalid records counted`);
  }
  const server = await (await fetch(`${cluster.grpcServer.baseUrl}/metrics`)).text();
  t.ok(hasSeries(server, 'splitbench_store_operation_duration_seconds_count', { store: 'mongodb', operation: 'insert', outcome: 'ok' }), 'grpc-server: mongo insert latency');
  t.ok(hasSeries(server, 'splitbench_grpc_server_duration_seconds_count', { method: 'SubmitGrade', code: 'OK' }), 'grpc-server: call latency by code');
  const client = await (await fetch(`${cluster.grpcClient.baseUrl}/metrics`)).text();
  t.ok(hasSeries(client, 'splitbench_grpc_client_duration_seconds_count', { method: 'SubmitGrade', code: 'OK' }), 'grpc-client: upstream latency');
  t.ok(hasSeries(client, 'splitbench_grpc_client_duration_seconds_count', { method: 'SubmitGrade', code: 'UNAVAILABLE' }), 'grpc-client: failed calls by code');
  const writer = await (await fetch(`${cluster.redisWriter.baseUrl}/metrics`)).text();
  t.ok(hasSeries(writer, 'splitbench_store_operation_duration_seconds_count', { store: 'redis', operation: 'apply', outcome: 'ok' }), 'redis-writer: redis latency');
  // The Redis outage above failed each write at its first Redis call, the pending marker.
  t.ok(hasSeries(writer, 'splitbench_store_operation_duration_seconds_count', { store: 'redis', operation: 'mark_pending', outcome: 'error' }), 'redis-writer: failed redis calls');
});
