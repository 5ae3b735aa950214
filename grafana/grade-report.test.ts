// Tested against: a real redis-server and a real MongoDB-wire server holding what
// test-fixtures/records.ts writes through the real store classes. The local report reads the same
// aggregates the Grades dashboard shows; its numbers are the hand-worked ones of records.ts.
import t from 'tap';
import { MongoClient } from 'mongodb';
import { startMongo } from '../stack/mongo.js';
import { startRedis } from '../stack/redis.js';
import { formatGradeReport, readGradeAggregates } from './grade-report.js';
import { MONGO_EXPECTED, REDIS_EXPECTED, writeFixtures } from './test-fixtures/records.js';

t.test('readGradeAggregates and formatGradeReport', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const mongo = await startMongo();
  t.teardown(() => mongo.stop());
  const dbName = `grafana_report_${process.pid}`;
  t.teardown(async () => {
    const c = new MongoClient(mongo.url);
    await c.db(dbName).dropDatabase().catch(() => {});
    await c.close();
  });
  await writeFixtures({ redisUrl: redis.url, mongoUrl: mongo.url, dbName });

  const all = await readGradeAggregates({ redisUrl: redis.url, mongoUrl: mongo.url, dbName });
  t.same(all.mongo.totals, MONGO_EXPECTED.totals);
  t.same(all.redis.totals, REDIS_EXPECTED.totals);
  t.same(
    all.mongo.byCurso.map(({ curso, graded, passed, failed }) => ({ curso, graded, passed, failed })),
    Object.entries(MONGO_EXPECTED.byCurso).map(([curso, e]) => ({ curso, graded: e.graded, passed: e.passed, failed: e.failed })),
  );
  const so1 = all.redis.byCurso.find((c) => c.curso === 'SO1');
  t.same({ records: so1?.records, graded: so1?.graded, passed: so1?.passed, failed: so1?.failed, avg: so1?.avg_nota }, { records: 2, graded: 1, passed: 0, failed: 1, avg: 40 });
  t.same(Object.fromEntries(all.mongo.byRegion.map((r) => [r.value, r.records])), MONGO_EXPECTED.countBy.region);
  t.same(Object.fromEntries(all.redis.byRegion.map((r) => [r.value, r.records])), REDIS_EXPECTED.countBy.region);
  t.same(Object.fromEntries(all.mongo.byRoute.map((r) => [r.value, r.records])), MONGO_EXPECTED.countBy.route);

  const run2 = await readGradeAggregates({ redisUrl: redis.url, mongoUrl: mongo.url, dbName, runId: 'run-2' });
  t.equal(run2.mongo.totals.records, 3, 'MongoDB filtered to the run');
  t.equal(run2.redis.runRecords, 2, "Redis' per-run counter for route B (r4, r6)");
  t.same(run2.redis.totals, REDIS_EXPECTED.totals, 'Redis totals are not per run');

  const text = formatGradeReport(run2);
  t.match(text, /MongoDB: both routes, run run-2; Redis: route B only/);
  t.match(text, /^mongodb\s+3\s+2\s+1\s+1\s+60\.50\s+50\.0%$/m);
  t.match(text, /^redis\s+4\s+3\s+1\s+2\s+63\.33\s+33\.3%$/m);
  t.match(text, /^NORTE\s+1\s+2$/m, 'by region, both stores side by side');
  t.match(text, /redis records counted for run run-2: 2/);
});

t.test('an unreachable store fails with an error, not a hang', async (t) => {
  await t.rejects(readGradeAggregates({ redisUrl: 'redis://127.0.0.1:1', mongoUrl: 'mongodb://127.0.0.1:1/', dbName: 'x', timeoutMs: 300 }));
});
