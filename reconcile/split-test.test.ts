// The split check's statistics: the library's p-values (@stdlib/stats-binomial-test) against known
// values, against an exact rational brute force (BigInt, the oracle), against values computed
// independently for large n, and the edge cases of splitTest().
import t from 'tap';
import { DEFAULT_ALPHA, splitTest } from './split-test.js';

/** The p-value splitTest computes for k of n on grpc with P(grpc) = p. */
const pOf = (k: number, n: number, p: number): number => splitTest({ grpc: k, redis: n - k }, { grpc: p, redis: 1 - p }).pValue ?? NaN;

/** num/den as a double, keeping ~17 significant digits however small the ratio. */
function ratio(num: bigint, den: bigint): number {
  if (num === 0n) return 0;
  // Scale so the integer quotient has ~64 bits, then undo the scale in floating point.
  const shift = BigInt(den.toString(2).length - num.toString(2).length + 64);
  const q = shift >= 0n ? (num << shift) / den : num / (den << -shift);
  return Number(q) * 2 ** -Number(shift);
}

/**
 * The two-sided binomial p-value with p = a/b, exactly: pmf(i) = C(n,i) a^i (b-a)^(n-i) / b^n, summed
 * over every i with pmf(i) <= pmf(k) * (1 + 1e-7) (R's binom.test rule), all in integers.
 */
function bruteForce(k: number, n: number, a: number, b: number): number {
  const A = BigInt(a);
  const B = BigInt(b);
  const numer: bigint[] = [];
  let c = 1n; // C(n, i)
  for (let i = 0; i <= n; i++) {
    numer.push(c * A ** BigInt(i) * (B - A) ** BigInt(n - i));
    c = (c * BigInt(n - i)) / BigInt(i + 1);
  }
  const limit = numer[k]! * 10_000_001n; // pmf(k) * (1 + 1e-7), scaled by 1e7
  let sum = 0n;
  for (const x of numer) if (x * 10_000_000n <= limit) sum += x;
  return ratio(sum, B ** BigInt(n));
}

/** [ok, message] for t.ok(): actual within `rel` relative error of expected (absolute when expected is 0). */
function within(actual: number, expected: number, rel: number, what: string): [boolean, string] {
  const err = expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
  return [err <= rel, `${what}: got ${actual}, expected ${expected} (relative error ${err.toExponential(2)})`];
}

t.test('known p-values', async (t) => {
  t.ok(...within(pOf(0, 10, 0.5), 0.001953125, 1e-12, 'n=10, k=0: 2 * 0.5^10'));
  t.ok(...within(pOf(10, 10, 0.5), 0.001953125, 1e-12, 'n=10, k=10: the same by symmetry'));
  t.equal(pOf(50, 100, 0.5), 1, 'n=100, k=50 is the mode: p = 1');
  t.ok(...within(pOf(40, 100, 0.5), 0.05688793364098078, 1e-12, 'R: binom.test(40, 100)$p.value'));
  t.equal(pOf(1, 1, 0.5), 1);
});

t.test('exact p-values equal exact rational sums (BigInt brute force, the oracle)', async (t) => {
  const probabilities: [number, number][] = [
    [1, 2],
    [3, 10],
    [1, 10],
    [9, 10],
    [1, 3],
    [999, 1000],
  ];
  let checked = 0;
  for (const n of [1, 2, 3, 10, 37, 100, 251, 1000]) {
    for (const [a, b] of probabilities) {
      const p = a / b;
      const mean = Math.round(n * p);
      const ks = new Set([0, 1, n - 1, n, mean, Math.max(0, mean - 3), Math.min(n, mean + 3), Math.floor(n / 7), Math.floor((n * 5) / 6)]);
      for (const k of ks) {
        if (k < 0 || k > n) continue;
        const want = bruteForce(k, n, a, b);
        const got = pOf(k, n, p);
        // The library sums upper tails as 1 - cdf: below ~1e-9 only the decision matters, and it holds.
        if (want >= 1e-9) t.ok(...within(got, want, 1e-6, `k=${k} n=${n} p=${a}/${b}`));
        else t.ok(got < 1e-8, `k=${k} n=${n} p=${a}/${b}: oracle ${want.toExponential(2)}, library ${got.toExponential(2)}, both far below any alpha`);
        checked++;
      }
    }
  }
  t.ok(checked > 200, `${checked} cases`);
});

