/**
 * The capacity search's decisions, as a pure function of the trials so far: which rate to try next and
 * why, or why to stop. search.ts runs the trials; everything that decides lives here.
 *
 * Borrowed from Nighthawk's adaptive load controller (envoyproxy/nighthawk,
 * source/adaptive_load/step_controller_impl.cc, ExponentialSearchStepController::UpdateAndRecompute):
 * - the two phases: an exponential phase that multiplies the load by `exponential_factor` (default 2)
 *   while the metrics stay within thresholds, then a binary search between the last load within
 *   thresholds and the first one outside them;
 * - a pass/fail score per benchmark (its binary scoring functions), not a fitted latency curve;
 * - convergence on the relative distance of the search values (Nighthawk: within 1%; the issue: 5%);
 * - a bound on the session (Nighthawk: `convergence_deadline`, 300 s by default; here a trial count, so
 *   the bound does not depend on the machine's clock and the total time is maxTrials × trialDurationS);
 * - a final check at the found load (Nighthawk's "testing stage" reruns it for longer; here each end of
 *   the bracket must have been measured twice).
 * Changed on purpose:
 * - Nighthawk reports "doom" when the initial load already fails; we divide the rate down to minRps,
 *   because a start rate above capacity is an ordinary guess, not a broken setup.
 * - The midpoint is geometric (√(lo·hi)), not arithmetic: rates span orders of magnitude and the
 *   stopping rule is relative, so the geometric midpoint halves the relative width every step.
 *
 * Noise rule. A trial is one noisy sample: a GC pause or a neighbour on a 2-core machine can fail a
 * sustainable rate, and luck can pass an unsustainable one. Inside a bisection a wrong verdict is never
 * contradicted by later trials (they all fall on its side of it), so it would silently land in the answer.
 * Only the two ends of the final bracket decide the answer, so only they are re-measured:
 * - before stopping, each end of the bracket must have at least two trials;
 * - a rate whose trials disagree 1-1 gets a third, and the majority is that rate's verdict;
 * - the bracket is recomputed from the majority verdicts of every rate tried; if an end flips, the
 *   search resumes from the corrected bracket (old trials are reused, none are thrown away).
 * Majority rather than "the worse of two": the worse rule turns every transient hiccup into a lower
 * capacity (the very flakiness this benchmark must not have), while best-of-three tolerates one outlier in
 * either direction for one or two extra trials. A rate that passes by majority above a rate that fails by
 * majority (a real non-monotone system, e.g. warm-up) is reported in `contradictions`, and the answer is
 * the conservative one: the pass end is the highest majority pass *below* the lowest majority fail.
 */
import type { Bracket, SearchOptions, SearchOutcome, SloViolation, TrialPurpose, TrialRecord } from './types.js';

export interface RateTally {
  rateRps: number;
  passes: number;
  fails: number;
}

export type Step = { kind: 'run'; rateRps: number; purpose: TrialPurpose } | { kind: 'stop'; outcome: SearchOutcome };

export function tallyByRate(trials: readonly TrialRecord[]): Map<number, RateTally> {
  const tallies = new Map<number, RateTally>();
  for (const t of trials) {
    const tally = tallies.get(t.rateRps) ?? { rateRps: t.rateRps, passes: 0, fails: 0 };
    if (t.verdict.pass) tally.passes += 1;
    else tally.fails += 1;
    tallies.set(t.rateRps, tally);
  }
  return tallies;
}

/** The bracket from each rate's majority verdict; rates with a 1-1 tie count for neither side yet. */
export function bracketOf(tallies: ReadonlyMap<number, RateTally>): Bracket {
  const all = [...tallies.values()];
  const failing = all.filter((t) => t.fails > t.passes).map((t) => t.rateRps);
  const failRps = failing.length > 0 ? Math.min(...failing) : null;
  const passing = all.filter((t) => t.passes > t.fails && (failRps === null || t.rateRps < failRps)).map((t) => t.rateRps);
  return { passRps: passing.length > 0 ? Math.max(...passing) : null, failRps };
}

/** Rates that pass by majority at or above the bracket's fail end: evidence the system is not monotone. */
export function contradictionsOf(tallies: ReadonlyMap<number, RateTally>, bracket: Bracket): number[] {
  const { failRps } = bracket;
  if (failRps === null) return [];
  return [...tallies.values()].filter((t) => t.passes > t.fails && t.rateRps > failRps).map((t) => t.rateRps).sort((a, b) => a - b);
}

function run(rateRps: number, purpose: TrialPurpose): Step {
  return { kind: 'run', rateRps, purpose };
}

function lastViolations(trials: readonly TrialRecord[], rateRps: number): SloViolation[] {
  const failed = trials.filter((t) => t.rateRps === rateRps && !t.verdict.pass);
  return failed.at(-1)?.verdict.violations ?? [];
}

function decide(trials: readonly TrialRecord[], o: SearchOptions): Step {
  const tallies = tallyByRate(trials);
  for (const t of tallies.values()) if (t.passes === t.fails) return run(t.rateRps, 'tiebreak');
  const twice = (rate: number): boolean => {
    const t = tallies.get(rate);
    return t !== undefined && t.passes + t.fails >= 2;
  };
  const { passRps: lo, failRps: hi } = bracketOf(tallies);

  if (lo === null && hi === null) return run(o.startRps, 'bracket');
  if (lo === null && hi !== null) {
    if (hi <= o.minRps) {
      if (!twice(hi)) return run(hi, 'confirm');
      return { kind: 'stop', outcome: { kind: 'neverMetSlo', minRps: o.minRps, violations: lastViolations(trials, hi) } };
    }
    return run(Math.max(o.minRps, Math.min(hi - 1, Math.round(hi / o.growthFactor))), 'bracket');
  }
  if (lo !== null && hi === null) {
    if (lo >= o.maxRps) {
      if (!twice(lo)) return run(lo, 'confirm');
      return { kind: 'stop', outcome: { kind: 'reachedMaxRate', maxRps: o.maxRps } };
    }
    return run(Math.min(o.maxRps, Math.max(lo + 1, Math.round(lo * o.growthFactor))), 'bracket');
  }
  const pass = lo as number;
  const fail = hi as number;
  // Rates are whole requests per second (k6's constant-arrival-rate takes an integer rate).
  const mid = Math.round(Math.sqrt(pass * fail));
  const narrow = (fail - pass) / pass <= o.precision || mid <= pass || mid >= fail;
  if (!narrow) return run(mid, 'bisect');
  if (!twice(pass)) return run(pass, 'confirm');
  if (!twice(fail)) return run(fail, 'confirm');
  return { kind: 'stop', outcome: { kind: 'converged' } };
}

/** The next trial to run, or why to stop; never more than o.maxTrials trials. */
export function nextStep(trials: readonly TrialRecord[], o: SearchOptions): Step {
  const step = decide(trials, o);
  if (step.kind === 'run' && trials.length >= o.maxTrials) return { kind: 'stop', outcome: { kind: 'trialLimit', maxTrials: o.maxTrials } };
  return step;
}
