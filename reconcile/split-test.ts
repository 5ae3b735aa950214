/**
 * The split check: is the observed number of requests per route consistent with the configured
 * weights? Each request is one draw "grpc or redis" with P(grpc) = the configured share, so the count
 * on grpc out of n is Binomial(n, share) when the splitter does what its weights say. We test that
 * with the exact two-sided binomial test (the one R's binom.test computes): the p-value is the total
 * probability of every outcome at most as likely as the one observed.
 *
 * Pure: no I/O. The caller decides which counts to test (summary.json's routes.X.requests, the
 * ingress' counts, or the acknowledged ids) and passes them in.
 */
import type { RouteName } from '../contract/routes.js';

/**
 * Default significance level. A run fails the split check when p <= alpha. 0.001, not the textbook
 * 0.05: the demo and CI run this on every run, and with 0.05 a perfectly fair splitter would fail one
 * run in twenty by chance alone. At 0.001 that is one in a thousand, while a real misconfiguration
 * (90/10 where 50/50 was meant, a dead route) still gives p-values far below it after a few dozen
 * requests.
 */
export const DEFAULT_ALPHA = 0.001;

/**
 * Above this n the exact test gives way to the normal approximation (with continuity correction). The
 * exact computation below costs O(log n + sqrt(n)) and stays accurate well past 10^7; the cut-off only
 * keeps the tail summation short for absurd counts no run here produces.
 */
export const EXACT_MAX_N = 1_000_000_000;

/** Outcomes within this relative distance of the observed one's probability count as "as likely" (R: 1 + 1e-7). */
const REL_ERR = 1 + 1e-7;
const LN_2PI = Math.log(2 * Math.PI);

export type SplitMethod =
  /** Exact two-sided binomial test, pmf from Loader's saddle-point formula, tails summed. */
  | 'exact-binomial'
  /** Normal approximation with continuity correction (only for n > EXACT_MAX_N, or when asked). */
  | 'normal-approximation'
  /** A configured weight of 0 (or 100%): any request on the 0-weight route is impossible under the weights. */
  | 'degenerate'
  /** n = 0: nothing to test. */
  | 'none';

export interface SplitTestResult {
  /** Configured share per route, summing to 1. */
  expected: Record<RouteName, number>;
  /** Observed requests and share per route (share 0 when n = 0). */
  observed: Record<RouteName, { count: number; share: number }>;
  n: number;
  /** Two-sided p-value; null when n = 0 (no test possible). */
  pValue: number | null;
  alpha: number;
  /** True when p > alpha; false when n = 0. */
  pass: boolean;
  method: SplitMethod;
  /** One sentence per fact a person needs (the verdict, and why when it failed or was approximated). */
  reasons: string[];
}

export interface SplitTestOptions {
  alpha?: number;
  /** 'auto' (default): exact up to EXACT_MAX_N, normal approximation above. */
  method?: 'auto' | 'exact' | 'normal';
}

// ---- numerics --------------------------------------------------------------------------------------

/** ln(n!) for n <= 170, exact factorials where doubles hold them. */
function lnFactorialSmall(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return Math.log(f);
}

/** stirlerr(n) = ln(n!) - ln(sqrt(2 pi n) (n/e)^n) for n = 0..15, from exact factorials (15! < 2^53). */
const STIRLERR_SMALL: number[] = Array.from({ length: 16 }, (_, n) =>
  n === 0 ? 0 : lnFactorialSmall(n) - (n + 0.5) * Math.log(n) + n - 0.5 * LN_2PI,
);

