// Every Redis and MongoDB query of the Grades dashboard, run for real: known records are written through
// RedisAggregates and MongoGradeStore to a real redis-server and a real MongoDB-wire server (FerretDB
// locally), then each panel's targets are run the way its datasource plugin runs them (Redis commands;
// Infinity GETs against grades-api) and its transformations applied (grafana/frames.ts). A renamed key,
// field or endpoint fails here, not on a dashboard.
import { isDeepStrictEqual } from 'node:util';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { MongoClient } from 'mongodb';
import { createClient } from 'redis';
import { GRADES_COLLECTION } from '../contract/stores.js';
import { createLogger } from '../service-kit/logger.js';
import { startMongo } from '../stack/mongo.js';
import { startRedis } from '../stack/redis.js';
import type { GradeDocument } from '../stores/mongo-grades.js';
import { DATASOURCES } from './datasources.js';
import { gradesDashboard, YEAR_VARIABLE_REGEX } from './dashboards/grades.js';
import { applyTransformations, frameRows, runGradesApiQuery, runRedisQuery, type Frame, type Transformation } from './frames.js';
import { createGradesApi } from '../grades-api/server.js';
import { ALL, GRADE_VARIABLES, GRADES_API_QUERIES, REDIS_QUERIES, type GradesApiQuery, type RedisQuery } from './queries.js';
import { MONGO_EXPECTED, REDIS_EXPECTED, writeFixtures } from './test-fixtures/records.js';

const redis = await startRedis();
t.teardown(() => redis.stop());
const mongo = await startMongo();
t.teardown(() => mongo.stop());
const dbName = `grafana_queries_${process.pid}`;
await writeFixtures({ redisUrl: redis.url, mongoUrl: mongo.url, dbName });

const reader = createClient({ url: redis.url });
await reader.connect();
t.teardown(() => reader.close());

const mongoClient = new MongoClient(mongo.url, { serverSelectionTimeoutMS: 5000 });
t.teardown(async () => {
  await mongoClient.db(dbName).dropDatabase().catch(() => {});
  await mongoClient.close();
});
const api = createGradesApi({
  collection: mongoClient.db(dbName).collection<GradeDocument>(GRADES_COLLECTION),
  ping: async () => {
    await mongoClient.db('admin').command({ ping: 1 });
  },
  logger: createLogger({ service: 'grades-api-test' }, 'error', () => {}),
});
api.listen(0, '127.0.0.1');
await new Promise((resolve) => api.once('listening', resolve));
t.teardown(() => new Promise<void>((resolve) => api.close(() => resolve())));
const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;

/** Every Grades variable set to All, overridden by `set`. */
const vars = (set: Partial<Record<keyof typeof GRADE_VARIABLES, string>> = {}): Record<string, string> => ({
  ...Object.fromEntries(Object.keys(GRADE_VARIABLES).map((v) => [v, ALL])),
  ...set,
});

/** Strips what JSON drops (cog's marker method), to compare a panel target with a queries.ts object. */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
const close = (a: unknown, b: number | null): boolean => (b === null ? a === null : typeof a === 'number' && Math.abs(a - b) < 1e-9);

function assertRow(t: Test, actual: Record<string, unknown> | undefined, expected: Record<string, number | null>, what: string): void {
  t.ok(actual, `${what}: has a row`);
  for (const [k, v] of Object.entries(expected)) t.ok(close(actual?.[k], v), `${what}: ${k} = ${String(v)} (got ${String(actual?.[k])})`);
}

/** Rows of a count panel as value -> records, whatever the column names; also checks they are sorted. */
function counts(t: Test, frame: Frame, what: string): Record<string, number> {
  const rows = frameRows(frame);
  const [label, value] = frame.fields.map((f) => f.name);
  const n = rows.map((r) => r[value!] as number);
  t.same(n, [...n].sort((a, b) => b - a), `${what}: largest first`);
  return Object.fromEntries(rows.map((r) => [String(r[label!]), r[value!] as number]));
}

type Check = (t: Test, frames: Frame[]) => void;
interface Expectation {
  targets: (RedisQuery | GradesApiQuery)[];
  check: Check;
  used?: boolean;
}

