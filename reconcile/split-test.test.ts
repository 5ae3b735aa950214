// The split check's statistics: p-values against known values, against exact rational arithmetic
// (BigInt), against values computed independently for large n, and the edge cases of splitTest().
import t from 'tap';
import {
  binomialTestExact,
  binomialTestNormal,
  DEFAULT_ALPHA,
  EXACT_MAX_N,
  erfc,
  logBinomPmf,
  splitTest,
  stirlerr,
} from './split-test.js';

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
  t.equal(binomialTestExact(0, 10, 0.5), 0.001953125, 'n=10, k=0: 2 * 0.5^10');
  t.equal(binomialTestExact(10, 10, 0.5), 0.001953125, 'n=10, k=10: the same by symmetry');
  t.equal(binomialTestExact(50, 100, 0.5), 1, 'n=100, k=50 is the mode: p = 1');
  t.equal(binomialTestExact(0, 0, 0.5), 1, 'n = 0: nothing observed, nothing unlikely');
  t.ok(...within(binomialTestExact(40, 100, 0.5), 0.05688793364098078, 1e-12, "R: binom.test(40, 100)$p.value"));
  t.equal(binomialTestExact(1, 1, 0.5), 1);
  t.equal(binomialTestExact(3, 5, 0), 0, 'p = 0: any success is impossible');
  t.equal(binomialTestExact(5, 5, 1), 1, 'p = 1: all successes is certain');
});

t.test('exact p-values equal exact rational sums (BigInt brute force)', async (t) => {
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
        t.ok(...within(binomialTestExact(k, n, p), bruteForce(k, n, a, b), 1e-9, `k=${k} n=${n} p=${a}/${b}`));
        checked++;
      }
    }
  }
  t.ok(checked > 200, `${checked} cases`);
});

t.test('large n: accurate, and symmetric', async (t) => {
  // Computed independently (Python, math.lgamma, summing every pmf term within 40 sd of the mean that
  // is <= pmf(k)(1+1e-7)); lgamma differences at n = 1e7 carry ~1e-8 relative error, hence 1e-6.
  const reference: [number, number, number, number][] = [
    [5_001_000, 10_000_000, 0.5, 0.5272958577423617],
    [2_999_000, 10_000_000, 0.3, 0.4903699599248033],
    [5_004_321, 10_000_000, 0.5003, 0.40362893582107295],
    [5_010_000, 10_000_000, 0.5, 2.5448005112423265e-10],
  ];
  for (const [k, n, p, want] of reference) t.ok(...within(binomialTestExact(k, n, p), want, 1e-6, `k=${k} n=${n} p=${p}`));
  t.equal(binomialTestExact(4_998_765, 10_000_000, 0.5), binomialTestExact(5_001_235, 10_000_000, 0.5), 'p = 1/2 is symmetric');
  t.equal(binomialTestExact(0, 10_000_000, 0.5), 0, 'all on one route out of 10^7: underflows to 0, no NaN');
  t.ok(Number.isFinite(logBinomPmf(0, 10_000_000, 0.5)), 'the log pmf stays finite');
});

t.test('the normal approximation agrees with the exact test where both apply', async (t) => {
  for (const [k, n, p] of [
    [5_001_000, 10_000_000, 0.5],
    [5_010_000, 10_000_000, 0.5],
    // p != 1/2 is skewed, which the symmetric normal curve ignores: it takes n = 1e8 to agree to 1e-3.
    [30_005_000, 100_000_000, 0.3],
  ] as const) {
    t.ok(...within(binomialTestNormal(k, n, p), binomialTestExact(k, n, p), 1e-3, `k=${k} n=${n} p=${p}`));
  }
  t.ok(...within(erfc(1), 0.15729920705028513, 1e-14, 'erfc(1)'));
  t.ok(...within(erfc(0.3), 0.6713732405408726, 1e-14, 'erfc(0.3)'));
  t.ok(...within(erfc(5), 1.5374597944280349e-12, 1e-12, 'erfc(5)'));
  t.equal(erfc(0), 1);
});

t.test("Loader's pieces against their definitions", async (t) => {
  // stirlerr(n) = ln n! - (n + 1/2) ln n + n - ln sqrt(2 pi), from 40-digit decimal arithmetic (R's table agrees).
  t.ok(...within(stirlerr(1), 0.08106146679532726, 1e-13, 'stirlerr(1)'));
  t.ok(...within(stirlerr(2), 0.0413406959554093, 1e-13, 'stirlerr(2)'));
  t.ok(...within(stirlerr(15), 0.005554733551962801, 1e-12, 'stirlerr(15)'));
  // Beyond 15 the series takes over.
  t.ok(...within(stirlerr(16), 0.0052076559196096404, 1e-13, 'stirlerr(16)'));
  t.ok(...within(stirlerr(40), 0.0020832899383024218, 1e-13, 'stirlerr(40)'));
  t.ok(...within(stirlerr(100), 0.0008333305556349147, 1e-13, 'stirlerr(100)'));
  t.ok(...within(stirlerr(1000), 0.00008333333055555635, 1e-13, 'stirlerr(1000)'));
  t.ok(...within(Math.exp(logBinomPmf(3, 10, 0.5)), 120 / 1024, 1e-14, 'pmf(3; 10, 1/2) = 120/1024'));
  t.equal(logBinomPmf(11, 10, 0.5), -Infinity);
});

