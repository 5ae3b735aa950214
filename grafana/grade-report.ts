/**
 * The Grades dashboard's numbers as text, for the local demo where Grafana cannot run: the same
 * aggregates from Redis (route B's hashes) and from MongoDB (both routes), read by grades-api's own code.
 *
 *   const agg = await readGradeAggregates({ redisUrl, mongoUrl, dbName, runId });
 *   console.log(formatGradeReport(agg));
 */
import { MongoClient } from 'mongodb';
import { createClient } from 'redis';
import { GRADES_COLLECTION } from '../contract/stores.js';
import { readRunCount } from '../reconcile/store-reader.js';
import type { GradeDocument } from '../stores/mongo-grades.js';
import { byCurso, countBy, totals } from '../grades-api/mongo-reads.js';
import { redisByCurso, redisCountBy, redisTotals } from '../grades-api/redis-reads.js';
import type { Count, CursoStats, Totals } from '../grades-api/shapes.js';

export interface StoreAggregates {
  totals: Totals;
  byCurso: CursoStats[];
  byRegion: Count[];
}

export interface GradeAggregates {
  runId: string | undefined;
  /** Route B only, all runs: the Redis aggregates are not kept per run. */
  redis: StoreAggregates & { runRecords: number | undefined };
  /** Both routes; filtered to runId when given. */
  mongo: StoreAggregates & { byRoute: Count[] };
}

export interface ReadOptions {
  redisUrl: string;
  mongoUrl: string;
  dbName: string;
  runId?: string;
  timeoutMs?: number;
}

async function readRedis(url: string, runId: string | undefined, timeoutMs: number): Promise<GradeAggregates['redis']> {
  const client = createClient({ url, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } });
  client.on('error', () => {}); // surfaced by the awaited commands below
  await client.connect();
  try {
    // The same reads grades-api serves the Redis panels.
    const [totals, byCurso, byRegion, runRecords] = await Promise.all([redisTotals(client), redisByCurso(client), redisCountBy(client, 'region'), runId === undefined ? undefined : readRunCount(client, runId)]);
    return { totals, byCurso, byRegion, runRecords };
  } finally {
    await client.close();
  }
}

async function readMongo(url: string, dbName: string, runId: string | undefined, timeoutMs: number): Promise<GradeAggregates['mongo']> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
  try {
    const coll = client.db(dbName).collection<GradeDocument>(GRADES_COLLECTION);
    const filter = runId === undefined ? {} : { runId };
    const [t, c, r, routes] = await Promise.all([totals(coll, filter), byCurso(coll, filter), countBy(coll, 'region', filter), countBy(coll, 'route', filter)]);
    return { totals: t, byCurso: c, byRegion: r, byRoute: routes };
  } finally {
    await client.close();
  }
}

export async function readGradeAggregates(opts: ReadOptions): Promise<GradeAggregates> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const [redis, mongo] = await Promise.all([readRedis(opts.redisUrl, opts.runId, timeoutMs), readMongo(opts.mongoUrl, opts.dbName, opts.runId, timeoutMs)]);
  return { runId: opts.runId, redis, mongo };
}

// ---- text ----------------------------------------------------------------------------------------

const fmt = (v: number | null, kind: 'int' | 'avg' | 'pct'): string =>
  v === null ? '-' : kind === 'int' ? String(v) : kind === 'avg' ? v.toFixed(2) : `${(v * 100).toFixed(1)}%`;

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const totalsRow = (label: string, t: Totals): string[] => [
  label,
  fmt(t.records, 'int'),
  fmt(t.graded, 'int'),
  fmt(t.passed, 'int'),
  fmt(t.failed, 'int'),
  fmt(t.avg_nota, 'avg'),
  fmt(t.pass_rate, 'pct'),
];
const TOTAL_HEADERS = ['records', 'graded', 'passed', 'failed', 'avg nota', 'pass rate'];

export function formatGradeReport(a: GradeAggregates): string {
  const scope = a.runId === undefined ? 'all runs' : `run ${a.runId}`;
  const out: string[] = [];
  out.push(`Grade aggregates (MongoDB: both routes, ${scope}; Redis: route B only, all runs)`);
  out.push('');
  out.push(table(['store', ...TOTAL_HEADERS], [totalsRow('mongodb', a.mongo.totals), totalsRow('redis', a.redis.totals)]));
  if (a.runId !== undefined) out.push(`redis records counted for run ${a.runId}: ${a.redis.runRecords ?? 0}`);
  if (a.mongo.byRoute.length > 0) out.push(`mongodb records by route: ${a.mongo.byRoute.map((r) => `${r.value} ${r.records}`).join(', ')}`);
  for (const [store, s] of [['mongodb', a.mongo], ['redis', a.redis]] as const) {
    out.push('');
    out.push(`By curso (${store})`);
    out.push(table(['curso', ...TOTAL_HEADERS], s.byCurso.map((c) => totalsRow(c.curso, c))));
  }
  const regions = [...new Set([...a.mongo.byRegion, ...a.redis.byRegion].map((r) => r.value))].sort();
  const count = (list: Count[], v: string): string => String(list.find((r) => r.value === v)?.records ?? 0);
  out.push('');
  out.push('By region');
  out.push(table(['region', 'mongodb', 'redis'], regions.map((r) => [r, count(a.mongo.byRegion, r), count(a.redis.byRegion, r)])));
  return out.join('\n') + '\n';
}
