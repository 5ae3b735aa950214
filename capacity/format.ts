/**
 * Text for people, made from the capacity data at the edge: the summary table, one line per progress
 * event, and the wording of SLO violations. Nothing here is parsed back.
 */
import { table, type Column } from '../format/table.js';
import type { CapacityTarget } from './report.js';
import type { CapacityResult, SearchEvent, SearchOutcome, SloViolation } from './types.js';

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

/** Capacity at the fewest replicas searched for the same target: what a scaling row is compared with. */
function baseline(targets: readonly CapacityTarget[], t: CapacityTarget): CapacityTarget | undefined {
  const same = targets.filter((x) => x.name === t.name);
  return same.reduce<CapacityTarget | undefined>((low, x) => (low === undefined || x.replicas < low.replicas ? x : low), undefined);
}

/** "1.85x": capacity over the fewest replicas' capacity; '-' when either has none. */
function gainCell(targets: readonly CapacityTarget[], t: CapacityTarget): string {
  const base = baseline(targets, t);
  if (base === undefined || base.result.capacityRps === null || t.result.capacityRps === null || base.result.capacityRps === 0) return '-';
  return `${(t.result.capacityRps / base.result.capacityRps).toFixed(2)}x`;
}

/**
 * The capacity table: one row per target (per target and replica count when several counts were
 * searched: then a replicas column and each row's gain over the fewest replicas), then a note for
 * every target that did not converge cleanly.
 */
export function formatCapacityTable(targets: readonly CapacityTarget[]): string {
  const scaling = new Set(targets.map((t) => t.replicas)).size > 1;
  const columns: Column<CapacityTarget>[] = [
    { header: 'target', cell: (t) => t.name },
    ...(scaling ? [{ header: 'replicas', cell: (t: CapacityTarget) => t.replicas }] : []),
    { header: 'capacity req/s', cell: capacityCell },
    ...(scaling ? [{ header: 'gain', cell: (t: CapacityTarget) => gainCell(targets, t) }] : []),
    { header: 'p50 ms', cell: (t) => atCapacity(t, (a) => ms(a.p50Ms)) },
    { header: 'p95 ms', cell: (t) => atCapacity(t, (a) => ms(a.p95Ms)) },
    { header: 'p99 ms', cell: (t) => atCapacity(t, (a) => ms(a.p99Ms)) },
    { header: 'errors', cell: (t) => atCapacity(t, (a) => percent(a.errorRate)) },
    { header: 'CPU ms/req', cell: (t) => atCapacity(t, (a) => (a.cpuMsPerRequest !== undefined ? a.cpuMsPerRequest.toFixed(2) : '-')) },
    { header: 'trials', cell: (t) => t.result.trials.length },
  ];
  const out = [table(columns, targets, '')];
  for (const t of targets) {
    const who = scaling ? `${t.name} x${t.replicas}` : t.name;
    if (t.result.outcome.kind !== 'converged') out.push(`${who}: ${describeOutcome(t.result.outcome)}`);
    if (t.result.contradictions.length > 0) {
      out.push(`${who}: also met the SLO at ${t.result.contradictions.join(', ')} req/s, above a rate that missed it (not monotone; the lower figure is reported)`);
    }
  }
  return out.join('\n');
}

function atCapacity(t: CapacityTarget, cell: (at: NonNullable<CapacityResult['atCapacity']>) => string): string {
  return t.result.atCapacity ? cell(t.result.atCapacity) : '-';
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
