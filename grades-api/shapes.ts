/**
 * The JSON rows grades-api answers, the same for both stores, so a MongoDB panel and its Redis twin
 * have the same columns and the same transformations. Grafana's Infinity datasource reads them.
 */

/** The numbers of the Redis totals hash (contract/stores.ts TOTALS_FIELDS), plus two ratios. */
export interface Totals {
  records: number;
  graded: number;
  nota_sum: number;
  passed: number;
  failed: number;
  /** nota_sum / graded; null when nothing is graded. */
  avg_nota: number | null;
  /** passed / graded; null when nothing is graded. */
  pass_rate: number | null;
}

export interface CursoStats extends Totals {
  curso: string;
}

export interface Count {
  /** The dimension's value; "(none)" for records without it (e.g. no year). */
  value: string;
  records: number;
}

export interface LatestRecord {
  id: string;
  receivedAt: string;
  route: string;
  runId: string;
  /** The pod that stored it; MongoDB keeps it, the Redis stream does not (null there). */
  instance: string | null;
  curso: string;
  facultad: string;
  carrera: string;
  region: string;
  carnet: string | null;
  nombre: string | null;
  nota: number | null;
  semestre: string | null;
  year: number | null;
}

export const NONE = '(none)';

/** Builds Totals from counts; ratios are null rather than NaN when nothing is graded. */
export function withRatios(c: Omit<Totals, 'avg_nota' | 'pass_rate'>): Totals {
  return {
    ...c,
    avg_nota: c.graded > 0 ? c.nota_sum / c.graded : null,
    pass_rate: c.graded > 0 ? c.passed / c.graded : null,
  };
}

/** Largest first, then by value: the order every count panel shows. */
export function sortCounts(rows: Count[]): Count[] {
  return rows.sort((a, b) => b.records - a.records || a.value.localeCompare(b.value));
}
