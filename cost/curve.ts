/**
 * What a process costs depends on the rate it serves: the cost curve. Each point is one measured window
 * (a capacity trial, an idle window, a run): the requests per second one replica of the process served
 * and the CPU milliseconds per second it used. CPU per request falls as the rate rises (at a low rate
 * each request pays its own wake-ups and system calls in every process it crosses), so a single "ms per
 * request" holds only at the rate it was measured at; the curve holds over the rates it covers.
 *
 * Reading the curve is piecewise-linear interpolation between measured points, never a fitted formula:
 * no shape is assumed. Outside the measured rates the nearest segment is extended and the answer says
 * it was extrapolated. How far to trust a reading is measured too: each interior point is predicted from
 * the others (leave one out) and the largest relative miss is the curve's stated uncertainty.
 */

export const COST_CURVE_SCHEMA = 'splitbench.cost-curve/1';

/** Where a point came from. */
export type PointSource = 'idle' | 'trial' | 'run';

export interface CurvePoint {
  /** Requests per second one replica of the process served (0 for an idle window). */
  rps: number;
  /** CPU milliseconds per second one replica used over the window. */
  cpuMsPerS: number;
  source: PointSource;
  /** The window's length, seconds. */
  windowS: number;
}

export interface CurveFit {
  /** Distinct rates measured (points at the same rate are averaged into one). */
  rates: number;
  /** The measured rates' range, req/s per replica. */
  fromRps: number;
  toRps: number;
  /**
   * Largest relative miss of a leave-one-out reading of each interior rate (|read - measured| /
   * measured), null with fewer than three rates: then the curve cannot say how far to trust it.
   */
  looMaxRelError: number | null;
  /** Largest relative spread (max - min) / mean of points measured at the same rate under load, null without repeats. */
  repeatMaxRelSpread: number | null;
  /**
   * The worst a reading at a measured rate may be off, relative: the larger of the two above (the
   * model's miss and the measurements' own noise), null when neither could be measured. A reading's own
   * uncertainty (uncertaintyAt) is judged near it and is usually smaller.
   */
  uncertainty: number | null;
}

/** One reading of a curve. */
export interface Reading {
  cpuMsPerS: number;
  /** Outside the measured rates: the nearest segment was extended (or, with one rate, held flat). */
  extrapolated: boolean;
}

/**
 * How far a reading at `rps` may be off, relative to the reading, judged where it is read: the larger
 * of the leave-one-out misses and the repeats' spreads (max - min of trials at one rate) of the two
 * knots around it, in ms/s, over the reading. A curve bends most near rest and its noise differs by
 * rate, so neither says much about readings far away. Null when neither knot has a miss or repeats.
 */
export function uncertaintyAt(points: readonly CurvePoint[], rps: number): number | null {
  const ks = knots(points);
  if (ks.length === 0) return null;
  const errs = knotErrors(points);
  let i = ks.findIndex((k) => k.rps >= rps);
  if (i <= 0) i = i === 0 ? Math.min(1, ks.length - 1) : ks.length - 1;
  const near = [errs[i - 1], errs[i]].filter((x): x is number => x !== undefined && x !== null);
  const reading = interpolate(ks, rps).cpuMsPerS;
  return near.length > 0 && reading > 0 ? Math.max(...near) / reading : null;
}

/** Each knot's leave-one-out miss in ms/s (null for the two ends). */
function looMisses(ks: readonly { rps: number; cpuMsPerS: number }[]): (number | null)[] {
  return ks.map((k, i) => {
    if (i === 0 || i === ks.length - 1) return null;
    return Math.abs(interpolate(ks.filter((_, j) => j !== i), k.rps).cpuMsPerS - k.cpuMsPerS);
  });
}

/** Each knot's repeats' spread in ms/s (null for a knot measured once). */
function repeatSpreads(points: readonly CurvePoint[]): (number | null)[] {
  const sorted = [...points].sort((a, b) => a.rps - b.rps);
  const out: (number | null)[] = [];
  let group: CurvePoint[] = [];
  const close = (): void => {
    if (group.length === 0) return;
    const ys = group.map((p) => p.cpuMsPerS);
    out.push(group.length < 2 ? null : Math.max(...ys) - Math.min(...ys));
  };
  for (const p of sorted) {
    if (group.length > 0 && !sameRate(p.rps, group.reduce((s, q) => s + q.rps, 0) / group.length)) {
      close();
      group = [];
    }
    group.push(p);
  }
  close();
  return out;
}

/** Each knot's error in ms/s: the larger of its leave-one-out miss and its repeats' spread. */
function knotErrors(points: readonly CurvePoint[]): (number | null)[] {
  const loo = looMisses(knots(points));
  const spread = repeatSpreads(points);
  return loo.map((l, i) => {
    const known = [l, spread[i] ?? null].filter((x): x is number => x !== null);
    return known.length > 0 ? Math.max(...known) : null;
  });
}

