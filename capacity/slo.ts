/**
 * Judges one trial against the SLO. Pure; every reason is data. A figure that is not a finite number
 * (k6 reported no samples, a parse went wrong) is never read as a pass: it is its own violation.
 */
import type { Slo, SloVerdict, SloViolation, TrialResult } from './types.js';

function measured(v: number): boolean {
  return Number.isFinite(v) && v >= 0;
}

export function meetsSlo(result: TrialResult, slo: Slo): SloVerdict {
  const violations: SloViolation[] = [];
  // Without a single completed request the percentiles say nothing; "no errors" would be vacuous.
  if (!(result.requests > 0)) violations.push({ kind: 'noRequests' });

  if (!measured(result.p99Ms)) violations.push({ kind: 'notMeasured', field: 'p99Ms' });
  else if (!(result.p99Ms < slo.p99BelowMs)) violations.push({ kind: 'p99', actualMs: result.p99Ms, limitMs: slo.p99BelowMs });

  if (!measured(result.errorRate)) violations.push({ kind: 'notMeasured', field: 'errorRate' });
  else if (result.errorRate > slo.maxErrorRate) violations.push({ kind: 'errorRate', actual: result.errorRate, limit: slo.maxErrorRate });

  if (!measured(result.droppedIterations)) violations.push({ kind: 'notMeasured', field: 'droppedIterations' });
  else if (result.droppedIterations > slo.maxDroppedIterations) {
    violations.push({ kind: 'droppedIterations', actual: result.droppedIterations, limit: slo.maxDroppedIterations });
  }
  return { pass: violations.length === 0, violations };
}
