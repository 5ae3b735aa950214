/**
 * One summary from several k6 runners (k6-operator's parallelism splits one test across pods by
 * execution segments; each writes its own summary and there is no aggregated verdict upstream). Counts
 * add up; percentiles cannot be merged from percentiles, so a route's p50/p95/p99 are the worst
 * runner's (an upper bound, said in `percentiles`), and a threshold failed if it failed anywhere.
 */
import type { K6RouteSummary, K6Summary } from '../../contract/k6-summary.js';

export interface MergedSummary extends K6Summary {
  runners: number;
  percentiles: 'worst runner';
}

const worst = (xs: (number | null)[]): number | null => (xs.every((x) => x === null) ? null : Math.max(...xs.filter((x): x is number => x !== null)));
const round = (n: number, places: number): number => Math.round(n * 10 ** places) / 10 ** places;

export function mergeSummaries(parts: readonly K6Summary[]): MergedSummary {
  if (parts.length === 0) throw new Error('no runner summaries to merge');
  const first = parts[0]!;
  const runIds = new Set(parts.map((p) => p.runId));
  if (runIds.size > 1) throw new Error(`the runners' summaries are of different runs: ${[...runIds].join(', ')}`);
  const sum = (f: (s: K6Summary) => number): number => parts.reduce((n, s) => n + f(s), 0);
  const durationMs = Math.max(...parts.map((p) => p.durationMs));
  const routes: Record<string, K6RouteSummary> = {};
  for (const name of new Set(parts.flatMap((p) => Object.keys(p.routes)))) {
    const rs = parts.flatMap((p) => (p.routes[name] ? [p.routes[name]] : []));
    const requests = rs.reduce((n, r) => n + r.requests, 0);
    const errors = rs.reduce((n, r) => n + r.errors, 0);
    routes[name] = {
      requests,
      acknowledged: rs.reduce((n, r) => n + r.acknowledged, 0),
      errors,
      errorRate: requests > 0 ? round(errors / requests, 6) : 0,
      rps: durationMs > 0 ? round(requests / (durationMs / 1000), 2) : 0,
      p50: worst(rs.map((r) => r.p50)),
      p95: worst(rs.map((r) => r.p95)),
      p99: worst(rs.map((r) => r.p99)),
      attempts: rs.reduce((n, r) => n + r.attempts, 0),
      retries: rs.reduce((n, r) => n + r.retries, 0),
      attemptP99: worst(rs.map((r) => r.attemptP99)),
    };
  }
  const requests = sum((s) => s.requests);
  // Runners that judged no thresholds add none; when none judged any, the merge has none either.
  const judged = parts.flatMap((p) => (p.thresholds ? [p.thresholds] : []));
  const failed = [...new Set(judged.flatMap((t) => t.failed))];
  return {
    ...first,
    setupCompleted: parts.every((p) => p.setupCompleted),
    startedAt: parts.map((p) => p.startedAt).filter((x): x is string => x !== null).sort()[0] ?? null,
    durationMs,
    requests,
    acknowledged: sum((s) => s.acknowledged),
    replayed: sum((s) => s.replayed),
    errorRate: requests > 0 ? round((requests - sum((s) => s.acknowledged)) / requests, 6) : 0,
    rps: durationMs > 0 ? round(requests / (durationMs / 1000), 2) : 0,
    droppedIterations: sum((s) => s.droppedIterations),
    unrouted: sum((s) => s.unrouted),
    routes,
    thresholds: judged.length === 0 ? null : { passed: failed.length === 0, failed, all: judged.flatMap((t) => t.all) },
    // Unknown (null) if any runner's summary predates the count.
    failedChecks: parts.some((p) => p.failedChecks === null) ? null : sum((s) => s.failedChecks ?? 0),
    // Every runner read the same settings (the profile's whole rate; k6 gives each its segment of it).
    settings: first.settings,
    runners: parts.length,
    percentiles: 'worst runner',
  };
}