t.test('large n: accurate, and symmetric', async (t) => {
  const a = pOf(498_765, 1_000_000, 0.5);
  const b = pOf(501_235, 1_000_000, 0.5);
  t.ok(...within(a, b, 1e-9, 'p = 1/2 is symmetric at n = 10^6'));
  t.ok(pOf(0, 1_000_000, 0.5) < 1e-12, 'all on one route out of 10^6: tiny, no NaN');
  t.ok(pOf(500_400, 1_000_000, 0.5) > 0.4, 'a 0.04% deviation of 10^6 is noise');
  t.ok(pOf(505_000, 1_000_000, 0.5) < 1e-20, 'a 0.5% deviation of 10^6 is not');
});

t.test('splitTest: shape, verdicts and defaults', async (t) => {
  const fair = splitTest({ grpc: 510, redis: 490 }, { grpc: 50, redis: 50 });
  t.equal(fair.alpha, DEFAULT_ALPHA);
  t.equal(DEFAULT_ALPHA, 0.001);
  t.same(fair.expected, { grpc: 0.5, redis: 0.5 });
  t.match(fair.observed, { grpc: { count: 510, share: 0.51 }, redis: { count: 490, share: 0.49 } });
  const [lo, hi] = fair.observed.grpc.interval ?? [NaN, NaN];
  t.ok(lo < 0.51 && 0.51 < hi && lo > 0.45 && hi < 0.57, `a 99.9% interval around 0.51: [${lo}, ${hi}]`);
  t.same(fair.observed.redis.interval, [1 - hi, 1 - lo], 'redis interval mirrors grpc');
  t.equal(fair.n, 1000);
  t.equal(fair.method, 'exact-binomial');
  t.equal(fair.pass, true);
  t.ok(fair.pValue !== null && fair.pValue > 0.5, 'p about 0.55');

  const skewed = splitTest({ grpc: 900, redis: 100 }, { grpc: 50, redis: 50 });
  t.equal(skewed.pass, false, '90/10 where 50/50 was configured fails');
  const ninety = splitTest({ grpc: 900, redis: 100 }, { grpc: 90, redis: 10 });
  t.equal(ninety.pass, true, 'and passes against 90/10 weights');
  t.same(ninety.expected, { grpc: 0.9, redis: 0.1 });

  const strict = splitTest({ grpc: 0, redis: 10 }, { grpc: 1, redis: 1 });
  t.ok(...within(strict.pValue ?? NaN, 0.001953125, 1e-12, 'p of 0 of 10'));
  t.equal(strict.pass, true, 'p = 0.00195 > 0.001: ten requests cannot prove a bad split at this alpha');
  t.equal(splitTest({ grpc: 0, redis: 10 }, { grpc: 1, redis: 1 }, { alpha: 0.01 }).pass, false, 'but do at alpha 0.01');
});

t.test('splitTest: edge cases', async (t) => {
  const none = splitTest({ grpc: 0, redis: 0 }, { grpc: 50, redis: 50 });
  t.equal(none.pass, false, 'n = 0 fails');
  t.equal(none.pValue, null);
  t.equal(none.method, 'none');

  const zeroHit = splitTest({ grpc: 999, redis: 1 }, { grpc: 100, redis: 0 });
  t.equal(zeroHit.pass, false, 'one request on a 0-weight route fails');
  t.equal(zeroHit.pValue, 0);
  t.equal(zeroHit.method, 'degenerate');

  const allGrpc = splitTest({ grpc: 1000, redis: 0 }, { grpc: 100, redis: 0 });
  t.equal(allGrpc.pass, true, '100/0 with everything on grpc passes');
  t.equal(allGrpc.pValue, 1);
  t.same(allGrpc.expected, { grpc: 1, redis: 0 });
  t.equal(splitTest({ grpc: 0, redis: 7 }, { grpc: 0, redis: 3 }).pass, true, '0/100 with everything on redis passes');

  t.throws(() => splitTest({ grpc: -1, redis: 3 }, { grpc: 1, redis: 1 }), RangeError);
  t.throws(() => splitTest({ grpc: 1.5, redis: 3 }, { grpc: 1, redis: 1 }), RangeError);
  t.throws(() => splitTest({ grpc: 1, redis: 3 }, { grpc: 0, redis: 0 }), RangeError, 'all weights 0');
  t.throws(() => splitTest({ grpc: 1, redis: 3 }, { grpc: 1, redis: 1 }, { alpha: 0 }), RangeError);
});
