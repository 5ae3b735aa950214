/**
 * Per second per route, from route_* samples in any order (k6 flushes its CSV in batches, so rows are
 * only roughly in time order): counts, attempts by status, and exact latency percentiles of each
 * second. Pure and in memory: a soak's route_req_duration values are a few hundred thousand numbers.
 */
import { TIMESERIES_SCHEMA, type RouteSeries, type RouteTotals, type TimeSeries } from '../contract/timeseries.js';
import { sampleRoute, SampleCounts } from './counts.js';
import type { ReadStats, RouteSample } from './k6-csv.js';
import { percentiles } from './percentile.js';

export class SeriesBuilder {
  /** route -> epoch second -> what its samples add up to. */
  private readonly buckets = new Map<string, Map<number, SampleCounts>>();
  private first = Infinity;
  private last = -Infinity;

  add(s: RouteSample): void {
    const second = Math.floor(s.t / 1000);
    const route = sampleRoute(s);
    let byRoute = this.buckets.get(route);
    if (!byRoute) this.buckets.set(route, (byRoute = new Map()));
    let b = byRoute.get(second);
    if (!b) byRoute.set(second, (b = new SampleCounts()));
    if (second < this.first) this.first = second;
    if (second > this.last) this.last = second;
    b.add(s);
  }

  build(source: { file: string } & ReadStats): TimeSeries {
    const t: number[] = [];
    if (this.first <= this.last) for (let s = this.first; s <= this.last; s++) t.push(s);
    const routes: Record<string, RouteSeries> = {};
    const totals: Record<string, RouteTotals> = {};
    for (const [route, byRoute] of [...this.buckets].sort(([a], [b]) => a.localeCompare(b))) {
      const statuses = new Set<string>();
      for (const b of byRoute.values()) for (const st of b.attemptsByStatus.keys()) statuses.add(st);
      const series: RouteSeries = { requests: [], acks: [], errors: [], retries: [], attempts: [], attemptsByStatus: {}, p50: [], p95: [], p99: [], max: [] };
      for (const st of [...statuses].sort()) series.attemptsByStatus[st] = [];
      const all: number[] = [];
      for (const second of t) {
        const b = byRoute.get(second) ?? new SampleCounts();
        series.requests.push(b.requests);
        series.acks.push(b.acks);
        series.errors.push(b.errors);
        series.retries.push(b.retries);
        series.attempts.push(b.attempts);
        for (const st of statuses) series.attemptsByStatus[st]!.push(b.attemptsByStatus.get(st) ?? 0);
        const p = percentiles(b.durations);
        series.p50.push(p.p50);
        series.p95.push(p.p95);
        series.p99.push(p.p99);
        series.max.push(p.max);
        for (const d of b.durations) all.push(d);
      }
      const sum = (xs: number[]): number => xs.reduce((a, x) => a + x, 0);
      const { p50, p95, p99 } = percentiles(all);
      routes[route] = series;
      totals[route] = { requests: sum(series.requests), acks: sum(series.acks), errors: sum(series.errors), retries: sum(series.retries), attempts: sum(series.attempts), p50, p95, p99 };
    }
    return { schema: TIMESERIES_SCHEMA, intervalMs: 1000, t, routes, totals, source: { file: source.file, rows: source.rows, routeRows: source.routeRows, skipped: source.skipped } };
  }
}
