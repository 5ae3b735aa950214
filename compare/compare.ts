/**
 * Two runs side by side, per route: the figures, their differences, and whether each difference is
 * larger than the noise within the runs (stats.ts says which test and why). Pure: data in, data out;
 * main.ts prints the table, page.ts draws the page.
 *
 * Many figures are tested at once, so a fair pair of runs would show some "difference" by chance at a
 * fixed level per test; the family's level (default 1%) is split over the tests made (Bonferroni).
 */
import { ROUTES } from '../contract/routes.js';
import type { Run } from './runs.js';
import { fisherExact, mannWhitney } from './stats.js';

export type Test = 'fisher-exact' | 'mann-whitney' | null;

export interface ComparisonRow {
  route: string;
  figure: 'requests' | 'error rate' | 'p50 ms' | 'p95 ms' | 'p99 ms' | 'share of requests';
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

export interface Comparison {
  a: { name: string; verdict: string | null };
  b: { name: string; verdict: string | null };
  familyAlpha: number;
  /** familyAlpha / tests made. */
  testAlpha: number;
  rows: ComparisonRow[];
}

interface RouteFigures {
  requests: number;
  errors: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Per-second percentiles, seconds with data only; empty without a time series. */
  perSecond: Record<'p50' | 'p95' | 'p99', number[]>;
}

function figuresOf(run: Run, route: string): RouteFigures | undefined {
  const tot = run.series?.totals[route];
  const rs = run.series?.routes[route];
  const perSecond = { p50: (rs?.p50 ?? []).filter((v): v is number => v !== null), p95: (rs?.p95 ?? []).filter((v): v is number => v !== null), p99: (rs?.p99 ?? []).filter((v): v is number => v !== null) };
  if (tot) return { requests: tot.requests, errors: tot.errors, p50: tot.p50, p95: tot.p95, p99: tot.p99, perSecond };
  const s = run.summary?.routes[route as keyof NonNullable<Run['summary']>['routes']];
  if (!s) return undefined;
  return { requests: s.requests, errors: Math.round(s.errorRate * s.requests), p50: s.p50, p95: s.p95, p99: s.p99, perSecond };
}

const diffOf = (a: number | null, b: number | null): Pick<ComparisonRow, 'diff' | 'rel'> => ({
  diff: a === null || b === null ? null : b - a,
  rel: a === null || b === null || a === 0 ? null : (b - a) / a,
});

export function compareRuns(a: Run, b: Run, opts: { familyAlpha?: number } = {}): Comparison {
  const familyAlpha = opts.familyAlpha ?? 0.01;
  const routes = [...new Set([...ROUTES, ...Object.keys(a.series?.totals ?? {}), ...Object.keys(b.series?.totals ?? {})])];
  const rows: Omit<ComparisonRow, 'significant'>[] = [];
  const total = (run: Run): number => routes.reduce((n, r) => n + (figuresOf(run, r)?.requests ?? 0), 0);
  for (const route of routes) {
    const fa = figuresOf(a, route);
    const fb = figuresOf(b, route);
    if (!fa && !fb) continue;
    if ((fa?.requests ?? 0) + (fb?.requests ?? 0) === 0) continue;
    rows.push({ route, figure: 'requests', a: fa?.requests ?? null, b: fb?.requests ?? null, ...diffOf(fa?.requests ?? null, fb?.requests ?? null), test: null, pValue: null });
    if ((ROUTES as readonly string[]).includes(route)) {
      const sa = fa && total(a) ? fa.requests / total(a) : null;
      const sb = fb && total(b) ? fb.requests / total(b) : null;
      rows.push({ route, figure: 'share of requests', a: sa, b: sb, ...diffOf(sa, sb), test: 'fisher-exact', pValue: fisherExact({ x: fa?.requests ?? 0, n: total(a) }, { x: fb?.requests ?? 0, n: total(b) }) });
    }
    const ea = fa && fa.requests ? fa.errors / fa.requests : null;
    const eb = fb && fb.requests ? fb.errors / fb.requests : null;
    rows.push({ route, figure: 'error rate', a: ea, b: eb, ...diffOf(ea, eb), test: 'fisher-exact', pValue: fa && fb ? fisherExact({ x: fa.errors, n: fa.requests }, { x: fb.errors, n: fb.requests }) : null });
    for (const p of ['p50', 'p95', 'p99'] as const) {
      const va = fa?.[p] ?? null;
      const vb = fb?.[p] ?? null;
      rows.push({ route, figure: `${p} ms`, a: va, b: vb, ...diffOf(va, vb), test: 'mann-whitney', pValue: fa && fb ? mannWhitney(fa.perSecond[p], fb.perSecond[p]) : null });
    }
  }
  const tests = rows.filter((r) => r.pValue !== null).length;
  const testAlpha = tests > 0 ? familyAlpha / tests : familyAlpha;
  return {
    a: { name: a.name, verdict: a.summary?.verdict ?? null },
    b: { name: b.name, verdict: b.summary?.verdict ?? null },
    familyAlpha,
    testAlpha,
    rows: rows.map((r) => ({ ...r, significant: r.pValue !== null && r.pValue < testAlpha })),
  };
}