/** Loader's stirlerr for integer n >= 0: the error of Stirling's formula, accurate to ~1e-16 absolute. */
export function stirlerr(n: number): number {
  if (n <= 15) return STIRLERR_SMALL[n] ?? 0;
  const S0 = 1 / 12;
  const S1 = 1 / 360;
  const S2 = 1 / 1260;
  const S3 = 1 / 1680;
  const S4 = 1 / 1188;
  const nn = n * n;
  if (n > 500) return (S0 - S1 / nn) / n;
  if (n > 80) return (S0 - (S1 - S2 / nn) / nn) / n;
  if (n > 35) return (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n;
  return (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n;
}

/** Loader's bd0(x, np) = x ln(x/np) + np - x, without the cancellation when x is close to np. */
export function bd0(x: number, np: number): number {
  if (Math.abs(x - np) < 0.1 * (x + np)) {
    let v = (x - np) / (x + np);
    let s = (x - np) * v;
    if (Math.abs(s) < Number.MIN_VALUE) return s;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
  }
  return x * Math.log(x / np) + np - x;
}

/**
 * ln P(X = x) for X ~ Binomial(n, p), by Loader's saddle-point expansion (what R's dbinom uses). Unlike
 * lgamma differences, it does not lose digits to cancellation for large n: the absolute error stays
 * near 1e-15 for n in the billions.
 */
export function logBinomPmf(x: number, n: number, p: number): number {
  const q = 1 - p;
  if (x < 0 || x > n) return -Infinity;
  if (p === 0) return x === 0 ? 0 : -Infinity;
  if (q === 0) return x === n ? 0 : -Infinity;
  if (x === 0) return n === 0 ? 0 : p < 0.1 ? -bd0(n, n * q) - n * p : n * Math.log(q);
  if (x === n) return q < 0.1 ? -bd0(n, n * p) - n * q : n * Math.log(p);
  const lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q);
  const lf = LN_2PI + Math.log(x) + Math.log1p(-x / n);
  return lc - 0.5 * lf;
}

/**
 * ln of the sum of pmf(i) for i from `start` moving by `step` (-1 or +1) while pmf decreases, i.e. a
 * tail. Terms come from the ratio recurrence pmf(i±1)/pmf(i), relative to pmf(start), so nothing
 * underflows; the sum stops once a term no longer changes it.
 */
function logTail(start: number, step: -1 | 1, n: number, p: number): number {
  const q = 1 - p;
  const first = logBinomPmf(start, n, p);
  let term = 1;
  let sum = 1;
  for (let i = start; step < 0 ? i > 0 : i < n; i += step) {
    term *= step < 0 ? (i / (n - i + 1)) * (q / p) : ((n - i) / (i + 1)) * (p / q);
    const next = sum + term;
    if (next === sum) break;
    sum = next;
  }
  return first + Math.log(sum);
}

/**
 * Exact two-sided binomial test p-value for k successes in n trials with success probability p: the
 * sum of P(X = i) over every i with P(X = i) <= P(X = k) (within REL_ERR). The pmf rises up to the
 * mode and falls after it, so those outcomes are two tails [0, a] and [b, n]; binary searches find a
 * and b, and only the tails' non-negligible terms are summed.
 */
export function binomialTestExact(k: number, n: number, p: number): number {
  checkCounts(k, n);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
  if (n === 0) return 1;
  if (p === 0) return k === 0 ? 1 : 0;
  if (p === 1) return k === n ? 1 : 0;
  const threshold = logBinomPmf(k, n, p) + Math.log(REL_ERR);
  const lp = (i: number): number => logBinomPmf(i, n, p);
  const mode = Math.min(n, Math.floor((n + 1) * p));

  // Largest a in [0, mode] with pmf(a) <= threshold (pmf non-decreasing there); -1 when none.
  let lo = 0;
  let hi = mode;
  let a = -1;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (lp(mid) <= threshold) {
      a = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  // Smallest b in [mode + 1, n] with pmf(b) <= threshold (pmf non-increasing there); n + 1 when none.
  lo = mode + 1;
  hi = n;
  let b = n + 1;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (lp(mid) <= threshold) {
      b = mid;
      hi = mid - 1;
    } else lo = mid + 1;
  }
  if (a === mode && b === mode + 1) return 1; // every outcome is at most as likely: the observed is the mode
  const lower = a >= 0 ? Math.exp(logTail(a, -1, n, p)) : 0;
  const upper = b <= n ? Math.exp(logTail(b, 1, n, p)) : 0;
  return Math.min(1, lower + upper);
}

/**
 * Two-sided p-value from the normal approximation with continuity correction:
 * z = (|k - np| - 1/2) / sqrt(np(1-p)), p = erfc(z / sqrt 2). Good to several digits once np(1-p) is
 * large, which it is wherever this is used.
 */
export function binomialTestNormal(k: number, n: number, p: number): number {
  checkCounts(k, n);
  if (n === 0) return 1;
  if (p === 0) return k === 0 ? 1 : 0;
  if (p === 1) return k === n ? 1 : 0;
  const sd = Math.sqrt(n * p * (1 - p));
  const z = Math.max(0, Math.abs(k - n * p) - 0.5) / sd;
  return Math.min(1, erfc(z / Math.SQRT2));
}

function checkCounts(k: number, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!Number.isSafeInteger(k) || k < 0 || k > n) throw new RangeError(`k must be an integer in [0, n=${n}], got ${k}`);
}

