/**
 * The demo's verdict as data: the reconciler's findings plus what only the demo sees (k6's exit and
 * thresholds, crashed processes, an interrupted run). PASS when no finding has severity fail.
 */
import type { K6Summary } from '../contract/k6-summary.js';
import type { FaultFinding } from '../faults/analysis.js';
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
      | { kind: 'no-requests' }
      | { kind: 'dropped-iterations'; count: number }
      | { kind: 'interrupted' }
      | { kind: 'check-error'; what: string; message: string }
      /** A soak's service whose heap kept growing (cost/growth.ts says what "sustained" means). */
      | { kind: 'memory-growth'; process: string; heapPer10Min: number; boundPer10Min: number }
    ))
  /** The machine itself ran out (machine.ts): the speed findings cannot be blamed on the system under test. */
  | { kind: 'machine-saturated'; severity: 'inconclusive'; machine: MachineLoad; excused: string[] };

export type Verdict = 'PASS' | 'FAIL' | 'INCONCLUSIVE';

/** Findings about speed or offered load: the ones a saturated machine can cause. */
const SPEED_KINDS = new Set<string>(['threshold-failed', 'threshold-outside-faults', 'k6-exit', 'dropped-iterations']);

/**
 * When the machine was saturated and a finding about speed or offered load would fail the run (or
 * the load asked for was not offered), those findings become warnings and the run is INCONCLUSIVE.
 */
export function applyMachine(findings: DemoFinding[], machine: MachineLoad | undefined): DemoFinding[] {
  if (machine === undefined || !machine.saturated) return findings;
  const speed = findings.filter((f) => SPEED_KINDS.has(f.kind) && (f.severity === 'fail' || f.kind === 'dropped-iterations'));
  if (speed.length === 0) return findings;
  const excused = speed.map((f) => f.kind);
  return [
    { kind: 'machine-saturated', severity: 'inconclusive', machine, excused: [...new Set(excused)] },
    ...findings.map((f) => (speed.includes(f) ? ({ ...f, severity: 'warn' } as DemoFinding) : f)),
  ];
}

export const verdictOf = (findings: readonly DemoFinding[]): Verdict =>
  findings.some((f) => f.severity === 'fail') ? 'FAIL' : findings.some((f) => f.severity === 'inconclusive') ? 'INCONCLUSIVE' : 'PASS';

/** What k6 itself says about the run: its exit, its thresholds, the load it could not offer. */
export function k6Findings(exitCode: number, summary: K6Summary | undefined): DemoFinding[] {
  if (summary === undefined) return [{ kind: 'k6-no-summary', severity: 'fail', exitCode }];
  const out: DemoFinding[] = [];
  if (exitCode !== 0) out.push({ kind: 'k6-exit', severity: 'fail', exitCode });
  for (const threshold of summary.thresholds.failed) out.push({ kind: 'threshold-failed', severity: 'fail', threshold });
  if (summary.requests === 0) out.push({ kind: 'no-requests', severity: 'fail' });
  // The offered load was lower than asked: worth a look, not a failure of the system under test.
  if (summary.droppedIterations > 0) out.push({ kind: 'dropped-iterations', severity: 'warn', count: summary.droppedIterations });
  return out;
}
