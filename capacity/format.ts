/**
 * Text for people, made from the capacity data at the edge: the summary table, one line per progress
 * event, and the wording of SLO violations. Nothing here is parsed back.
 */
import type { CapacityTarget } from './report.js';
import type { SearchEvent, SearchOutcome, SloViolation } from './types.js';

function ms(v: number): string {
  return Number.isFinite(v) ? v.toFixed(1) : '-';
}

function percent(v: number): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : '-';
}

export function describeViolation(v: SloViolation): string {
  switch (v.kind) {
    case 'noRequests':
      return 'no request completed';
    case 'notMeasured':
      return `${v.field} was not measured`;
    case 'p99':
      return `p99 ${ms(v.actualMs)} ms (must be under ${v.limitMs} ms)`;
    case 'errorRate':
      return `errors ${percent(v.actual)} (at most ${percent(v.limit)})`;
    case 'droppedIterations':
      return `${v.actual} dropped iterations (at most ${v.limit})`;
  }
}

export function describeOutcome(o: SearchOutcome): string {
  switch (o.kind) {
    case 'converged':
      return 'converged';
    case 'reachedMaxRate':
      return `met the SLO at the highest rate tried (${o.maxRps} req/s): capacity is at least that`;
    case 'neverMetSlo':
      return `missed the SLO even at ${o.minRps} req/s: ${o.violations.map(describeViolation).join('; ')}`;
    case 'trialLimit':
      return `stopped after ${o.maxTrials} trials before the bracket was within the precision`;
    case 'runnerFailed':
      return `the trial at ${o.rateRps} req/s could not run: ${o.message}`;
  }
}

function capacityCell(target: CapacityTarget): string {
  const { result } = target;
  if (result.capacityRps === null) return 'none';
  const bound = result.outcome.kind === 'reachedMaxRate' ? '>= ' : '';
  return `${bound}${result.capacityRps}${result.confirmed ? '' : ' (once)'}`;
}

/** The capacity table: one row per target, then a note for every target that did not converge cleanly. */
export function formatCapacityTable(targets: readonly CapacityTarget[]): string {
  const header = ['target', 'capacity req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'CPU ms/req', 'trials'];
  const rows = targets.map((t) => {
    const at = t.result.atCapacity;
    return [
      t.name,
      capacityCell(t),
      at ? ms(at.p50Ms) : '-',
      at ? ms(at.p95Ms) : '-',
      at ? ms(at.p99Ms) : '-',
      at ? percent(at.errorRate) : '-',
      at?.cpuMsPerRequest !== undefined ? at.cpuMsPerRequest.toFixed(2) : '-',
      String(t.result.trials.length),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const out = [line(header), ...rows.map(line)];
  for (const t of targets) {
    if (t.result.outcome.kind !== 'converged') out.push(`${t.name}: ${describeOutcome(t.result.outcome)}`);
    if (t.result.contradictions.length > 0) {
      out.push(`${t.name}: also met the SLO at ${t.result.contradictions.join(', ')} req/s, above a rate that missed it (not monotone; the lower figure is reported)`);
    }
  }
  return out.join('\n');
}

/** One progress line per event (trialStart prints nothing: the CLI shows the rate when the trial ends). */
export function formatSearchEvent(targetName: string, event: SearchEvent): string | null {
  switch (event.type) {
    case 'trialStart':
      return null;
    case 'trialEnd': {
      const { record, bracket } = event;
      const r = record.result;
      const verdict = record.verdict.pass ? 'met the SLO' : `missed: ${record.verdict.violations.map(describeViolation).join('; ')}`;
      const range = `bracket ${bracket.passRps ?? '?'}..${bracket.failRps ?? '?'} req/s`;
      return `${targetName} trial ${record.index + 1} (${record.purpose}) at ${record.rateRps} req/s: p99 ${ms(r.p99Ms)} ms, ${percent(r.errorRate)} errors, ${verdict}; ${range}`;
    }
    case 'done': {
      const { result } = event;
      const found = result.capacityRps === null ? 'no rate met the SLO' : `capacity ${result.capacityRps} req/s`;
      return `${targetName}: ${found} (${describeOutcome(result.outcome)}, ${result.trials.length} trials)`;
    }
  }
}
