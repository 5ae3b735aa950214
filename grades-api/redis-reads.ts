/**
 * Route B's aggregates read from Redis (the hashes and the stream that stores/redis-aggregates.ts
 * writes in one Lua script per record), in the shapes of shapes.ts, so a Redis panel reads exactly like
 * its MongoDB twin. Read-only: HGETALL and XREVRANGE, nothing else. The aggregates are running totals
 * since Redis started, not per run, year, region or route: these reads take no filters.
 */
import { REDIS_KEYS, TOTALS_FIELDS } from '../contract/stores.js';
import { sortCounts, withRatios, type Count, type CursoStats, type LatestRecord, type Totals } from './shapes.js';

/** The two commands needed, as node-redis' client offers them. */
export interface RedisReadClient {
  hGetAll(key: string): Promise<Record<string, string>>;
  xRevRange(key: string, end: string, start: string, options: { COUNT: number }): Promise<{ id: string; message: Record<string, string> }[] | null>;
}

/** The dimensions route B counts records by (one hash each). */
export const REDIS_DIMENSIONS = Object.keys(REDIS_KEYS.countBy) as (keyof typeof REDIS_KEYS.countBy)[];
export type RedisDimension = (typeof REDIS_DIMENSIONS)[number];

/** A counter that is not a whole number: the hash was written by something other than our script. */
export class RedisDataError extends Error {
  override name = 'RedisDataError';
}

/** A counter value; an absent field is 0 (HINCRBY creates fields on first use). */
function count(hash: Record<string, string>, field: string, key: string): number {
  const v = hash[field];
  if (v === undefined) return 0;
  if (!/^-?[0-9]+$/.test(v)) throw new RedisDataError(`Redis ${key} field ${field} is ${JSON.stringify(v)}, not a whole number`);
  return Number(v);
}

export async function redisTotals(r: RedisReadClient): Promise<Totals> {
  const t = await r.hGetAll(REDIS_KEYS.totals);
  const [records, graded, nota_sum, passed, failed] = TOTALS_FIELDS.map((f) => count(t, f, REDIS_KEYS.totals)) as [number, number, number, number, number];
  return withRatios({ records, graded, nota_sum, passed, failed });
}

export async function redisCountBy(r: RedisReadClient, dim: RedisDimension): Promise<Count[]> {
  const key = REDIS_KEYS.countBy[dim];
  const hash = await r.hGetAll(key);
  return sortCounts(Object.keys(hash).map((value) => ({ value, records: count(hash, value, key) })));
}

/** The per-curso hashes joined by curso; a curso missing from a hash (no passes yet) counts 0 there. */
export async function redisByCurso(r: RedisReadClient): Promise<CursoStats[]> {
  const keys = [REDIS_KEYS.countBy.curso, REDIS_KEYS.gradedByCurso, REDIS_KEYS.notaSumByCurso, REDIS_KEYS.passedByCurso, REDIS_KEYS.failedByCurso];
  const hashes = await Promise.all(keys.map((k) => r.hGetAll(k)));
  const cursos = [...new Set(hashes.flatMap((h) => Object.keys(h)))].sort();
  return cursos.map((curso) => {
    const [records, graded, nota_sum, passed, failed] = hashes.map((h, i) => count(h, curso, keys[i]!)) as [number, number, number, number, number];
    return { curso, ...withRatios({ records, graded, nota_sum, passed, failed }) };
  });
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * The newest `limit` records of the capped stream, newest first. Each entry holds the record as JSON;
 * an entry whose JSON cannot be read still shows, with its id and time and empty fields, rather than
 * vanishing from the table.
 */
export async function redisLatest(r: RedisReadClient, limit: number): Promise<LatestRecord[]> {
  const entries = (await r.xRevRange(REDIS_KEYS.recent, '+', '-', { COUNT: limit })) ?? [];
  return entries.map(({ id: entryId, message }) => {
    let rec: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(message.record ?? '');
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) rec = parsed as Record<string, unknown>;
    } catch {
      // Shown as an empty row: see above.
    }
    return {
      id: str(rec.id) ?? message.id ?? entryId,
      // A stream id starts with the milliseconds Redis added the entry at.
      receivedAt: str(rec.receivedAt) ?? new Date(Number(entryId.split('-')[0])).toISOString(),
      route: str(rec.route) ?? '',
      runId: str(rec.runId) ?? '',
      instance: null,
      curso: str(rec.curso) ?? '',
      facultad: str(rec.facultad) ?? '',
      carrera: str(rec.carrera) ?? '',
      region: str(rec.region) ?? '',
      carnet: str(rec.carnet),
      nombre: str(rec.nombre),
      nota: num(rec.nota),
      semestre: str(rec.semestre),
      year: num(rec.year),
    };
  });
}
