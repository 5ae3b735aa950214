// The compare tests against independent arithmetic: Fisher's exact p-value against an enumeration of
// every 2x2 table in exact integer (BigInt) arithmetic, and R's documented example; Mann-Whitney's
// against U and its normal approximation written out. Then compareRuns on literal runs.
import t from 'tap';
import { TIMESERIES_SCHEMA, type TimeSeries } from '../contract/timeseries.js';
import { compareRuns } from './compare.js';
import { formatComparison } from './format.js';
import type { Run } from './runs.js';
import { fisherExact, mannWhitney } from './stats.js';

function choose(n: number, k: number): bigint {
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
}

/** Two-sided Fisher p as R defines it, by enumerating tables with exact integer weights. */
function fisherByEnumeration(ax: number, an: number, bx: number, bn: number): number {
  const K = ax + bx;
  const weight = (x: number): bigint => choose(an, x) * choose(bn, K - x);
  const obs = weight(ax);
  let num = 0n;
  let den = 0n;
  for (let x = Math.max(0, K - bn); x <= Math.min(K, an); x++) {
    const w = weight(x);
    den += w;
    if (w <= obs) num += w;
  }
  // The exact ratio to far more digits than a double holds, also for tiny p.
  return Number((num * 10n ** 60n) / den) / 1e60;
}

t.test("Fisher's exact test: R's tea-tasting example and exact enumeration", async (t) => {
  t.ok(Math.abs(fisherExact({ x: 3, n: 4 }, { x: 1, n: 4 })! - 0.4857142857) < 1e-9, 'R: fisher.test(matrix(c(3,1,1,3),2)) p = 0.4857');
  for (const [ax, an, bx, bn] of [[0, 1000, 7, 1000], [3, 5000, 3, 5200], [12, 300, 2, 310], [0, 50, 0, 60], [40, 200, 0, 200], [500, 1000, 470, 1000]] as const) {
    const p = fisherExact({ x: ax, n: an }, { x: bx, n: bn })!;
    const exact = fisherByEnumeration(ax, an, bx, bn);
    t.ok(Math.abs(p - exact) <= 1e-9 * exact, `${ax}/${an} vs ${bx}/${bn}: p ${p} = exact ${exact}`);
  }
  t.equal(fisherExact({ x: 0, n: 0 }, { x: 1, n: 10 }), null, 'an empty side: no test');
  t.throws(() => fisherExact({ x: 5, n: 3 }, { x: 0, n: 1 }), RangeError);
});

t.test('Mann-Whitney U: the normal approximation written out', async (t) => {
  // x entirely below y: U = 0, z = -n1*n2/2 / sqrt(n1*n2*(n1+n2+1)/12), no ties.
  const xs = [1, 2, 3, 4, 5];
  const ys = [6, 7, 8, 9, 10];
  const z = -12.5 / Math.sqrt((25 * 11) / 12);
  // 2 * Phi(z) = 1 - 2 * (integral of the normal density from z to 0), by Simpson's rule.
  const steps = 20000;
  const h = -z / steps;
  const phi = (u: number): number => Math.exp(-u * u / 2) / Math.sqrt(2 * Math.PI);
  let area = phi(z) + phi(0);
  for (let i = 1; i < steps; i++) area += (i % 2 ? 4 : 2) * phi(z + i * h);
  const expected = 1 - (2 * area * h) / 3;
  const p = mannWhitney(xs, ys)!;
  t.ok(Math.abs(p - expected) < 1e-10, `p ${p} = 2 Phi(${z.toFixed(4)}) = ${expected}`);
  t.equal(mannWhitney(xs, xs), 1, 'the same values: p = 1');
  t.equal(mannWhitney([3, 3, 3], [3, 3, 3]), 1, 'all tied: p = 1, not NaN');
  t.equal(mannWhitney([1, 2], [3, 4, 5]), null, 'fewer than 3 seconds a side: no test');
  t.ok(mannWhitney([1, 5, 2, 8, 3], [2, 6, 1, 7, 4])! > 0.5, 'interleaved: far from significant');
});

function run(name: string, perSecond: { grpc: number[]; redis: number[] }, errors: { grpc: number; redis: number }): Run {
  const routes: TimeSeries['routes'] = {};
  const totals: TimeSeries['totals'] = {};
  for (const r of ['grpc', 'redis'] as const) {
    const v = perSecond[r];
    const zeros = v.map(() => 0);
    routes[r] = { requests: v.map(() => 100), acks: v.map(() => 100), errors: zeros, retries: zeros, attempts: zeros, attemptsByStatus: {}, p50: v, p95: v, p99: v, max: v };
    totals[r] = { requests: 100 * v.length, acks: 100 * v.length - errors[r], errors: errors[r], retries: 0, attempts: 0, p50: v[0]!, p95: v[0]!, p99: v[0]! };
  }
  const series: TimeSeries = { schema: TIMESERIES_SCHEMA, intervalMs: 1000, t: perSecond.grpc.map((_, i) => i), routes, totals, source: { file: 'x', rows: 0, routeRows: 0, skipped: 0 } };
  return { name, dir: name, summary: undefined, series };
}

t.test('compareRuns: only the planted differences are beyond noise', async (t) => {
  const base = Array.from({ length: 30 }, (_, i) => 10 + (i % 7));
  const a = run('a', { grpc: base, redis: base }, { grpc: 2, redis: 2 });
  const same = compareRuns(a, run('a2', { grpc: base, redis: base }, { grpc: 2, redis: 2 }));
  t.same(same.rows.filter((r) => r.significant), [], 'the same figures: nothing');
  const b = run('b', { grpc: base, redis: base.map((v) => v + 20) }, { grpc: 3, redis: 60 });
  const c = compareRuns(a, b);
  t.same(c.rows.filter((r) => r.significant).map((r) => `${r.route} ${r.figure}`), ['redis error rate', 'redis p50 ms', 'redis p95 ms', 'redis p99 ms']);
  t.equal(c.testAlpha, 0.01 / c.rows.filter((r) => r.pValue !== null).length, 'Bonferroni over the tests made');
  t.match(formatComparison(c), /differences beyond noise: 4/);
  t.match(formatComparison(c), /redis\s+p99 ms\s+10\.0\s+30\.0\s+\+20\.0 \(\+200%\)\s+Mann-Whitney U/);
});