/**
 * Points at the same rate averaged, sorted by rate: the curve's knots. "The same": within 3% (at least
 * 0.5 req/s): two trials offered the same rate achieve rates a little apart, and kept apart they would
 * make a segment as steep as their noise.
 */
export function knots(points: readonly CurvePoint[]): { rps: number; cpuMsPerS: number }[] {
  const sorted = [...points].sort((a, b) => a.rps - b.rps);
  const out: { rps: number; cpuMsPerS: number; n: number }[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && sameRate(p.rps, last.rps)) {
      last.cpuMsPerS = (last.cpuMsPerS * last.n + p.cpuMsPerS) / (last.n + 1);
      last.rps = (last.rps * last.n + p.rps) / (last.n + 1);
      last.n++;
    } else {
      out.push({ rps: p.rps, cpuMsPerS: p.cpuMsPerS, n: 1 });
    }
  }
  return out.map(({ rps, cpuMsPerS }) => ({ rps, cpuMsPerS }));
}

const sameRate = (a: number, b: number): boolean => Math.abs(a - b) < Math.max(0.5, 0.03 * Math.max(a, b));

function interpolate(ks: readonly { rps: number; cpuMsPerS: number }[], rps: number): Reading {
  if (ks.length === 0) throw new Error('a curve without points cannot be read');
  if (ks.length === 1) return { cpuMsPerS: ks[0]!.cpuMsPerS, extrapolated: rps !== ks[0]!.rps };
  const first = ks[0]!;
  const last = ks[ks.length - 1]!;
  const extrapolated = rps < first.rps || rps > last.rps;
  let i = ks.findIndex((k) => k.rps >= rps);
  if (i <= 0) i = i === 0 ? 1 : ks.length - 1;
  const a = ks[i - 1]!;
  const b = ks[i]!;
  const slope = (b.cpuMsPerS - a.cpuMsPerS) / (b.rps - a.rps);
  // CPU is never negative: a steep first segment extended below its start stops at 0.
  return { cpuMsPerS: Math.max(0, a.cpuMsPerS + slope * (rps - a.rps)), extrapolated };
}

/** The curve's CPU per second at `rps` (per replica). */
export function readCurve(points: readonly CurvePoint[], rps: number): Reading {
  return interpolate(knots(points), rps);
}

export function fitOf(points: readonly CurvePoint[]): CurveFit {
  const ks = knots(points);
  if (ks.length === 0) return { rates: 0, fromRps: 0, toRps: 0, looMaxRelError: null, repeatMaxRelSpread: null, uncertainty: null };
  // Relative to each knot's own CPU, and only under load: at rest the CPU is a few ms/s, read in
  // 10 ms clock ticks, and a spread of one tick would read as 100%.
  const loaded = (i: number): boolean => ks[i]!.rps > 0 && ks[i]!.cpuMsPerS > 0;
  const relative = (xs: (number | null)[]): number | null => {
    const rel = xs.flatMap((x, i) => (x === null || !loaded(i) ? [] : [x / ks[i]!.cpuMsPerS]));
    return rel.length > 0 ? Math.max(...rel) : null;
  };
  const worst = ks.length >= 3 ? relative(looMisses(ks)) : null;
  const spread = relative(repeatSpreads(points));
  const known = [worst, spread].filter((x): x is number => x !== null);
  return { rates: ks.length, fromRps: ks[0]!.rps, toRps: ks[ks.length - 1]!.rps, looMaxRelError: worst, repeatMaxRelSpread: spread, uncertainty: known.length > 0 ? Math.max(...known) : null };
}


/**
 * The rate (per replica) at which the curve reaches `ceilingMsPerS` (1000: one core), from the first
 * segment that crosses it; the last segment extended when none does (extrapolated), null when the curve
 * never rises toward it.
 */
export function rateAtCpu(points: readonly CurvePoint[], ceilingMsPerS: number): { rps: number; extrapolated: boolean } | null {
  const ks = knots(points);
  if (ks.length < 2) return null;
  for (let i = 1; i < ks.length; i++) {
    const a = ks[i - 1]!;
    const b = ks[i]!;
    if (a.cpuMsPerS <= ceilingMsPerS && b.cpuMsPerS >= ceilingMsPerS && b.cpuMsPerS > a.cpuMsPerS) {
      return { rps: a.rps + ((ceilingMsPerS - a.cpuMsPerS) * (b.rps - a.rps)) / (b.cpuMsPerS - a.cpuMsPerS), extrapolated: false };
    }
  }
  const a = ks[ks.length - 2]!;
  const b = ks[ks.length - 1]!;
  if (b.cpuMsPerS >= ceilingMsPerS) return { rps: b.rps, extrapolated: false };
  if (b.cpuMsPerS <= a.cpuMsPerS) return null;
  return { rps: b.rps + ((ceilingMsPerS - b.cpuMsPerS) * (b.rps - a.rps)) / (b.cpuMsPerS - a.cpuMsPerS), extrapolated: true };
}
