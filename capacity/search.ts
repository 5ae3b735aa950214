/**
 * Runs the adaptive capacity search: asks plan.ts what to do, runs that trial through the caller's
 * TrialRunner, judges it (slo.ts), repeats. No timers and no clock: all I/O is the runner, so tests drive
 * it with a fake runner and finish instantly. Run it once per target (route A, route B, the split).
 */
import { bracketOf, contradictionsOf, nextStep, tallyByRate } from './plan.js';
import { meetsSlo } from './slo.js';
import { DEFAULT_SLO, type CapacityResult, type SearchEvent, type SearchOptions, type SearchOutcome, type TrialRecord, type TrialResult, type TrialRunner } from './types.js';

/**
 * Defaults sized for the local stack on a small machine: about 175 req/s sustained through the split
 * today, a few thousand at most on one route. From 100 req/s doubling to 6,400 takes 7 trials, bisecting
 * a factor of 2 down to 5% takes 4, confirming the two ends 2 more; 24 leaves room for noisy retries.
 */
export const DEFAULT_SEARCH: Readonly<SearchOptions> = Object.freeze({
  startRps: 100,
  minRps: 5,
  maxRps: 6400,
  growthFactor: 2,
  precision: 0.05,
  maxTrials: 24,
  trialDurationS: 15,
  slo: DEFAULT_SLO,
});

export class SearchOptionsError extends Error {
  override name = 'SearchOptionsError';
}

/** Fills defaults and checks the options; the error names the option and what it must be. */
export function searchOptions(input: Partial<SearchOptions> = {}): SearchOptions {
  const o: SearchOptions = { ...DEFAULT_SEARCH, ...input, slo: { ...DEFAULT_SEARCH.slo, ...input.slo } };
  const wholeAtLeast1 = (name: 'startRps' | 'minRps' | 'maxRps' | 'maxTrials'): void => {
    if (!Number.isInteger(o[name]) || o[name] < 1) throw new SearchOptionsError(`${name} must be a whole number >= 1, got ${o[name]}`);
  };
  wholeAtLeast1('minRps');
  wholeAtLeast1('startRps');
  wholeAtLeast1('maxRps');
  wholeAtLeast1('maxTrials');
  if (!(o.minRps <= o.startRps && o.startRps <= o.maxRps)) {
    throw new SearchOptionsError(`need minRps <= startRps <= maxRps, got ${o.minRps} <= ${o.startRps} <= ${o.maxRps}`);
  }
  if (!(o.growthFactor > 1) || !Number.isFinite(o.growthFactor)) throw new SearchOptionsError(`growthFactor must be a number > 1, got ${o.growthFactor}`);
  if (!(o.precision > 0 && o.precision < 1)) throw new SearchOptionsError(`precision must be between 0 and 1 (0.05 = 5%), got ${o.precision}`);
  if (!(o.trialDurationS > 0) || !Number.isFinite(o.trialDurationS)) throw new SearchOptionsError(`trialDurationS must be > 0, got ${o.trialDurationS}`);
  const { p99BelowMs, maxErrorRate, maxDroppedIterations } = o.slo;
  if (!(p99BelowMs > 0)) throw new SearchOptionsError(`slo.p99BelowMs must be > 0, got ${p99BelowMs}`);
  if (!(maxErrorRate >= 0 && maxErrorRate < 1)) throw new SearchOptionsError(`slo.maxErrorRate must be in [0, 1), got ${maxErrorRate}`);
  if (!(maxDroppedIterations >= 0)) throw new SearchOptionsError(`slo.maxDroppedIterations must be >= 0, got ${maxDroppedIterations}`);
  return o;
}

function summarize(outcome: SearchOutcome, trials: TrialRecord[]): CapacityResult {
  const tallies = tallyByRate(trials);
  const bracket = bracketOf(tallies);
  const capacityRps = outcome.kind === 'neverMetSlo' ? null : bracket.passRps;
  const tally = capacityRps === null ? undefined : tallies.get(capacityRps);
  const passing = trials.filter((t) => t.rateRps === capacityRps && t.verdict.pass).map((t) => t.result);
  const atCapacity = passing.reduce<TrialResult | null>((worst, r) => (worst === null || r.p99Ms > worst.p99Ms ? r : worst), null);
  return {
    outcome,
    capacityRps,
    confirmed: tally !== undefined && tally.passes >= 2 && tally.passes > tally.fails,
    atCapacity,
    bracket,
    contradictions: contradictionsOf(tallies, bracket),
    trials,
  };
}

/**
 * Finds the highest offered rate that meets the SLO. Never rejects because of the system under test:
 * SLO misses are data, and a runner that throws ends the search with outcome `runnerFailed` and the
 * trials so far. Rejects only on invalid options (SearchOptionsError), before any trial runs.
 */
export async function findCapacity(runTrial: TrialRunner, input: Partial<SearchOptions> = {}, onEvent: (event: SearchEvent) => void = () => {}): Promise<CapacityResult> {
  const o = searchOptions(input);
  const trials: TrialRecord[] = [];
  const finish = (outcome: SearchOutcome): CapacityResult => {
    const result = summarize(outcome, trials);
    onEvent({ type: 'done', result });
    return result;
  };
  for (;;) {
    const step = nextStep(trials, o);
    if (step.kind === 'stop') return finish(step.outcome);
    const index = trials.length;
    onEvent({ type: 'trialStart', index, rateRps: step.rateRps, purpose: step.purpose, bracket: bracketOf(tallyByRate(trials)) });
    let result: TrialResult;
    try {
      result = await runTrial(step.rateRps, { index, durationS: o.trialDurationS, purpose: step.purpose });
    } catch (err) {
      return finish({ kind: 'runnerFailed', rateRps: step.rateRps, message: err instanceof Error ? err.message : String(err) });
    }
    const record: TrialRecord = { index, rateRps: step.rateRps, purpose: step.purpose, result, verdict: meetsSlo(result, o.slo) };
    trials.push(record);
    onEvent({ type: 'trialEnd', record, bracket: bracketOf(tallyByRate(trials)) });
  }
}
