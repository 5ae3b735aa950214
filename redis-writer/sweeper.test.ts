// Route B converges without a client retry: the sweeper against real stores (Debian's redis-server and
// the MongoDB-wire server), with records and markers left the way a crash at each step leaves them.
// The steps of a write (service.ts): marker into Redis, record into MongoDB, the script that counts and
// removes the marker.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { createClient } from 'redis';
import { REDIS_KEYS } from '../contract/stores.js';
import { createLogger } from '../service-kit/logger.js';
import { startMongo } from '../stack/mongo.js';
import { startRedis, type StartRedisOptions } from '../stack/redis.js';
import { MongoGradeStore } from '../stores/mongo-grades.js';
import { PendingCounts } from '../stores/pending-counts.js';
import { RedisAggregates } from '../stores/redis-aggregates.js';
import { CountSweeper, ORPHAN_MS } from './sweeper.js';

const grade = { curso: 'SO1', facultad: 'Ingenieria', carrera: 'Sistemas', region: 'NORTE', nota: 75 };
const logger = createLogger({ service: 'test', level: 'error' });

async function stores(t: Test, name: string, opts: { redisTimeoutMs?: number; redis?: StartRedisOptions } = {}) {
  const [redis, mongo] = await Promise.all([startRedis(opts.redis), startMongo()]);
  const dbName = `t_${process.pid}_${name}`;
  const store = new MongoGradeStore({ url: mongo.url, dbName, timeoutMs: 2000 });
  const agg = new RedisAggregates({ url: redis.url, timeoutMs: opts.redisTimeoutMs ?? 2000 });
  const reader = createClient({ url: redis.url });
  reader.on('error', () => {});
  await reader.connect();
  /** Another redis-writer replica: clients of its own to the same stores. */
  const replica = () => {
    const s = new MongoGradeStore({ url: mongo.url, dbName, timeoutMs: 2000 });
    const a = new RedisAggregates({ url: redis.url, timeoutMs: 2000 });
    t.teardown(() => Promise.allSettled([s.close(), a.close()]));
    return { agg: a, pending: new PendingCounts(a, s) };
  };
  t.teardown(async () => {
    await Promise.allSettled([store.close(), agg.close(), reader.isOpen ? reader.close() : Promise.resolve(reader.destroy())]);
    await Promise.allSettled([redis.stop(), mongo.stop()]);
  });
  const markerIds = async () => (await reader.zRange(REDIS_KEYS.pending, 0, -1)).sort();
  return { redis, store, agg, reader, pending: new PendingCounts(agg, store), replica, markerIds };
}

t.test('records left uncounted are counted once, whichever step was interrupted', async (t) => {
  const { store, agg, reader, pending, markerIds } = await stores(t, 'sweep');
  let clock = Date.now();
  const sweeper = new CountSweeper({ pending, redis: agg, logger, settleMs: 10_000, now: () => clock });
  const write = async (id: string, route = 'redis') => {
    await pending.mark(id, new Date(clock));
    return store.save({ id, runId: 'sweep-run', grade, instance: 'i' }, route, new Date(clock));
  };

  await write('p1'); // crash after the insert, before the script
  const p2 = await write('p2'); // the whole write: the script counts and removes the marker in one step
  await agg.apply({ id: 'p2', runId: 'sweep-run', route: 'redis', receivedAt: p2.receivedAt, grade });
  t.equal(await reader.zScore(REDIS_KEYS.pending, 'p2'), null, "the script removed p2's marker with its count");
  await pending.mark('p2', new Date(clock)); // a replay of p2 that crashed after its marker: stored, counted, marked
  await pending.mark('p4', new Date(clock)); // crash between the marker and the insert
  await write('p5', 'grpc'); // a route-A record a retry replayed through route B (crash before its marker went)
  clock += 20_000;
  await write('p3'); // a request still in flight: too young to sweep

  t.equal(await sweeper.sweepOnce(), 1, 'p1 counted now; p2 was already (the script is a no-op but removes the marker); p3 is left to its request');
  t.equal(Number(await reader.hGet(REDIS_KEYS.runs, 'sweep-run')), 2, 'the run counts p1 and p2, each once');
  t.same(await markerIds(), ['p3', 'p4'], "p1's marker went with its count, p2's with the no-op, p5's (route A's record) was dropped; p3 waits; p4 has no record yet (a hung store may still commit it)");

  clock += 20_000;
  t.equal(await sweeper.sweepOnce(), 1, 'p3 once it is old enough');
  t.equal(await sweeper.sweepOnce(), 0, 'a second sweep counts nothing');
  t.equal(Number(await reader.hGet(REDIS_KEYS.runs, 'sweep-run')), 3, 'three route-B records, three counts');
  clock += ORPHAN_MS;
  await sweeper.sweepOnce();
  t.same(await markerIds(), [], 'a marker without a record is dropped once surely stale');
  t.equal(sweeper.swept, 2);
});

