// Route B converges without a client retry: the sweeper against real stores (Debian's redis-server and
// the MongoDB-wire server), with records and markers left the way a crash at each step leaves them.
import t, { type Test } from 'tap';
import { createClient } from 'redis';
import { REDIS_KEYS } from '../contract/stores.js';
import { createLogger } from '../service-kit/logger.js';
import { startMongo } from '../stack/mongo.js';
import { startRedis } from '../stack/redis.js';
import { MongoGradeStore } from '../stores/mongo-grades.js';
import { PendingCounts } from '../stores/pending-counts.js';
import { RedisAggregates } from '../stores/redis-aggregates.js';
import { CountSweeper, ORPHAN_MS } from './sweeper.js';

const grade = { curso: 'SO1', facultad: 'Ingenieria', carrera: 'Sistemas', region: 'NORTE', nota: 75 };
const logger = createLogger({ service: 'test', level: 'error' });

async function stores(t: Test, name: string, redisTimeoutMs = 2000) {
  const [redis, mongo] = await Promise.all([startRedis(), startMongo()]);
  const store = new MongoGradeStore({ url: mongo.url, dbName: `t_${process.pid}_${name}`, timeoutMs: 2000 });
  const agg = new RedisAggregates({ url: redis.url, timeoutMs: redisTimeoutMs });
  const reader = createClient({ url: redis.url });
  reader.on('error', () => {});
  await reader.connect();
  t.teardown(async () => {
    await Promise.allSettled([store.close(), agg.close(), reader.isOpen ? reader.close() : Promise.resolve(reader.destroy())]);
    await Promise.allSettled([redis.stop(), mongo.stop()]);
  });
  return { redis, store, agg, reader, pending: new PendingCounts(store) };
}

t.test('records left uncounted are counted once, whichever step was interrupted', async (t) => {
  const { store, agg, reader, pending } = await stores(t, 'sweep');
  let clock = Date.now();
  const sweeper = new CountSweeper({ pending, redis: agg, logger, settleMs: 10_000, now: () => clock });
  const write = async (id: string, route = 'redis') => {
    await pending.mark(id, 'sweep-run', new Date(clock));
    return store.save({ id, runId: 'sweep-run', grade, instance: 'i' }, route, new Date(clock));
  };

  await write('p1'); // crash after the insert, before Redis
  const p2 = await write('p2'); // crash after Redis, before the marker went
  await agg.apply({ id: 'p2', runId: 'sweep-run', route: 'redis', receivedAt: p2.receivedAt, grade });
  await pending.mark('p4', 'sweep-run', new Date(clock)); // crash between the marker and the insert
  await write('p5', 'grpc'); // a route-A record a retry replayed through route B: not B's to count
  clock += 20_000;
  await write('p3'); // a request still in flight: too young to sweep

  t.equal(await sweeper.sweepOnce(), 1, 'p1 counted now; p2 was already; p3 is left to its request');
  t.equal(Number(await reader.hGet(REDIS_KEYS.runs, 'sweep-run')), 2, 'the run counts p1 and p2, each once');
  t.same((await (await pending.markers()).find().toArray()).map((m) => m._id).sort(), ['p3', 'p4'], 'p3 waits; p4 has no record yet (a hung store may still commit it)');

  clock += 20_000;
  t.equal(await sweeper.sweepOnce(), 1, 'p3 once it is old enough');
  t.equal(await sweeper.sweepOnce(), 0, 'a second sweep counts nothing');
  t.equal(Number(await reader.hGet(REDIS_KEYS.runs, 'sweep-run')), 3, 'three route-B records, three counts');
  clock += ORPHAN_MS;
  await sweeper.sweepOnce();
  t.same(await (await pending.markers()).countDocuments(), 0, 'a marker without a record is dropped once surely stale');
  t.equal(sweeper.swept, 2);
});

t.test('a sweep while Redis is down counts nothing and removes nothing; the next one does', async (t) => {
  const { redis, store, agg, pending } = await stores(t, 'sweep2', 500);
  const sweeper = new CountSweeper({ pending, redis: agg, logger, settleMs: 0 });
  await pending.mark('q1', 'sweep-down', new Date());
  await store.save({ id: 'q1', runId: 'sweep-down', grade, instance: 'i' }, 'redis');
  await agg.ping();
  await redis.stop();
  await t.rejects(sweeper.sweepOnce(), /Redis/, 'the sweep fails');
  t.equal(await (await pending.markers()).countDocuments(), 1, 'and the marker stays');
  await redis.restart();
  for (let i = 0; i < 50 && !(await agg.ping().then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 100));
  t.equal(await sweeper.sweepOnce(), 1, 'counted once Redis is back');
  t.equal(await (await pending.markers()).countDocuments(), 0);
});
