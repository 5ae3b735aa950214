/**
 * The demo's verdict as data: the reconciler's findings plus what only the demo sees (k6's exit and
 * thresholds, crashed processes, an interrupted run, who used the CPU). PASS when no finding has
 * severity fail or inconclusive.
 */
import { K6_METRICS as M } from '../contract/k6-metrics.js';
import type { K6Summary } from '../contract/k6-summary.js';
import type { FaultFinding } from '../faults/analysis.js';
import type { Fault } from '../faults/plan.js';
import type { Finding, Severity } from '../reconcile/findings.js';
import type { MachineLoad } from './machine.js';

export type DemoFinding =
  | Finding
  | FaultFinding
  | ({ severity: Severity } & (
      | { kind: 'crashed'; detail: string }
      | { kind: 'k6-no-summary'; exitCode: number }
      | { kind: 'k6-exit'; exitCode: number }
      | { kind: 'threshold-failed'; threshold: string }
      /** Acknowledged answers whose id was not their Idempotency-Key, in a run k6 judged no thresholds in. */
      | { kind: 'checks-failed'; count: number }
      | { kind: 'no-requests' }
      | { kind: 'dropped-iterations'; count: number }
      | { kind: 'check-error'; what: string; message: string }
      /** A Benchmark dashboard query the run's Prometheus answered wrongly (grafana/prometheus-answers.ts). */
      | { kind: 'dashboard-query'; panel: string; refId: string; problem: string }
      /** A soak's service whose heap kept growing (cost/growth.ts says what "sustained" means). */
      | { kind: 'memory-growth'; process: string; heapPer10Min: number; boundPer10Min: number }
    ))
  /** The run was asked to judge no latency or error-rate thresholds (--no-thresholds): measured, not judged. */
  | { kind: 'thresholds-off'; severity: 'warn' }
  /** Ctrl-C/SIGTERM: the run is shorter than asked, so it cannot pass. */
  | { kind: 'interrupted'; severity: 'inconclusive' }
  /** Planned faults the run never carried out (an interrupt cancelled them, or the load ended first): it cannot pass. */
  | { kind: 'faults-not-run'; severity: 'inconclusive'; faults: Fault[] }
  /** The system under test could not get the CPU it needed (machine.ts): its latency findings are reported, not judged. */
  | { kind: 'machine-contended'; severity: 'inconclusive'; machine: MachineLoad; excused: string[] }
  /** Thresholds failed while the stack had the machine: the system did not hold the rate here; the CPU each part used. */
  | { kind: 'rate-not-held'; severity: 'fail'; machine: MachineLoad; rate: number | null };

export type Verdict = 'PASS' | 'FAIL' | 'INCONCLUSIVE';

/** The check error's `what` when a fault run's analysis failed (which faults ran is then unknown). */
export const FAULT_ANALYSIS = 'analysing the faults';

/** k6's exit code when a threshold was crossed. */
const K6_THRESHOLDS_CROSSED = 99;

/** A k6 threshold on latency (`route_req_duration{route:grpc} p(99)<100`), as loadtest/metrics.ts names them. */
const isLatencyThreshold = (threshold: string): boolean => threshold.startsWith(M.requestDuration) || threshold.startsWith(M.attemptDuration);

/**
 * Findings a machine that starved the system can explain: latency only, and a fault's backlog that did
 * not drain in time ("not settled": it drains at the spare capacity, which other work took). An error
 * rate is never excused (a system short of CPU answers late, not wrongly), nor a route that never
 * answered 2xx again after a fault, nor the load k6 could not offer.
 */
function latencyFindings(findings: readonly DemoFinding[]): DemoFinding[] {
  const failed = findings.filter((f) => f.severity === 'fail');
  const thresholds = failed.filter((f) => f.kind === 'threshold-failed');
  const allLatency = thresholds.length > 0 && thresholds.every((f) => isLatencyThreshold(f.threshold));
  return failed.filter(
    (f) =>
      (f.kind === 'threshold-failed' && isLatencyThreshold(f.threshold)) ||
      (f.kind === 'threshold-outside-faults' && f.what !== 'errorRate') ||
      f.kind === 'fault-not-settled' ||
      // k6's "thresholds crossed" says no more than the thresholds it crossed.
      (f.kind === 'k6-exit' && f.exitCode === K6_THRESHOLDS_CROSSED && allLatency),
  );
}

/** A threshold of the load (latency or error rate) failed: the system did not hold the rate. */
const thresholdFailed = (f: DemoFinding): boolean => f.severity === 'fail' && (f.kind === 'threshold-failed' || f.kind === 'threshold-outside-faults');

/**
 * When the system could not get the CPU (machine.contended), its failed latency findings become
 * warnings and the run is INCONCLUSIVE (anything else that fails still fails it). When it could, a
 * failed threshold is the system's: FAIL, with the cores each part used (`rate-not-held`).
 */
export function applyMachine(findings: DemoFinding[], machine: MachineLoad | undefined, rate: number | null = null): DemoFinding[] {
  if (machine === undefined) return findings;
  if (!machine.contended) {
    const i = findings.findIndex(thresholdFailed);
    if (i < 0) return findings;
    return [...findings.slice(0, i + 1), { kind: 'rate-not-held', severity: 'fail', machine, rate }, ...findings.slice(i + 1)];
  }
  const latency = latencyFindings(findings);
  if (latency.length === 0) return findings;
  return [
    { kind: 'machine-contended', severity: 'inconclusive', machine, excused: [...new Set(latency.map((f) => f.kind))] },
    ...findings.map((f) => (latency.includes(f) ? ({ ...f, severity: 'warn' } as DemoFinding) : f)),
  ];
}

export const verdictOf = (findings: readonly DemoFinding[]): Verdict =>
  findings.some((f) => f.severity === 'fail') ? 'FAIL' : findings.some((f) => f.severity === 'inconclusive') ? 'INCONCLUSIVE' : 'PASS';

/** What k6 itself says about the run: its exit, its thresholds, the load it could not offer. */
export function k6Findings(exitCode: number, summary: K6Summary | undefined): DemoFinding[] {
  if (summary === undefined) return [{ kind: 'k6-no-summary', severity: 'fail', exitCode }];
  const out: DemoFinding[] = [];
  if (exitCode !== 0) out.push({ kind: 'k6-exit', severity: 'fail', exitCode });
  // No thresholds (k6 ran with THRESHOLDS=off): nothing passed or failed there; a failed check, which
  // `checks rate==1` reports otherwise, is then only in the count.
  if (summary.thresholds === null) {
    if (summary.failedChecks) out.push({ kind: 'checks-failed', severity: 'fail', count: summary.failedChecks });
  } else for (const threshold of summary.thresholds.failed) out.push({ kind: 'threshold-failed', severity: 'fail', threshold });
  if (summary.requests === 0) out.push({ kind: 'no-requests', severity: 'fail' });
  // The offered load was lower than asked: worth a look; never an excuse (machine.ts says when k6 was starved).
  if (summary.droppedIterations > 0) out.push({ kind: 'dropped-iterations', severity: 'warn', count: summary.droppedIterations });
  return out;
}
