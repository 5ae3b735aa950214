/**
 * Does a service's memory keep growing under steady load? The least-squares slope of its RSS and heap
 * over the run (after a warm-up), per 10 minutes. Growth is "sustained" when the slope over the whole
 * window and over its second half are both above the bound: a one-off step (a cache filling, the JIT)
 * flattens out in the second half; a leak does not.
 */
import type { ResourceSample } from '../stack/resources.js';

/** Heap growth a service may show per 10 minutes of steady load before a soak fails: 16 MiB. */
export const HEAP_GROWTH_BOUND_BYTES = 16 * 2 ** 20;
const TEN_MINUTES = 600_000;

export interface Growth {
  process: string;
  samples: number;
  /** Bytes per 10 minutes; null with too few samples. */
  rssPer10Min: number | null;
  heapPer10Min: number | null;
  heapSecondHalfPer10Min: number | null;
  sustained: boolean;
}

export function slope(points: { x: number; y: number }[]): number | null {
  if (points.length < 3) return null;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  if (sxx === 0) return null;
  return points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
}

export function memoryGrowth(samples: readonly ResourceSample[], from: number, bound = HEAP_GROWTH_BOUND_BYTES): Growth[] {
  const byProcess = new Map<string, ResourceSample[]>();
  for (const s of samples) if (s.t >= from && s.source === 'metrics') byProcess.set(s.process, [...(byProcess.get(s.process) ?? []), s]);
  const out: Growth[] = [];
  for (const [process, list] of byProcess) {
    // One instance only: a restart resets memory and would read as shrinkage.
    const pid = list[list.length - 1]!.pid;
    const same = list.filter((s) => s.pid === pid).sort((a, b) => a.t - b.t);
    const per10 = (ys: (s: ResourceSample) => number | undefined, part: ResourceSample[]): number | null => {
      const pts = part.flatMap((s) => (ys(s) === undefined ? [] : [{ x: s.t, y: ys(s)! }]));
      const k = slope(pts);
      return k === null ? null : Math.round(k * TEN_MINUTES);
    };
    const heap = per10((s) => s.heapUsedBytes, same);
    const heapLate = per10((s) => s.heapUsedBytes, same.slice(Math.floor(same.length / 2)));
    out.push({
      process,
      samples: same.length,
      rssPer10Min: per10((s) => s.rssBytes, same),
      heapPer10Min: heap,
      heapSecondHalfPer10Min: heapLate,
      sustained: heap !== null && heapLate !== null && heap > bound && heapLate > bound,
    });
  }
  return out.sort((a, b) => a.process.localeCompare(b.process));
}
