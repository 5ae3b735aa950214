/**
 * A complete summary.json (contract/k6-summary.ts) for tests that play k6's part: every field k6
 * writes, with the per-route counts the test chooses. Not a model of k6's behaviour, only of its file.
 */
import { K6_SUMMARY_SCHEMA, type K6RouteSummary, type K6Summary } from '../contract/k6-summary.js';

export function k6SummaryFixture(runId: string, routes: Record<string, Partial<K6RouteSummary> & { requests: number; acknowledged: number }>, over: Partial<K6Summary> = {}): K6Summary {
  const full: Record<string, K6RouteSummary> = {};
  for (const [name, r] of Object.entries(routes)) {
    const errors = r.requests - r.acknowledged;
    full[name] = { errors, errorRate: r.requests > 0 ? errors / r.requests : 0, rps: r.requests / 10, p50: 1, p95: 2, p99: 3, attempts: r.requests, retries: 0, attemptP99: 3, ...r };
  }
  const requests = Object.values(full).reduce((n, r) => n + r.requests, 0);
  const acknowledged = Object.values(full).reduce((n, r) => n + r.acknowledged, 0);
  return {
    schema: K6_SUMMARY_SCHEMA,
    runId,
    setupCompleted: true,
    scenario: 'load',
    baseUrl: 'http://127.0.0.1:8080',
    startedAt: '2026-11-27T00:00:00.000Z',
    durationMs: 10_000,
    requests,
    acknowledged,
    replayed: 0,
    errorRate: requests > 0 ? (requests - acknowledged) / requests : 0,
    rps: requests / 10,
    droppedIterations: 0,
    unrouted: 0,
    routes: full,
    thresholds: { passed: true, failed: [], all: [] },
    failedChecks: 0,
    settings: { rate: 10, startRate: 1, durationS: 10, preAllocatedVUs: 1, maxVUs: 10, routes: Object.keys(full), maxErrorRate: 0.01, p95Ms: 50, p99Ms: 100, data: 'pool.json', poolSize: 1, ackLog: true, retries: 3 },
    ...over,
  };
}