const redisCountDims = ['curso', 'facultad', 'carrera', 'region'] as const;
const expectations: Expectation[] = [
  {
    targets: [REDIS_QUERIES.totals],
    check: (t, [f]) => assertRow(t, frameRows(f!)[0], REDIS_EXPECTED.totals, 'Redis totals'),
  },
  {
    targets: [GRADES_API_QUERIES.totals],
    check: (t, [f]) => assertRow(t, frameRows(f!)[0], MONGO_EXPECTED.totals, 'MongoDB totals'),
  },
  ...redisCountDims.map((dim) => ({
    targets: [REDIS_QUERIES.countBy[dim]],
    check: ((t, [f]) => {
      t.same(f!.fields.map((x) => x.name), [dim, 'records'], `Redis count by ${dim}: columns`);
      t.same(counts(t, f!, `Redis count by ${dim}`), REDIS_EXPECTED.countBy[dim]);
    }) as Check,
  })),
  ...([...redisCountDims, 'route'] as const).map((dim) => ({
    targets: [GRADES_API_QUERIES.countBy[dim]],
    check: ((t, [f]) => {
      t.same(f!.fields.map((x) => x.name), [dim, 'records'], `MongoDB count by ${dim}: columns`);
      t.same(counts(t, f!, `MongoDB count by ${dim}`), MONGO_EXPECTED.countBy[dim]);
    }) as Check,
  })),
  {
    targets: Object.values(REDIS_QUERIES.byCurso),
    check: (t, frames) => {
      t.equal(frames.length, 1, 'Redis by curso: one joined table');
      const rows = frameRows(frames[0]!);
      t.same(rows.map((r) => r.curso).sort(), Object.keys(REDIS_EXPECTED.byCurso).sort());
      for (const [curso, exp] of Object.entries(REDIS_EXPECTED.byCurso)) assertRow(t, rows.find((r) => r.curso === curso), exp, `Redis by curso ${curso}`);
    },
  },
  {
    targets: [GRADES_API_QUERIES.byCurso],
    check: (t, [f]) => {
      const rows = frameRows(f!);
      t.same(rows.map((r) => r.curso), Object.keys(MONGO_EXPECTED.byCurso), 'MongoDB by curso: sorted by curso');
      for (const [curso, exp] of Object.entries(MONGO_EXPECTED.byCurso)) assertRow(t, rows.find((r) => r.curso === curso), exp, `MongoDB by curso ${curso}`);
    },
  },
  {
    targets: [REDIS_QUERIES.recent],
    check: (t, [f]) => {
      const rows = frameRows(f!);
      t.same(rows.map((r) => r.id), REDIS_EXPECTED.latestIds, 'Redis latest: newest first, the replay not repeated');
      t.equal(rows.find((r) => r.id === 'r3')?.curso, 'BD1', 'the record JSON is spread into columns');
      t.notOk(f!.fields.some((x) => x.name === 'record'), 'the raw JSON column is hidden');
    },
  },
  {
    targets: [GRADES_API_QUERIES.latest],
    check: (t, [f]) => {
      const rows = frameRows(f!);
      t.same(rows.map((r) => r.id), MONGO_EXPECTED.latestIds, 'MongoDB latest: newest first');
      t.equal(rows[0]?.receivedAt, Date.UTC(2026, 0, 1, 12, 0, 5), 'receivedAt parsed as a timestamp');
      t.equal(rows.find((r) => r.id === 'r1')?.nombre, 'Ana');
    },
  },
];

interface PanelLike {
  type: string;
  title?: string;
  targets?: unknown[];
  transformations?: Transformation[];
}

const dashboard = gradesDashboard();
const storePanels = (dashboard.panels as PanelLike[]).filter((p) => p.type !== 'row' && (p.targets?.length ?? 0) > 0);

t.test('every Grades panel reads Redis or grades-api, and every one has an expectation', async (t) => {
  for (const p of storePanels) {
    const uids = new Set((p.targets ?? []).map((x) => (x as { datasource?: { uid?: string } }).datasource?.uid));
    t.ok(uids.size === 1 && (uids.has(DATASOURCES.redis.uid) || uids.has(DATASOURCES.grades.uid)), `${p.title}: one store datasource`);
    const matching = expectations.filter((e) => isDeepStrictEqual(plain(p.targets), plain(e.targets)));
    t.equal(matching.length, 1, `${p.title}: its targets are queries.ts objects with an expectation`);
  }
});

for (const panel of storePanels) {
  t.test(`panel "${panel.title}"`, async (t) => {
    const exp = expectations.find((e) => isDeepStrictEqual(plain(panel.targets), plain(e.targets)));
    if (exp === undefined) return t.fail('no expectation');
    exp.used = true;
    const frames = await Promise.all(
      (panel.targets as (RedisQuery | GradesApiQuery)[]).map((q) =>
        q.datasource.uid === DATASOURCES.redis.uid ? runRedisQuery(reader, q as RedisQuery) : runGradesApiQuery(apiUrl, q as GradesApiQuery, vars()),
      ),
    );
    exp.check(t, applyTransformations(frames, panel.transformations));
  });
}

t.test('every expectation was used by a panel', async (t) => {
  for (const e of expectations) t.ok(e.used, `a panel runs ${e.targets.map((q) => ('keyName' in q ? q.keyName : q.url)).join(', ')}`);
});

t.test('MongoDB panels follow the variables', async (t) => {
  for (const { vars: set, totals } of MONGO_EXPECTED.filtered) {
    const [f] = [await runGradesApiQuery(apiUrl, GRADES_API_QUERIES.totals, vars(set))];
    assertRow(t, frameRows(f)[0], totals, `totals with ${JSON.stringify(set)}`);
  }
  const so1 = frameRows(await runGradesApiQuery(apiUrl, GRADES_API_QUERIES.countBy.region, vars({ curso: 'SO1' })));
  t.same(so1, [{ region: 'NORTE', records: 3 }], 'count by region for curso SO1');
  const latest = frameRows(await runGradesApiQuery(apiUrl, GRADES_API_QUERIES.latest, vars({ route: 'grpc' })));
  t.same(latest.map((r) => r.id), ['r5', 'r1'], 'latest for route grpc');
});

t.test('variable queries list the values present, as the variables use them', async (t) => {
  const regex = new RegExp(YEAR_VARIABLE_REGEX.slice(1, -1));
  const years = frameRows(await runGradesApiQuery(apiUrl, GRADES_API_QUERIES.yearValues, {}))
    .map((r) => String(r.year))
    .filter((v) => regex.test(v));
  t.same(years.sort(), ['2024', '2025'], 'years, without "(none)"');
  const runs = frameRows(await runGradesApiQuery(apiUrl, GRADES_API_QUERIES.runValues, {})).map((r) => r.runId);
  t.same(runs, ['run-1', 'run-2']);
  const variables = (dashboard.templating?.list ?? []).map((v) => v.name);
  t.same(variables.sort(), Object.keys(GRADE_VARIABLES).sort(), 'the dashboard defines exactly the variables the URLs use');
});
