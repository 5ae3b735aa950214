// The stores against the real servers: Debian's redis-server and a MongoDB-wire server
// (MONGO_URL, mongod, or the FerretDB build in .tools/bin).
import t from 'tap';
import { createClient } from 'redis';
import { REDIS_KEYS } from '../contract/stores.js';
import { ConflictError, UnavailableError } from '../service-kit/errors.js';
import { startMongo } from '../stack/mongo.js';
import { startRedis } from '../stack/redis.js';
import { MongoGradeStore } from './mongo-grades.js';
import { RedisAggregates } from './redis-aggregates.js';

const grade = { curso: 'SO1', facultad: 'Ingenieria', carrera: 'Sistemas', region: 'NORTE', nota: 75 };

t.test('MongoGradeStore stores once per id and answers replays with the original result', async (t) => {
  const mongo = await startMongo();
  t.teardown(() => mongo.stop());
  const store = new MongoGradeStore({ url: mongo.url, dbName: `t_${process.pid}_a`, timeoutMs: 2000 });
  t.teardown(() => store.close());

  await store.ping();
  const first = await store.save({ id: 'rec-1', runId: 'run-a', grade, instance: 'i1' }, 'grpc', new Date('2026-01-01T00:00:00Z'));
  t.same(first, { id: 'rec-1', route: 'grpc', receivedAt: '2026-01-01T00:00:00.000Z', replayed: false });

  const again = await store.save({ id: 'rec-1', runId: 'run-a', grade, instance: 'i2' }, 'redis');
  t.same(again, { ...first, replayed: true }, 'a replay returns the first route and time');
  t.equal(await (await store.records()).countDocuments({ _id: 'rec-1' }), 1);

  await t.rejects(store.save({ id: 'rec-1', runId: 'run-a', grade: { ...grade, nota: 10 }, instance: 'i1' }, 'grpc'), ConflictError);
  const doc = await (await store.records()).findOne({ _id: 'rec-1' });
  t.equal(doc?.nota, 75);
  t.equal(doc?.runId, 'run-a');
});

t.test('a second writer on the same database finds the indexes there and still writes', async (t) => {
  // FerretDB v1 closed the connection (a panic) on a createIndexes of several indexes that all existed:
  // every writer but the first hit it on its first write.
  const mongo = await startMongo();
  t.teardown(() => mongo.stop());
  const dbName = `t_${process.pid}_idx`;
  const first = new MongoGradeStore({ url: mongo.url, dbName, timeoutMs: 2000 });
  const second = new MongoGradeStore({ url: mongo.url, dbName, timeoutMs: 2000 });
  t.teardown(() => Promise.all([first.close(), second.close()]));
  await first.save({ id: 'w1', runId: 'run-i', grade, instance: 'a' }, 'grpc');
  t.match(await second.save({ id: 'w2', runId: 'run-i', grade, instance: 'b' }, 'redis'), { id: 'w2', replayed: false });
  const names = (await (await first.records()).indexes()).map((i) => i.name).sort();
  t.same(names, ['_id_', 'runId_route'], 'the contract indexes, once each');
});

t.test('MongoGradeStore turns a dead server into UnavailableError, and recovers', async (t) => {
  const mongo = await startMongo({ ownServer: true });
  t.teardown(() => mongo.stop());
  const store = new MongoGradeStore({ url: mongo.url, dbName: `t_${process.pid}_b`, timeoutMs: 1000 });
  t.teardown(() => store.close());
  await store.save({ id: 'a', runId: 'r', grade, instance: 'i' }, 'grpc');
  await mongo.stop();
  await t.rejects(store.save({ id: 'b', runId: 'r', grade, instance: 'i' }, 'grpc'), UnavailableError);
  await t.rejects(store.ping(), UnavailableError);
  await mongo.restart();
  const ok = await store.save({ id: 'b', runId: 'r', grade, instance: 'i' }, 'grpc');
  t.equal(ok.replayed, false, 'the write lands after the server is back');
});

