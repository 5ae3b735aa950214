/**
 * Known records for the Grafana tests, written through the real store classes (RedisAggregates,
 * MongoGradeStore) exactly as the services write them, and the numbers each panel must then show,
 * worked out by hand below (not by the code under test).
 */
import type { Grade } from '../../contract/grade.js';
import { ROUTE_SERVICE, type RouteName } from '../../contract/routes.js';
import { MongoGradeStore } from '../../stores/mongo-grades.js';
import { RedisAggregates } from '../../stores/redis-aggregates.js';

export interface FixtureRecord {
  id: string;
  route: RouteName;
  runId: string;
  grade: Grade;
}

const ing = { facultad: 'Ingenieria' };
export const RECORDS: FixtureRecord[] = [
  { id: 'r1', route: 'grpc', runId: 'run-1', grade: { curso: 'SO1', ...ing, carrera: 'Sistemas', region: 'NORTE', nota: 75, year: 2024, carnet: '201900001', nombre: 'Ana', semestre: '1S' } },
  { id: 'r2', route: 'redis', runId: 'run-1', grade: { curso: 'SO1', ...ing, carrera: 'Sistemas', region: 'NORTE', nota: 40, year: 2024 } },
  { id: 'r3', route: 'redis', runId: 'run-1', grade: { curso: 'BD1', facultad: 'Medicina', carrera: 'Medicina', region: 'CENTRAL', nota: 90, year: 2025 } },
  // The seed's own example shape: only the four required fields.
  { id: 'r4', route: 'redis', runId: 'run-2', grade: { curso: 'SO1', ...ing, carrera: 'Civil', region: 'NORTE' } },
  { id: 'r5', route: 'grpc', runId: 'run-2', grade: { curso: 'BD1', ...ing, carrera: 'Sistemas', region: 'PETEN', nota: 61, year: 2025 } },
  { id: 'r6', route: 'redis', runId: 'run-2', grade: { curso: 'BD1', facultad: 'Agronomia', carrera: 'Agronomia', region: 'CENTRAL', nota: 60, year: 2024 } },
];

/** receivedAt of record i: one second apart, so "latest" has a fixed order (r6 newest). */
export const receivedAt = (i: number): Date => new Date(Date.UTC(2026, 0, 1, 12, 0, i));

/**
 * Writes RECORDS: every record to MongoDB (both routes store there), route B's records also to the
 * Redis aggregates, r2 twice (a replay must not count twice in either store).
 */
export async function writeFixtures(opts: { redisUrl: string; mongoUrl: string; dbName: string }): Promise<void> {
  const redis = new RedisAggregates({ url: opts.redisUrl, timeoutMs: 2000 });
  const mongo = new MongoGradeStore({ url: opts.mongoUrl, dbName: opts.dbName, timeoutMs: 5000 });
  try {
    const writes = [...RECORDS, RECORDS[1]!];
    for (const r of writes) {
      const i = RECORDS.indexOf(r);
      const at = receivedAt(i);
      await mongo.save({ id: r.id, runId: r.runId, grade: r.grade, instance: `${ROUTE_SERVICE[r.route]}-0` }, r.route, at);
      if (r.route === 'redis') await redis.apply({ id: r.id, runId: r.runId, route: r.route, receivedAt: at.toISOString(), grade: r.grade });
    }
  } finally {
    await Promise.all([redis.close(), mongo.close()]);
  }
}

/** Route B's records in Redis: r2 (SO1 40), r3 (BD1 90), r4 (SO1, no nota), r6 (BD1 60). */
export const REDIS_EXPECTED = {
  totals: { records: 4, graded: 3, nota_sum: 190, passed: 1, failed: 2, avg_nota: 190 / 3, pass_rate: 1 / 3 },
  countBy: {
    curso: { SO1: 2, BD1: 2 },
    facultad: { Ingenieria: 2, Medicina: 1, Agronomia: 1 },
    carrera: { Sistemas: 1, Medicina: 1, Civil: 1, Agronomia: 1 },
    region: { NORTE: 2, CENTRAL: 2 },
  },
  // SO1 has no passing record, so the passed hash has no SO1 field: that is 0 passed, a pass rate of 0.
  byCurso: {
    BD1: { records: 2, graded: 2, nota_sum: 150, passed: 1, failed: 1, avg_nota: 75, pass_rate: 0.5 },
    SO1: { records: 2, graded: 1, nota_sum: 40, passed: 0, failed: 1, avg_nota: 40, pass_rate: 0 },
  },
  latestIds: ['r6', 'r4', 'r3', 'r2'],
} as const;

/** All six records in MongoDB. */
export const MONGO_EXPECTED = {
  totals: { records: 6, graded: 5, nota_sum: 326, passed: 3, failed: 2, avg_nota: 326 / 5, pass_rate: 3 / 5 },
  countBy: {
    curso: { SO1: 3, BD1: 3 },
    facultad: { Ingenieria: 4, Medicina: 1, Agronomia: 1 },
    carrera: { Sistemas: 3, Medicina: 1, Civil: 1, Agronomia: 1 },
    region: { NORTE: 3, CENTRAL: 2, PETEN: 1 },
    route: { redis: 4, grpc: 2 },
    year: { '2024': 3, '2025': 2, '(none)': 1 },
    runId: { 'run-1': 3, 'run-2': 3 },
  },
  byCurso: {
    BD1: { records: 3, graded: 3, nota_sum: 211, passed: 2, failed: 1, avg_nota: 211 / 3, pass_rate: 2 / 3 },
    SO1: { records: 3, graded: 2, nota_sum: 115, passed: 1, failed: 1, avg_nota: 57.5, pass_rate: 0.5 },
  },
  latestIds: ['r6', 'r5', 'r4', 'r3', 'r2', 'r1'],
  /** Totals under dashboard variable choices (variable -> value; the rest All). */
  filtered: [
    { vars: { curso: 'SO1' }, totals: { records: 3, graded: 2, nota_sum: 115, passed: 1, failed: 1 } },
    { vars: { region: 'NORTE', year: '2024' }, totals: { records: 2, graded: 2, nota_sum: 115, passed: 1, failed: 1 } },
    { vars: { route: 'grpc' }, totals: { records: 2, graded: 2, nota_sum: 136, passed: 2, failed: 0 } },
    { vars: { run: 'run-2' }, totals: { records: 3, graded: 2, nota_sum: 121, passed: 1, failed: 1 } },
    { vars: { curso: 'BD1', region: 'CENTRAL' }, totals: { records: 2, graded: 2, nota_sum: 150, passed: 1, failed: 1 } },
  ],
} as const;
