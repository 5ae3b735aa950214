/**
 * A run's samples split by time windows (fault windows, say): per route, inside vs outside, requests,
 * acks, error rate, exact latency percentiles and attempts by status, so a verdict can judge the steady
 * state apart from the faults, and test the split on the attempts outside them.
 *
 * A sample is inside when k6 recorded it inside a window, start <= t < end: for a request, the time of
 * its final answer (k6 stamps a sample when the script adds it). A request that began before a fault
 * and was answered during it counts inside; one answered after the window's end counts outside, so a
 * caller that wants the recovery tail inside widens `end` (to the fault's recoveredAt, say).
 */
import { samplesFileOf } from './build.js';
import { sampleRoute, SampleCounts } from './counts.js';
import { readRouteSamples, type RouteSample } from './k6-csv.js';
import { percentiles } from './percentile.js';
import { existsSync, statSync } from 'node:fs';

/** Epoch milliseconds; [start, end). */
export interface TimeWindow {
  start: number;
  end: number;
}

export interface WindowFigures {
  requests: number;
  acks: number;
  errors: number;
  /** errors / requests; null when no request. */
  errorRate: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Attempts this route answered (route_attempts), and by HTTP status ("0": no answer). */
  attempts: number;
  attemptsByStatus: Record<string, number>;
  retries: number;
}

export interface WindowSummary {
  windows: TimeWindow[];
  /** Per route k6 recorded (`none`: answers without X-Route). */
  routes: Record<string, { inside: WindowFigures; outside: WindowFigures }>;
}

export class WindowError extends Error {
  override name = 'WindowError';
}

function checkWindows(windows: readonly TimeWindow[]): TimeWindow[] {
  return windows.map((w, i) => {
    if (!(Number.isFinite(w.start) && Number.isFinite(w.end) && w.end >= w.start)) {
      throw new WindowError(`window ${i} must have finite start <= end in epoch ms, got ${JSON.stringify(w)}`);
    }
    return { start: w.start, end: w.end };
  });
}

function figures(c: SampleCounts): WindowFigures {
  const { p50, p95, p99 } = percentiles(c.durations);
  return { requests: c.requests, acks: c.acks, errors: c.errors, errorRate: c.requests > 0 ? c.errors / c.requests : null, p50, p95, p99, attempts: c.attempts, attemptsByStatus: Object.fromEntries(c.attemptsByStatus), retries: c.retries };
}

/** Accumulates samples one at a time; `result()` when done. */
class WindowSplitter {
  private readonly acc = new Map<string, { inside: SampleCounts; outside: SampleCounts }>();
  readonly windows: TimeWindow[];

  constructor(windows: readonly TimeWindow[]) {
    this.windows = checkWindows(windows);
  }

  add(s: RouteSample): void {
    const route = sampleRoute(s);
    let r = this.acc.get(route);
    if (!r) this.acc.set(route, (r = { inside: new SampleCounts(), outside: new SampleCounts() }));
    (this.windows.some((w) => s.t >= w.start && s.t < w.end) ? r.inside : r.outside).add(s);
  }

  result(): WindowSummary {
    const routes: WindowSummary['routes'] = {};
    for (const [route, r] of [...this.acc].sort(([a], [b]) => a.localeCompare(b))) routes[route] = { inside: figures(r.inside), outside: figures(r.outside) };
    return { windows: this.windows, routes };
  }
}

/**
 * Splits a run's samples by `windows`. `source`: a run folder (its route-samples.csv.gz, else k6's full
 * k6-samples.csv.gz), a k6 CSV file, or samples already in memory.
 */
export async function summarizeWindows(source: string | Iterable<RouteSample>, windows: readonly TimeWindow[]): Promise<WindowSummary> {
  const splitter = new WindowSplitter(windows);
  if (typeof source !== 'string') {
    for (const s of source) splitter.add(s);
    return splitter.result();
  }
  const file = existsSync(source) && statSync(source).isDirectory() ? samplesFileOf(source) : source;
  if (file === undefined) throw new WindowError(`${source} holds no k6 samples (route-samples.csv.gz or k6-samples.csv.gz): was the run made before time series existed?`);
  await readRouteSamples(file, (s) => splitter.add(s));
  return splitter.result();
}
