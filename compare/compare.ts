/**
 * Two runs side by side, per route: the figures, their differences, and whether each difference is
 * larger than the noise within the runs (stats.ts says which test and why). Pure: data in, data out;
 * main.ts prints the table, page.ts draws the page.
 *
 * Each run's totals (requests, errors, error rate, p50/p95/p99 per route, and all requests) are its own
 * record, read as written, never added up again: summary.json, the figures its verdict was made on
 * (k6's summary). A run without them (no summary.json, or k6 wrote none) falls back to timeseries.json's
 * totals, and the comparison says which file each run's came from. The per-second percentiles the
 * latency test needs are only in timeseries.json.
 *
 * CPU per acknowledged request (cost.json) is a row per route too, untested (one figure per run: no
 * noise within the run to test it against). It holds only at the rate it was measured at (it falls as
 * the rate per replica rises), so the comparison records both runs' rates and whether they differ by more
 * than RATE_TOLERANCE, or their replicas differ: then those rows compare rates as much as runs.
 *
 * Many figures are tested at once, so a fair pair of runs would show some "difference" by chance at a
 * fixed level per test; the family's level (default 1%) is split over the tests made (Bonferroni).
 */
import { ROUTES } from '../contract/routes.js';
import type { CostRate } from '../cost/cost.js';
import type { DemoSummary } from '../demo/summary.js';
import type { Run } from './runs.js';
import { fisherExact, mannWhitney } from './stats.js';

export type Test = 'fisher-exact' | 'mann-whitney' | null;

export interface ComparisonRow {
  route: string;
  figure: 'requests' | 'error rate' | 'p50 ms' | 'p95 ms' | 'p99 ms' | 'share of requests' | 'CPU ms per ack';
  a: number | null;
  b: number | null;
  /** b - a. */
  diff: number | null;
  /** (b - a) / a; null when a is 0 or absent. */
  rel: number | null;
  test: Test;
  pValue: number | null;
  /** p below the per-test level. */
  significant: boolean;
}

/** Where a run's totals were read: its summary.json, or for a run without one, its timeseries.json. */
export type TotalsSource = 'summary.json' | 'timeseries.json';

/** Requests whose answer named no route of the split (k6's `unrouted`; every one failed): a row of its own. */
export const UNROUTED = 'unrouted';

/** Rates further apart than this (relative to A's) make the CPU-per-request rows a comparison of rates. */
export const RATE_TOLERANCE = 0.1;

/** The rates the two runs' cost figures hold at; `differ`: beyond RATE_TOLERANCE, or other replicas. */
export interface CostRates {
  a: CostRate | null;
  b: CostRate | null;
  /** (b - a) / a of the achieved rates; null without both. */
  rel: number | null;
  differ: boolean;
}

export interface Comparison {
  a: { name: string; verdict: string | null; totalsFrom: TotalsSource | null };
  b: { name: string; verdict: string | null; totalsFrom: TotalsSource | null };
  familyAlpha: number;
  /** familyAlpha / tests made. */
  testAlpha: number;
  rows: ComparisonRow[];
  /** Null when neither run measured its cost. */
  costRates: CostRates | null;
}

interface RouteFigures {
  requests: number;
  errors: number;
  /** errors / requests as the run recorded it; null without requests. */
  errorRate: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Per-second percentiles, seconds with data only; empty without a time series. */
  perSecond: Record<'p50' | 'p95' | 'p99', number[]>;
}

interface RunFigures {
  from: TotalsSource;
  /** Every request of the run, routed or not: what a route's share is of. */
  requests: number;
  routes: Record<string, RouteFigures>;
}

/**
 * A route's errors as summary.json records them. Summaries written before it recorded the count have
 * only the rate, which k6 rounds to 6 decimals: rate x requests rounds back to the count exactly below
 * a million requests (the rounding is at most 5e-7 per request).
 */
const errorsOf = (r: DemoSummary['routes'][keyof DemoSummary['routes']]): number => (typeof r.errors === 'number' ? r.errors : Math.round(r.errorRate * r.requests));

function figuresOf(run: Run): RunFigures | undefined {
  const perSecond = (route: string): RouteFigures['perSecond'] => {
    const rs = run.series?.routes[route];
    const seconds = (v: (number | null)[] | undefined): number[] => (v ?? []).filter((x): x is number => x !== null);
    return { p50: seconds(rs?.p50), p95: seconds(rs?.p95), p99: seconds(rs?.p99) };
  };
  const s = run.summary;
  if (s?.k6) {
    const routes: Record<string, RouteFigures> = {};
    for (const [route, r] of Object.entries(s.routes)) {
      routes[route] = { requests: r.requests, errors: errorsOf(r), errorRate: r.requests > 0 ? r.errorRate : null, p50: r.p50, p95: r.p95, p99: r.p99, perSecond: perSecond(route) };
    }
    routes[UNROUTED] = { requests: s.k6.unrouted, errors: s.k6.unrouted, errorRate: 1, p50: null, p95: null, p99: null, perSecond: { p50: [], p95: [], p99: [] } };
    return { from: 'summary.json', requests: s.k6.requests, routes };
  }
  if (!run.series) return undefined;
  // No summary of the run's own: the time series' totals, every route k6 recorded (`none` and `other`
  // too: answers without a usable X-Route).
  const routes: Record<string, RouteFigures> = {};
  for (const [route, tot] of Object.entries(run.series.totals)) {
    routes[route] = { requests: tot.requests, errors: tot.errors, errorRate: tot.requests > 0 ? tot.errors / tot.requests : null, p50: tot.p50, p95: tot.p95, p99: tot.p99, perSecond: perSecond(route) };
  }
  return { from: 'timeseries.json', requests: Object.values(routes).reduce((n, r) => n + r.requests, 0), routes };
}

