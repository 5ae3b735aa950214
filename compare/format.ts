/** A comparison as text (the terminal) and as cells (the page): one place that says how each figure reads. */
import { describeCostRate } from '../cost/cost-format.js';
import { pValue as pText, table } from '../format/table.js';
import { RATE_TOLERANCE, type Comparison, type ComparisonRow } from './compare.js';

const TEST_NAMES: Record<NonNullable<ComparisonRow['test']>, string> = { 'fisher-exact': "Fisher's exact", 'mann-whitney': 'Mann-Whitney U (per second)' };

/** A figure's value as a person reads it. */
export function value(row: ComparisonRow, v: number | null): string | null {
  if (v === null) return null;
  if (row.figure === 'error rate' || row.figure === 'share of requests') return `${(v * 100).toFixed(2)}%`;
  if (row.figure === 'requests') return String(v);
  return v.toFixed(row.figure === 'CPU ms per ack' ? 3 : 1);
}

export function difference(row: ComparisonRow): string | null {
  if (row.diff === null) return null;
  const sign = row.diff > 0 ? '+' : '';
  const abs = row.figure === 'error rate' || row.figure === 'share of requests' ? `${sign}${(row.diff * 100).toFixed(2)} pts` : `${sign}${row.figure === 'requests' ? row.diff : row.diff.toFixed(row.figure === 'CPU ms per ack' ? 3 : 1)}`;
  return row.rel === null ? abs : `${abs} (${sign}${(row.rel * 100).toFixed(0)}%)`;
}

export const testName = (row: ComparisonRow): string => (row.test ? TEST_NAMES[row.test] : '-');
export const verdictOf = (row: ComparisonRow): string => (row.pValue === null ? '-' : row.significant ? 'yes' : 'no');

/** Where a run's totals came from, when not its own summary.json (a person should know the figures are not the verdict's). */
export function totalsNote(run: Comparison['a']): string {
  if (run.totalsFrom === 'summary.json') return '';
  return run.totalsFrom === 'timeseries.json' ? '; totals from timeseries.json: the run has no summary of its own' : '; no totals';
}

/**
 * The rates the CPU-per-request rows hold at, and a warning when they differ: CPU per request falls as
 * the rate per replica rises, so such a difference is the rates' as much as the runs'. Null without cost rows.
 */
export function costRatesNote(c: Comparison): string | null {
  const r = c.costRates;
  if (r === null) return null;
  const at = (x: typeof r.a): string => (x === null ? 'no cost.json' : describeCostRate(x));
  const rel = r.rel === null ? '' : ` (${r.rel >= 0 ? '+' : ''}${(r.rel * 100).toFixed(0)}%)`;
  const rates = `CPU ms per ack holds A ${at(r.a)}, B ${at(r.b)}${rel}`;
  return r.differ
    ? `WARNING: ${rates}: rates more than ${(RATE_TOLERANCE * 100).toFixed(0)}% apart or other replicas, and CPU per request falls as the rate per replica rises, so its difference is the rates' as much as the runs' (npm run cost reads the cost curves at one rate)`
    : `${rates}: comparable (within ${(RATE_TOLERANCE * 100).toFixed(0)}%, the same replicas)`;
}

export function formatComparison(c: Comparison): string {
  return [
    `A: ${c.a.name} (${c.a.verdict ?? 'no verdict'}${totalsNote(c.a)})`,
    `B: ${c.b.name} (${c.b.verdict ?? 'no verdict'}${totalsNote(c.b)})`,
    '',
    table(
      [
        { header: 'route', cell: (r: ComparisonRow) => r.route },
        { header: 'figure', cell: (r) => r.figure, align: 'left' },
        { header: 'A', cell: (r) => value(r, r.a) },
        { header: 'B', cell: (r) => value(r, r.b) },
        { header: 'B - A', cell: (r) => difference(r) },
        { header: 'test', cell: (r) => testName(r), align: 'left' },
        { header: 'p', cell: (r) => (r.test ? pText(r.pValue) : null) },
        { header: 'beyond noise', cell: (r) => verdictOf(r) },
      ],
      c.rows,
    ),
    '',
    `beyond noise: p < ${c.testAlpha.toPrecision(2)} (${c.familyAlpha} over ${c.rows.filter((r) => r.pValue !== null).length} tests, Bonferroni)`,
    `differences beyond noise: ${c.rows.filter((r) => r.significant).length}`,
    ...(costRatesNote(c) === null ? [] : [costRatesNote(c)!]),
  ].join('\n');
}