t.test('an orphan marker that a new attempt marked again is not dropped', async (t) => {
  const { store, agg, reader, pending, markerIds } = await stores(t, 'orphan');
  const old = new Date(Date.now() - 2 * ORPHAN_MS);
  await pending.mark('o1', old); // an attempt whose insert failed long ago
  const [stale] = await pending.stale(new Date(), 10);
  t.same(stale, { marker: { _id: 'o1', markedAt: old }, record: null }, 'the sweeper reads it as an orphan');
  // Between the sweeper's read and its removal, a retry marks the record again and stores it.
  const retryAt = new Date();
  await pending.mark('o1', retryAt);
  await store.save({ id: 'o1', runId: 'orphan-run', grade, instance: 'i' }, 'redis', retryAt);
  t.equal(await pending.dropIfUnchanged(stale!.marker), false, 'the marker the retry set is kept');
  t.same(await markerIds(), ['o1']);
  // The retry crashed before its count: the sweeper counts it once it is stale.
  const sweeper = new CountSweeper({ pending, redis: agg, logger, settleMs: 0, now: () => Date.now() + 1 });
  t.equal(await sweeper.sweepOnce(), 1);
  t.equal(Number(await reader.hGet(REDIS_KEYS.runs, 'orphan-run')), 1);
  t.same(await markerIds(), []);
});

t.test('several replicas sweeping at once count each record once and leave no marker', async (t) => {
  const { store, reader, replica, markerIds } = await stores(t, 'replicas');
  const replicas = [replica(), replica(), replica()];
  const ids = Array.from({ length: 60 }, (_, i) => `r${i}`);
  const at = new Date(Date.now() - 60_000);
  for (const id of ids) {
    await replicas[0]!.pending.mark(id, at);
    await store.save({ id, runId: 'replica-run', grade, instance: 'i' }, 'redis', at); // each request crashed before its count
  }
  const sweepers = replicas.map((r) => new CountSweeper({ pending: r.pending, redis: r.agg, logger, settleMs: 1000, batch: 25 }));
  // Three sweeps each, all at once: the replicas read overlapping stale markers.
  for (let round = 0; round < 3; round++) await Promise.all(sweepers.map((s) => s.sweepOnce()));
  t.equal(Number(await reader.hGet(REDIS_KEYS.runs, 'replica-run')), 60, 'the run counts each record once');
  t.equal(sweepers.reduce((n, s) => n + s.swept, 0), 60, 'the replicas together counted 60, none twice');
  t.same(await markerIds(), [], 'every marker went with its count');
});

t.test('a sweep while Redis is down counts nothing and removes nothing; the next one does', async (t) => {
  // Redis with its append-only file, as the stack runs it: the marker is still there when it is back.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-sweep-aof-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const { redis, store, agg, pending, markerIds, reader } = await stores(t, 'sweep2', { redisTimeoutMs: 500, redis: { persistDir: dir } });
  const sweeper = new CountSweeper({ pending, redis: agg, logger, settleMs: 0 });
  await pending.mark('q1', new Date());
  await store.save({ id: 'q1', runId: 'sweep-down', grade, instance: 'i' }, 'redis');
  await redis.stop();
  await t.rejects(sweeper.sweepOnce(), /Redis/, 'the sweep fails');
  await redis.restart();
  for (let i = 0; i < 50 && !(await agg.ping().then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 100));
  for (let i = 0; i < 50 && !reader.isReady; i++) await new Promise((r) => setTimeout(r, 100));
  t.same(await markerIds(), ['q1'], 'the marker outlived the outage');
  t.equal(await sweeper.sweepOnce(), 1, 'counted once Redis is back');
  t.same(await markerIds(), []);
});

t.test('orphans by the thousand do not hide a record left uncounted behind them', async (t) => {
  // A MongoDB outage with Redis up leaves a marker per record that never landed; they stay 10 minutes.
  // A record a crash left uncounted after them must still be counted by the next sweep.
  const { store, agg, reader, pending } = await stores(t, 'orphans');
  let clock = Date.now();
  const sweeper = new CountSweeper({ pending, redis: agg, logger, settleMs: 10_000, batch: 100, now: () => clock });
  const multi = reader.multi();
  for (let i = 0; i < 450; i++) multi.zAdd(REDIS_KEYS.pending, { score: clock - 1000 + i, value: `orphan-${i}` });
  await multi.exec();
  clock += 1000;
  await pending.mark('late', new Date(clock));
  await store.save({ id: 'late', runId: 'orphan-run', grade, instance: 'i' }, 'redis', new Date(clock));
  clock += 20_000;
  t.equal(await sweeper.sweepOnce(), 1, 'the record behind 450 orphans (4.5 pages of 100) is counted in one sweep');
  t.equal(Number(await reader.hGet(REDIS_KEYS.runs, 'orphan-run')), 1);
  t.equal(await reader.zCard(REDIS_KEYS.pending), 450, 'the orphans are kept (younger than ORPHAN_MS)');
});
