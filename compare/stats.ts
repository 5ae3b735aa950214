/**
 * The two tests of `npm run compare`, both from kept libraries (@stdlib), pure.
 *
 * Error rates (and the split's shares): Fisher's exact test on the 2x2 table (errors, non-errors) x
 * (run A, run B), two-sided as R's fisher.test: the sum of the hypergeometric probabilities of every
 * table no more likely than the one observed. Exact, because errors are rare: a run with 0 or 3 errors
 * is the usual case and a normal-approximation two-proportion test is wrong there.
 *
 * Latency: the Mann-Whitney U (Wilcoxon rank-sum) test on the per-second percentiles of the two runs,
 * computed as the Kruskal-Wallis test with two groups (the same test: its statistic is the squared
 * normal score of U, with the tie correction) from @stdlib/stats-kruskal-test. Per second, not per
 * request: requests in the same second share the machine's state (a GC pause, an fsync stall slows
 * them together), so per-request latencies are not independent, and a per-request test would call
 * every small difference significant on 100k samples. Seconds are close to independent blocks, each
 * second's percentile is exact (timeseries/), and a rank test needs no assumption about the skewed,
 * heavy-tailed shape latency has. What it cannot see: a difference between the two runs' machines or
 * moments that no within-run spread reveals. Two runs cannot measure that; repeat runs can.
 */
import pmf from '@stdlib/stats-base-dists-hypergeometric-pmf';
import kruskalTest from '@stdlib/stats-kruskal-test';

export interface Count {
  /** Events (errors, requests on a route). */
  x: number;
  /** Trials (requests). */
  n: number;
}

/** Two-sided p-value of Fisher's exact test of x/n in run A vs run B; null when either n is 0. */
export function fisherExact(a: Count, b: Count): number | null {
  for (const c of [a, b]) if (!(Number.isSafeInteger(c.x) && Number.isSafeInteger(c.n) && c.x >= 0 && c.x <= c.n)) throw new RangeError(`bad count ${JSON.stringify(c)}: need 0 <= x <= n, integers`);
  if (a.n === 0 || b.n === 0) return null;
  // Margins: N tables' cells, K events in all, a.n drawn for run A; a.x is hypergeometric.
  const N = a.n + b.n;
  const K = a.x + b.x;
  const lo = Math.max(0, a.n - (N - K));
  const hi = Math.min(K, a.n);
  const observed = pmf(a.x, N, K, a.n);
  // R's fisher.test: a relative tolerance so tables as likely as the observed one are not lost to rounding.
  const limit = observed * (1 + 1e-7);
  let p = 0;
  for (let x = lo; x <= hi; x++) {
    const q = pmf(x, N, K, a.n);
    if (q <= limit) p += q;
  }
  return Math.min(1, p);
}

/** Two-sided p-value of the Mann-Whitney U test (normal approximation, ties corrected); null below 3 values a side. */
export function mannWhitney(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length < 3 || ys.length < 3) return null;
  const first = xs[0];
  // Every value the same: no ranks to tell the runs apart (the library would divide by zero).
  if ([...xs, ...ys].every((v) => v === first)) return 1;
  return kruskalTest([...xs], [...ys]).pValue;
}