t.test('RedisAggregates counts each record once, atomically', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const agg = new RedisAggregates({ url: redis.url, timeoutMs: 1000 });
  t.teardown(() => agg.close());
  const reader = createClient({ url: redis.url });
  reader.on('error', () => {}); // it sees the outage below too
  await reader.connect();
  t.teardown(() => (reader.isOpen ? reader.close() : reader.destroy()));

  const rec = (id: string, g: typeof grade | Omit<typeof grade, 'nota'>) => ({ id, runId: 'run-1', route: 'redis', receivedAt: new Date().toISOString(), grade: g });
  await agg.ping();
  t.equal(await agg.apply(rec('x1', grade)), true);
  t.equal(await agg.apply(rec('x1', grade)), false, 'the same id is not counted twice');
  t.equal(await agg.apply(rec('x2', { ...grade, nota: 40 })), true);
  const { nota: _n, ...ungraded } = grade;
  t.equal(await agg.apply(rec('x3', ungraded)), true);

  t.same(await reader.hGetAll(REDIS_KEYS.totals), { records: '3', graded: '2', nota_sum: '115', passed: '1', failed: '1' });
  t.same(await reader.hGetAll(REDIS_KEYS.countBy.curso), { SO1: '3' });
  t.same(await reader.hGetAll(REDIS_KEYS.countBy.region), { NORTE: '3' });
  t.same(await reader.hGetAll(REDIS_KEYS.countBy.facultad), { [grade.facultad]: '3' }, 'each named key got its own argument');
  t.same(await reader.hGetAll(REDIS_KEYS.countBy.carrera), { [grade.carrera]: '3' });
  t.same(await reader.hGetAll(REDIS_KEYS.notaSumByCurso), { SO1: '115' });
  t.same(await reader.hGetAll(REDIS_KEYS.gradedByCurso), { SO1: '2' });
  t.same(await reader.hGetAll(REDIS_KEYS.passedByCurso), { SO1: '1' });
  t.same(await reader.hGetAll(REDIS_KEYS.failedByCurso), { SO1: '1' });
  t.same(await reader.hGetAll(REDIS_KEYS.runs), { 'run-1': '3' });
  t.equal(await reader.xLen(REDIS_KEYS.recent), 3);

  await redis.stop();
  await t.rejects(agg.apply(rec('x4', grade)), UnavailableError, 'a dead Redis fails fast');
  await redis.restart();
  // The restarted server's script cache is empty: node-redis's EVALSHA gets NOSCRIPT and sends EVAL.
  // node-redis reconnects with backoff; wait for it rather than sleeping a fixed time.
  for (let i = 0; i < 50 && !(await agg.ping().then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 100));
  t.equal(await agg.apply(rec('x4', grade)), true, 'counts again once Redis is back');
});

t.test('a Redis that hangs (SIGSTOP) fails the call within the bound, reported as an error, and serves again after', async (t) => {
  // node-redis's own command timeout ends once the command is written; this shows RedisAggregates's bound
  // on the real redis-server.
  const redis = await startRedis();
  t.teardown(async () => {
    redis.proc.child.kill('SIGCONT');
    await redis.stop();
  });
  const seen: string[] = [];
  const agg = new RedisAggregates({ url: redis.url, timeoutMs: 500, observe: (op, ok) => seen.push(`${op}:${ok ? 'ok' : 'error'}`) });
  t.teardown(() => agg.close());
  await agg.ping();
  redis.proc.child.kill('SIGSTOP');
  await t.rejects(agg.run('mark_pending', (c) => c.zAdd(REDIS_KEYS.pending, { score: 1, value: 'hung' })), UnavailableError, 'the marker write fails, not hangs');
  await t.rejects(agg.ping(), UnavailableError, 'so does a ping');
  t.same(seen.slice(-2), ['mark_pending:error', 'ping:error'], 'both reported as store errors');
  redis.proc.child.kill('SIGCONT');
  await agg.ping();
  t.equal(seen.at(-1), 'ping:ok', 'Redis answers again once it runs');
});