t.test('splitTest: shape, verdicts and defaults', async (t) => {
  const fair = splitTest({ grpc: 510, redis: 490 }, { grpc: 50, redis: 50 });
  t.equal(fair.alpha, DEFAULT_ALPHA);
  t.equal(DEFAULT_ALPHA, 0.001);
  t.same(fair.expected, { grpc: 0.5, redis: 0.5 });
  t.same(fair.observed, { grpc: { count: 510, share: 0.51 }, redis: { count: 490, share: 0.49 } });
  t.equal(fair.n, 1000);
  t.equal(fair.method, 'exact-binomial');
  t.equal(fair.pass, true);
  t.ok(fair.pValue !== null && fair.pValue > 0.5, 'p about 0.55');
  t.match(fair.reasons[0], /within the weights/);

  const skewed = splitTest({ grpc: 900, redis: 100 }, { grpc: 50, redis: 50 });
  t.equal(skewed.pass, false, '90/10 where 50/50 was configured fails');
  t.match(skewed.reasons[0], /OUTSIDE the weights/);
  const ninety = splitTest({ grpc: 900, redis: 100 }, { grpc: 90, redis: 10 });
  t.equal(ninety.pass, true, 'and passes against 90/10 weights');
  t.same(ninety.expected, { grpc: 0.9, redis: 0.1 });

  const strict = splitTest({ grpc: 0, redis: 10 }, { grpc: 1, redis: 1 });
  t.equal(strict.pValue, 0.001953125);
  t.equal(strict.pass, true, 'p = 0.00195 > 0.001: ten requests cannot prove a bad split at this alpha');
  t.equal(splitTest({ grpc: 0, redis: 10 }, { grpc: 1, redis: 1 }, { alpha: 0.01 }).pass, false, 'but do at alpha 0.01');
  t.equal(splitTest({ grpc: 0, redis: 10 }, { grpc: 1, redis: 1 }, { alpha: 0.001953125 }).pass, false, 'p <= alpha fails');
});

t.test('splitTest: edge cases', async (t) => {
  const none = splitTest({ grpc: 0, redis: 0 }, { grpc: 50, redis: 50 });
  t.equal(none.pass, false, 'n = 0 fails');
  t.equal(none.pValue, null);
  t.equal(none.method, 'none');
  t.match(none.reasons[0], /n = 0/);

  const zeroHit = splitTest({ grpc: 999, redis: 1 }, { grpc: 100, redis: 0 });
  t.equal(zeroHit.pass, false, 'one request on a 0-weight route fails');
  t.equal(zeroHit.pValue, 0);
  t.equal(zeroHit.method, 'degenerate');
  t.match(zeroHit.reasons[0], /route redis has weight 0 but got 1 of 1000/);

  const allGrpc = splitTest({ grpc: 1000, redis: 0 }, { grpc: 100, redis: 0 });
  t.equal(allGrpc.pass, true, '100/0 with everything on grpc passes');
  t.equal(allGrpc.pValue, 1);
  t.same(allGrpc.expected, { grpc: 1, redis: 0 });
  t.equal(splitTest({ grpc: 0, redis: 7 }, { grpc: 0, redis: 3 }).pass, true, '0/100 with everything on redis passes');

  const big = splitTest({ grpc: 500_001_000, redis: 500_000_000 }, { grpc: 1, redis: 1 });
  t.equal(big.method, 'normal-approximation', `above ${EXACT_MAX_N} the normal approximation is used`);
  t.match(big.reasons.join('\n'), /normal approximation/, 'and the result says so');
  t.equal(splitTest({ grpc: 510, redis: 490 }, { grpc: 1, redis: 1 }, { method: 'normal' }).method, 'normal-approximation');

  t.throws(() => splitTest({ grpc: -1, redis: 3 }, { grpc: 1, redis: 1 }), RangeError);
  t.throws(() => splitTest({ grpc: 1.5, redis: 3 }, { grpc: 1, redis: 1 }), RangeError);
  t.throws(() => splitTest({ grpc: 1, redis: 3 }, { grpc: 0, redis: 0 }), RangeError, 'all weights 0');
  t.throws(() => splitTest({ grpc: 1, redis: 3 }, { grpc: 1, redis: 1 }, { alpha: 0 }), RangeError);
  t.throws(() => binomialTestExact(11, 10, 0.5), RangeError);
});
