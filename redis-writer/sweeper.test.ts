// Route B converges without a client retry: the sweeper against real stores (Debian's redis-server and
// the MongoDB-wire server), records left pending the way a crash at each step leaves them.
import t from 'tap';
import { createClient } from 'redis';
import { REDIS_KEYS } from '../contract/stores.js';
import { createLogger } from '../service-kit/logger.js';
import { startMongo } from '../stack/mongo.js';
import { startRedis } from '../stack/redis.js';
import { MongoGradeStore } from '../stores/mongo-grades.js';
import { RedisAggregates } from '../stores/redis-aggregates.js';
import { CountSweeper } from './sweeper.js';

const grade = { curso: 'SO1', facultad: 'Ingenieria', carrera: 'Sistemas', region: 'NORTE', nota: 75 };

t.test('records left pending are counted once, whichever step was interrupted', async (t) => {
  const [redis, mongo] = await Promise.all([startRedis(), startMongo()]);
  const dbName = `t_${process.pid}_sweep`;
  const store = new MongoGradeStore({ url: mongo.url, dbName, timeoutMs: 2000 });
  const agg = new RedisAggregates({ url: redis.url, timeoutMs: 2000 });
  const reader = createClient({ url: redis.url });
  await reader.connect();
  t.teardown(async () => {
    await Promise.allSettled([store.close(), agg.close(), reader.close()]);
    await Promise.allSettled([redis.stop(), mongo.stop()]);
  });
  let clock = Date.now();
  const sweeper = new CountSweeper({ mongo: store, redis: agg, logger: createLogger({ service: 'test', level: 'error' }), settleMs: 10_000, now: () => clock });
  const save = (id: string) => store.save({ id, runId: 'sweep-run', grade, instance: 'i' }, 'redis', new Date(clock), { countPending: true });

  // Crash after the insert, before Redis: stored and marked, never counted.
  await save('p1');
  // Crash after Redis, before the unmark: counted and still marked.
  const p2 = await save('p2');
  await agg.apply({ id: 'p2', runId: 'sweep-run', route: 'redis', receivedAt: p2.receivedAt, grade });
  // A request still in flight: too young to sweep.
  clock += 20_000;
  await save('p3');

  t.equal(await sweeper.sweepOnce(), 1, 'p1 counted now; p2 was counted already; p3 is left to its request');
  t.equal(Number(await reader.hGet(REDIS_KEYS.runs, 'sweep-run')), 2, 'the run counts p1 and p2, each once');
  t.same((await store.findCountPending(new Date(clock + 1), 10)).map((d) => d._id), ['p3'], 'p1 and p2 unmarked; p3 still pending');

  clock += 20_000;
  t.equal(await sweeper.sweepOnce(), 1, 'p3 once it is old enough');
  t.equal(await sweeper.sweepOnce(), 0, 'a second sweep finds nothing');
  t.equal(Number(await reader.hGet(REDIS_KEYS.runs, 'sweep-run')), 3, 'three records, three counts');
  t.equal(sweeper.swept, 2);
});

t.test('a sweep while Redis is down counts nothing and unmarks nothing; the next one does', async (t) => {
  const [redis, mongo] = await Promise.all([startRedis(), startMongo()]);
  const dbName = `t_${process.pid}_sweep2`;
  const store = new MongoGradeStore({ url: mongo.url, dbName, timeoutMs: 2000 });
  const agg = new RedisAggregates({ url: redis.url, timeoutMs: 500 });
  t.teardown(async () => {
    await Promise.allSettled([store.close(), agg.close()]);
    await Promise.allSettled([redis.stop(), mongo.stop()]);
  });
  const sweeper = new CountSweeper({ mongo: store, redis: agg, logger: createLogger({ service: 'test', level: 'error' }), settleMs: 0 });
  await store.save({ id: 'q1', runId: 'sweep-down', grade, instance: 'i' }, 'redis', new Date(), { countPending: true });
  await agg.ping();
  await redis.stop();
  await t.rejects(sweeper.sweepOnce(), /Redis/, 'the sweep fails');
  t.equal((await store.findCountPending(new Date(Date.now() + 1000), 10)).length, 1, 'and the record stays marked');
  await redis.restart();
  for (let i = 0; i < 50 && !(await agg.ping().then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 100));
  t.equal(await sweeper.sweepOnce(), 1, 'counted once Redis is back');
  t.equal((await store.findCountPending(new Date(Date.now() + 1000), 10)).length, 0);
});
