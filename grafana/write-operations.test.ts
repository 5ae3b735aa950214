// The store operations the Benchmark dashboard's store panels filter on (prom-queries.ts WRITE_OPERATIONS)
// are the names the real store classes report, on a real redis-server and a real MongoDB-wire server.
import t from 'tap';
import { startMongo } from '../stack/mongo.js';
import { startRedis } from '../stack/redis.js';
import { MongoGradeStore } from '../stores/mongo-grades.js';
import { RedisAggregates } from '../stores/redis-aggregates.js';
import { WRITE_OPERATIONS } from './prom-queries.js';

t.test('the write operations the store panels filter on are the ones the stores report', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const mongo = await startMongo();
  t.teardown(() => mongo.stop());
  const seen: Record<string, string[]> = { mongodb: [], redis: [] };
  const agg = new RedisAggregates({ url: redis.url, timeoutMs: 2000, observe: (op) => seen.redis!.push(op) });
  t.teardown(() => agg.close());
  const store = new MongoGradeStore({ url: mongo.url, dbName: `grafana_ops_${process.pid}`, timeoutMs: 5000, observe: (op) => seen.mongodb!.push(op) });
  t.teardown(async () => {
    await (await store.connection.client()).db(`grafana_ops_${process.pid}`).dropDatabase().catch(() => {});
    await store.close();
  });
  const grade = { curso: 'SO1', facultad: 'F', carrera: 'C', region: 'R', nota: 70 };
  await store.save({ id: 'op-1', runId: 'r', grade, instance: 'i' }, 'redis');
  await agg.apply({ id: 'op-1', runId: 'r', route: 'redis', receivedAt: new Date().toISOString(), grade });
  t.ok(seen.mongodb!.includes(WRITE_OPERATIONS.mongodb), `MongoGradeStore reports a write as "${WRITE_OPERATIONS.mongodb}" (saw ${seen.mongodb!.join(', ')})`);
  t.ok(seen.redis!.includes(WRITE_OPERATIONS.redis), `RedisAggregates reports a write as "${WRITE_OPERATIONS.redis}" (saw ${seen.redis!.join(', ')})`);
});
