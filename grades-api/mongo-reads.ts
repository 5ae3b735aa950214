/**
 * The grade aggregates read from MongoDB (records of both routes), in the shapes of shapes.ts. Every
 * pipeline uses only what FerretDB v1 supports ($match, $group with $sum), so the numbers are the same
 * on mongod and on the local FerretDB; an average is nota_sum / graded, computed here, not with $avg.
 */
import type { Collection, Document } from 'mongodb';
import { NOTA_MIN, PASSING_NOTA } from '../contract/grade.js';
import { RECORD_FIELDS } from '../contract/stores.js';
import type { GradeDocument } from '../stores/mongo-grades.js';
import { NONE, sortCounts, withRatios, type Count, type CursoStats, type LatestRecord, type Totals } from './shapes.js';

/** Fields a count can be broken down by, and a filter can match on. */
export const DIMENSIONS = ['curso', 'facultad', 'carrera', 'region', 'year', RECORD_FIELDS.route, RECORD_FIELDS.runId] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Equality filters; an absent field matches everything. */
export type GradeFilter = Partial<Record<Exclude<Dimension, 'year'>, string> & { year: number }>;

export function toMatch(filter: GradeFilter): Document {
  const match: Document = {};
  for (const dim of DIMENSIONS) {
    const v = filter[dim];
    if (v !== undefined) match[dim] = v;
  }
  return match;
}

interface Grouped {
  _id: unknown;
  v: number;
}

/**
 * One $group with ONE accumulator. FerretDB v1 computes only the first accumulator of a $group (later
 * ones come back 0, checked in grafana/panels.test.ts), so a count and a sum are two pipelines.
 */
async function group(coll: Collection<GradeDocument>, match: Document, by: string | null, acc: 'count' | 'notaSum'): Promise<Map<string, number>> {
  const v = acc === 'count' ? { $sum: 1 } : { $sum: '$nota' };
  const rows = await coll.aggregate<Grouped>([{ $match: match }, { $group: { _id: by === null ? null : `$${by}`, v } }]).toArray();
  return new Map(rows.map((r) => [r._id === null || r._id === undefined ? NONE : String(r._id), r.v]));
}

// Type bracketing: a range on nota matches numbers only, so records without a nota are "not graded".
const graded = { nota: { $gte: NOTA_MIN } };
const passedMatch = { nota: { $gte: PASSING_NOTA } };

/** records, graded, nota_sum and passed per value of `by` (or overall when null): four small pipelines. */
async function gradeCounts(coll: Collection<GradeDocument>, filter: GradeFilter, by: string | null): Promise<Map<string, Totals>> {
  const m = toMatch(filter);
  const [all, g, s, p] = await Promise.all([
    group(coll, m, by, 'count'),
    group(coll, { ...m, ...graded }, by, 'count'),
    group(coll, { ...m, ...graded }, by, 'notaSum'),
    group(coll, { ...m, ...passedMatch }, by, 'count'),
  ]);
  const out = new Map<string, Totals>();
  for (const [key, records] of all) {
    const gradedN = g.get(key) ?? 0;
    const passedN = p.get(key) ?? 0;
    out.set(key, withRatios({ records, graded: gradedN, nota_sum: s.get(key) ?? 0, passed: passedN, failed: gradedN - passedN }));
  }
  return out;
}

export async function totals(coll: Collection<GradeDocument>, filter: GradeFilter = {}): Promise<Totals> {
  const all = await gradeCounts(coll, filter, null);
  return all.get(NONE) ?? withRatios({ records: 0, graded: 0, nota_sum: 0, passed: 0, failed: 0 });
}

export async function countBy(coll: Collection<GradeDocument>, dimension: Dimension, filter: GradeFilter = {}): Promise<Count[]> {
  const rows = await group(coll, toMatch(filter), dimension, 'count');
  return sortCounts([...rows].map(([value, records]) => ({ value, records })));
}

export async function byCurso(coll: Collection<GradeDocument>, filter: GradeFilter = {}): Promise<CursoStats[]> {
  const rows = await gradeCounts(coll, filter, 'curso');
  return [...rows].map(([curso, t]) => ({ curso, ...t })).sort((a, b) => a.curso.localeCompare(b.curso));
}

export async function latest(coll: Collection<GradeDocument>, filter: GradeFilter = {}, limit = 20): Promise<LatestRecord[]> {
  const docs = await coll.find(toMatch(filter)).sort({ [RECORD_FIELDS.receivedAt]: -1, _id: 1 }).limit(limit).toArray();
  return docs.map((d) => ({
    id: d._id,
    receivedAt: d.receivedAt instanceof Date ? d.receivedAt.toISOString() : String(d.receivedAt),
    route: d.route,
    runId: d.runId,
    instance: d.instance,
    curso: d.curso,
    facultad: d.facultad,
    carrera: d.carrera,
    region: d.region,
    carnet: d.carnet ?? null,
    nombre: d.nombre ?? null,
    nota: d.nota ?? null,
    semestre: d.semestre ?? null,
    year: d.year ?? null,
  }));
}
