/**
 * Two capacity runs' cost curves side by side: per process, the CPU each curve reads at a few rates both
 * cover (so neither reading is extrapolated), as B / A, with each curve's own uncertainty. A ratio is
 * beyond the curves' uncertainty when it is further from 1 than the two uncertainties added (to first
 * order, the relative error of a ratio is at most the sum of its parts'); unknown when either curve
 * cannot say how far to trust it. Pure: data in, data out.
 */
import { readCurve, type CurveFit } from '../cost/curve.js';
import type { CostCurves } from '../cost/curves.js';

/** Rates read per process: both ends of the common range and evenly between. */
export const CURVE_RATES = 4;

export interface CurveRow {
  /** Requests per second per replica. */
  rps: number;
  aMsPerS: number;
  bMsPerS: number;
  /** B / A; null when A reads 0. */
  ratio: number | null;
  /** |ratio - 1| beyond the two curves' uncertainties added; null when either is unknown. */
  beyondUncertainty: boolean | null;
}

export interface ProcessCurveComparison {
  process: string;
  a: CurveFit;
  b: CurveFit;
  /** The rates both curves measured, req/s per replica; null when their ranges do not meet. */
  common: { fromRps: number; toRps: number } | null;
  rows: CurveRow[];
}

export interface CurveComparison {
  a: { name: string; from: string };
  b: { name: string; from: string };
  processes: ProcessCurveComparison[];
  /** Processes with a curve in one run only. */
  onlyA: string[];
  onlyB: string[];
}

export function compareCurves(a: { name: string; curves: CostCurves }, b: { name: string; curves: CostCurves }, rates = CURVE_RATES): CurveComparison {
  const inB = new Map(b.curves.processes.map((p) => [p.process, p]));
  const processes: ProcessCurveComparison[] = [];
  for (const pa of a.curves.processes) {
    const pb = inB.get(pa.process);
    if (!pb || pa.points.length === 0 || pb.points.length === 0) continue;
    const from = Math.max(pa.fit.fromRps, pb.fit.fromRps);
    const to = Math.min(pa.fit.toRps, pb.fit.toRps);
    const common = to >= from ? { fromRps: from, toRps: to } : null;
    const at = common === null ? [] : to === from ? [from] : Array.from({ length: rates }, (_, i) => (i === rates - 1 ? to : from + ((to - from) * i) / (rates - 1)));
    const margin = pa.fit.uncertainty === null || pb.fit.uncertainty === null ? null : pa.fit.uncertainty + pb.fit.uncertainty;
    const rows = at.map((rps): CurveRow => {
      const ra = readCurve(pa.points, rps).cpuMsPerS;
      const rb = readCurve(pb.points, rps).cpuMsPerS;
      const ratio = ra > 0 ? rb / ra : null;
      return { rps, aMsPerS: ra, bMsPerS: rb, ratio, beyondUncertainty: ratio === null || margin === null ? null : Math.abs(ratio - 1) > margin };
    });
    processes.push({ process: pa.process, a: pa.fit, b: pb.fit, common, rows });
  }
  const names = (c: CostCurves): Set<string> => new Set(c.processes.filter((p) => p.points.length > 0).map((p) => p.process));
  const na = names(a.curves);
  const nb = names(b.curves);
  return {
    a: { name: a.name, from: a.curves.from },
    b: { name: b.name, from: b.curves.from },
    processes,
    onlyA: [...na].filter((p) => !nb.has(p)),
    onlyB: [...nb].filter((p) => !na.has(p)),
  };
}