/** erfc(x) for x >= 0 as the regularized upper incomplete gamma Q(1/2, x^2); relative error ~1e-15. */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  const a = 0.5;
  const t = x * x;
  if (t === 0) return 1;
  const lnGammaHalf = 0.5 * Math.log(Math.PI);
  if (t < a + 1) {
    // Series for P(a, t); Q = 1 - P.
    let ap = a;
    let sum = 1 / a;
    let del = sum;
    for (let i = 0; i < 10_000; i++) {
      ap += 1;
      del *= t / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * 1e-17) break;
    }
    return 1 - sum * Math.exp(-t + a * Math.log(t) - lnGammaHalf);
  }
  // Continued fraction for Q(a, t) (modified Lentz).
  const tiny = 1e-300;
  let b = t + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(-t + a * Math.log(t) - lnGammaHalf) * h;
}

// ---- the split check -------------------------------------------------------------------------------

const pct = (x: number): string => `${(x * 100).toFixed(x === 0 || x === 1 ? 0 : 2)}%`;

function formatP(p: number): string {
  if (p === 0) return '0';
  if (p >= 0.001) return p.toPrecision(3);
  return p.toExponential(2);
}

/**
 * Tests observed per-route counts against configured weights (any non-negative numbers, e.g. the
 * HTTPRoute's 50/50 or routeFractions()). grpc is the "success" side of the binomial; the test is
 * symmetric, so the choice does not matter.
 */
export function splitTest(
  counts: Record<RouteName, number>,
  weights: Record<RouteName, number>,
  opts: SplitTestOptions = {},
): SplitTestResult {
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  for (const route of ['grpc', 'redis'] as const) {
    const c = counts[route];
    if (!Number.isSafeInteger(c) || c < 0) throw new RangeError(`count for ${route} must be a non-negative integer, got ${c}`);
    const w = weights[route];
    if (!(Number.isFinite(w) && w >= 0)) throw new RangeError(`weight for ${route} must be a non-negative number, got ${w}`);
  }
  const total = weights.grpc + weights.redis;
  if (total <= 0) throw new RangeError('every weight is 0: no split to test');
  const expected = { grpc: weights.grpc / total, redis: weights.redis / total };
  const n = counts.grpc + counts.redis;
  const observed = {
    grpc: { count: counts.grpc, share: n > 0 ? counts.grpc / n : 0 },
    redis: { count: counts.redis, share: n > 0 ? counts.redis / n : 0 },
  };
  const base = { expected, observed, n, alpha };
  const shares = `observed grpc ${pct(observed.grpc.share)} (${counts.grpc}) / redis ${pct(observed.redis.share)} (${counts.redis}) of ${n}, expected ${pct(expected.grpc)} / ${pct(expected.redis)}`;

  if (n === 0) {
    return { ...base, pValue: null, pass: false, method: 'none', reasons: ['split: no requests were counted on either route (n = 0), so the split cannot be tested'] };
  }

  // A route with weight 0 must see nothing: one request there is impossible under the weights.
  const zero = (['grpc', 'redis'] as const).find((r) => expected[r] === 0);
  if (zero !== undefined) {
    const pass = counts[zero] === 0;
    return {
      ...base,
      pValue: pass ? 1 : 0,
      pass,
      method: 'degenerate',
      reasons: [
        pass
          ? `split: within the weights: ${shares} (route ${zero} has weight 0 and got no request)`
          : `split: OUTSIDE the weights: route ${zero} has weight 0 but got ${counts[zero]} of ${n} requests (${shares})`,
      ],
    };
  }

  const method = opts.method ?? 'auto';
  const exact = method === 'exact' || (method === 'auto' && n <= EXACT_MAX_N);
  const pValue = exact ? binomialTestExact(counts.grpc, n, expected.grpc) : binomialTestNormal(counts.grpc, n, expected.grpc);
  const pass = pValue > alpha;
  const how = exact ? 'exact two-sided binomial test' : 'normal approximation with continuity correction';
  const reasons = [
    pass
      ? `split: within the weights: ${shares}; p = ${formatP(pValue)} > alpha = ${alpha} (${how})`
      : `split: OUTSIDE the weights: ${shares}; p = ${formatP(pValue)} <= alpha = ${alpha} (${how})`,
  ];
  if (!exact) reasons.push(`split: n = ${n} is above ${EXACT_MAX_N}, so the p-value comes from the normal approximation, not the exact test`);
  return { ...base, pValue, pass, method: exact ? 'exact-binomial' : 'normal-approximation', reasons };
}