const diffOf = (a: number | null, b: number | null): Pick<ComparisonRow, 'diff' | 'rel'> => ({
  diff: a === null || b === null ? null : b - a,
  rel: a === null || b === null || a === 0 ? null : (b - a) / a,
});

export function costRates(a: CostRate | null, b: CostRate | null): CostRates {
  const ra = a?.achievedRps ?? null;
  const rb = b?.achievedRps ?? null;
  const rel = ra === null || rb === null || ra === 0 ? null : (rb - ra) / ra;
  const replicasDiffer = a !== null && b !== null && JSON.stringify(Object.entries(a.replicas).sort()) !== JSON.stringify(Object.entries(b.replicas).sort());
  return { a, b, rel, differ: (rel !== null && Math.abs(rel) > RATE_TOLERANCE) || replicasDiffer };
}

export function compareRuns(a: Run, b: Run, opts: { familyAlpha?: number } = {}): Comparison {
  const familyAlpha = opts.familyAlpha ?? 0.01;
  const ra = figuresOf(a);
  const rb = figuresOf(b);
  const routes = [...new Set([...ROUTES, ...Object.keys(ra?.routes ?? {}), ...Object.keys(rb?.routes ?? {})])];
  const rows: Omit<ComparisonRow, 'significant'>[] = [];
  for (const route of routes) {
    const fa = ra?.routes[route];
    const fb = rb?.routes[route];
    if (!fa && !fb) continue;
    if ((fa?.requests ?? 0) + (fb?.requests ?? 0) === 0) continue;
    rows.push({ route, figure: 'requests', a: fa?.requests ?? null, b: fb?.requests ?? null, ...diffOf(fa?.requests ?? null, fb?.requests ?? null), test: null, pValue: null });
    if ((ROUTES as readonly string[]).includes(route)) {
      const sa = fa && ra?.requests ? fa.requests / ra.requests : null;
      const sb = fb && rb?.requests ? fb.requests / rb.requests : null;
      rows.push({ route, figure: 'share of requests', a: sa, b: sb, ...diffOf(sa, sb), test: 'fisher-exact', pValue: fisherExact({ x: fa?.requests ?? 0, n: ra?.requests ?? 0 }, { x: fb?.requests ?? 0, n: rb?.requests ?? 0 }) });
    }
    // Every unrouted request failed: its count is the figure, an error rate of 1 says nothing more.
    if (route === UNROUTED) continue;
    const ea = fa?.errorRate ?? null;
    const eb = fb?.errorRate ?? null;
    rows.push({ route, figure: 'error rate', a: ea, b: eb, ...diffOf(ea, eb), test: 'fisher-exact', pValue: fa && fb ? fisherExact({ x: fa.errors, n: fa.requests }, { x: fb.errors, n: fb.requests }) : null });
    for (const p of ['p50', 'p95', 'p99'] as const) {
      const va = fa?.[p] ?? null;
      const vb = fb?.[p] ?? null;
      rows.push({ route, figure: `${p} ms`, a: va, b: vb, ...diffOf(va, vb), test: 'mann-whitney', pValue: fa && fb ? mannWhitney(fa.perSecond[p], fb.perSecond[p]) : null });
    }
  }
  if (a.cost || b.cost) {
    for (const route of ROUTES) {
      const ca = a.cost?.routes[route]?.cpuMsPerAck ?? null;
      const cb = b.cost?.routes[route]?.cpuMsPerAck ?? null;
      rows.push({ route, figure: 'CPU ms per ack', a: ca, b: cb, ...diffOf(ca, cb), test: null, pValue: null });
    }
  }
  const tests = rows.filter((r) => r.pValue !== null).length;
  const testAlpha = tests > 0 ? familyAlpha / tests : familyAlpha;
  return {
    a: { name: a.name, verdict: a.summary?.verdict ?? null, totalsFrom: ra?.from ?? null },
    b: { name: b.name, verdict: b.summary?.verdict ?? null, totalsFrom: rb?.from ?? null },
    familyAlpha,
    testAlpha,
    rows: rows.map((r) => ({ ...r, significant: r.pValue !== null && r.pValue < testAlpha })),
    costRates: a.cost || b.cost ? costRates(a.cost?.rate ?? null, b.cost?.rate ?? null) : null,
  };
}
