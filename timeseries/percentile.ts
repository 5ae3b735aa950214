/**
 * Percentiles as k6 computes them (TrendSink.P in go.k6.io/k6/metrics/sink.go: linear interpolation
 * between the closest ranks, R's type 7), so a figure over a second or a window means what k6's own
 * summary means. Ours because it is four lines on a sorted array; timeseries.k6.test.ts checks the
 * whole-run figures against k6's summary of the same run.
 */

/** The p-quantile (0..1) of ascending `sorted`; null when empty. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const i = p * (n - 1);
  const lo = sorted[Math.floor(i)]!;
  const hi = sorted[Math.ceil(i)]!;
  return lo + (hi - lo) * (i - Math.floor(i));
}

/** Sorted copy as a Float64Array (numeric sort, unlike Array#sort's default). */
export function sortedValues(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export function percentiles(values: readonly number[]): Percentiles {
  const s = sortedValues(values);
  return { p50: quantileSorted(s, 0.5), p95: quantileSorted(s, 0.95), p99: quantileSorted(s, 0.99), max: s.length ? s[s.length - 1]! : null };
}
