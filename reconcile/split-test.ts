/**
 * The split check: are the per-route counts the client saw consistent with the configured weights?
 * Each request is one draw "grpc or redis" with P(grpc) = the configured share, so the count on grpc
 * out of n is Binomial(n, share) when the splitter does what its weights say. We test that with the
 * exact two-sided binomial test, as R's binom.test computes it, from @stdlib/stats-binomial-test (a
 * kept library; split-test.test.ts checks it against exact rational arithmetic). Pure: no I/O; the
 * caller chooses the counts (k6's per-route answers) and passes them in.
 */
import binomialTest from '@stdlib/stats-binomial-test';
import type { RouteName } from '../contract/routes.js';

/**
 * Default significance level. A run fails the split check when p <= alpha. 0.001, not the textbook
 * 0.05: the demo and CI run this on every run, and with 0.05 a perfectly fair splitter would fail one
 * run in twenty by chance alone. At 0.001 that is one in a thousand, while a real misconfiguration
 * (90/10 where 50/50 was meant, a dead route) still gives p-values far below it after a few dozen
 * requests.
 */
export const DEFAULT_ALPHA = 0.001;

export type SplitMethod =
  /** Exact two-sided binomial test. */
  | 'exact-binomial'
  /** A configured weight of 0 (or 100%): any request on the 0-weight route is impossible under the weights. */
  | 'degenerate'
  /** n = 0: nothing to test. */
  | 'none';

/** Where the counts came from: k6's per-route answers (the client's view) or given by the caller. */
export type SplitSource = 'k6' | 'acks' | 'given';

export interface RouteShare {
  count: number;
  /** count / n; 0 when n = 0. */
  share: number;
  /** Clopper-Pearson interval of the share at confidence 1 - alpha; null when n = 0. */
  interval: [number, number] | null;
}

export interface SplitTestResult {
  /** Configured share per route, summing to 1. */
  expected: Record<RouteName, number>;
  observed: Record<RouteName, RouteShare>;
  n: number;
  /** Two-sided p-value; null when n = 0 (no test possible). */
  pValue: number | null;
  alpha: number;
  /** True when p > alpha; false when n = 0. */
  pass: boolean;
  method: SplitMethod;
}

export interface SplitTestOptions {
  alpha?: number;
}

function validate(counts: Record<RouteName, number>, weights: Record<RouteName, number>, alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  for (const route of ['grpc', 'redis'] as const) {
    const c = counts[route];
    if (!Number.isSafeInteger(c) || c < 0) throw new RangeError(`count for ${route} must be a non-negative integer, got ${c}`);
    const w = weights[route];
    if (!(Number.isFinite(w) && w >= 0)) throw new RangeError(`weight for ${route} must be a non-negative number, got ${w}`);
  }
  if (weights.grpc + weights.redis <= 0) throw new RangeError('every weight is 0: no split to test');
}

/**
 * Tests observed per-route counts against configured weights (any non-negative numbers, e.g. the
 * HTTPRoute's 50/50). grpc is the "success" side of the binomial; the test is symmetric.
 *
 * The library computes upper tails as 1 - cdf, so p-values below about 1e-12 lose relative precision;
 * they are far below any alpha, and the decision (p > alpha) is what the verdict uses.
 */
export function splitTest(counts: Record<RouteName, number>, weights: Record<RouteName, number>, opts: SplitTestOptions = {}): SplitTestResult {
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  validate(counts, weights, alpha);
  const total = weights.grpc + weights.redis;
  const expected = { grpc: weights.grpc / total, redis: weights.redis / total };
  const n = counts.grpc + counts.redis;
  if (n === 0) {
    const none = { count: 0, share: 0, interval: null };
    return { expected, observed: { grpc: none, redis: none }, n, alpha, pValue: null, pass: false, method: 'none' };
  }
  const result = binomialTest(counts.grpc, n, { p: expected.grpc, alpha, alternative: 'two-sided' });
  const [lo, hi] = result.ci as [number, number];
  const observed = {
    grpc: { count: counts.grpc, share: counts.grpc / n, interval: [lo, hi] as [number, number] },
    redis: { count: counts.redis, share: counts.redis / n, interval: [1 - hi, 1 - lo] as [number, number] },
  };
  // A route with weight 0 must see nothing: one request there is impossible under the weights.
  const zero = (['grpc', 'redis'] as const).find((r) => expected[r] === 0);
  if (zero !== undefined) {
    const pass = counts[zero] === 0;
    return { expected, observed, n, alpha, pValue: pass ? 1 : 0, pass, method: 'degenerate' };
  }
  return { expected, observed, n, alpha, pValue: result.pValue, pass: result.pValue > alpha, method: 'exact-binomial' };
}
