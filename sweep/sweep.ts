/**
 * Runs the split sweep on one system whose weight changes between points: for each repeat, for each
 * weight of route A, set the weight (the system warms up at it), search the split's capacity under the
 * SLO (capacity/search.ts), then one run at the fixed rate for each route's figures. Repeats go round
 * the weights in turn rather than one weight many times in a row, so a slow drift of the machine
 * spreads over every weight instead of landing on one. No clock and no I/O here: the system does it,
 * so tests drive the sweep with a fake system (fake-system.ts).
 */
import { findCapacity } from '../capacity/search.js';
import type { CapacityResult, SearchEvent, SearchOptions, TrialRunner } from '../capacity/types.js';
import { answerOf, pointOf } from './answer.js';
import type { FixedRateRun, SweepAnswer, SweepPoint, SweepRepeat } from './types.js';

export interface SweepSystem {
  /** Sets route A's weight in percent (B gets the rest), and returns once it is applied and the system warmed up at it. */
  setWeight(weightA: number): Promise<void>;
  /** One capacity trial at the current weight. */
  runTrial: TrialRunner;
  /** One run at `rateRps` for `durationS` at the current weight: per-route figures for the routes that got traffic. */
  runFixedRate(rateRps: number, durationS: number): Promise<FixedRateRun>;
}

export interface SweepPlan {
  /** Route A's percent at each point, 0..100, whole numbers, each once. */
  weights: number[];
  repeats: number;
  search: SearchOptions;
  /** The rate of the per-route figures; null: no fixed-rate runs. */
  fixedRateRps: number | null;
  /** Length of each fixed-rate run, seconds. */
  fixedRateDurationS: number;
}

export type SweepEvent =
  | { type: 'pointStart'; weightA: number; repeat: number }
  | { type: 'search'; weightA: number; repeat: number; event: SearchEvent }
  | { type: 'fixedRate'; weightA: number; repeat: number; run: FixedRateRun }
  | { type: 'fixedRateFailed'; weightA: number; repeat: number; message: string };

export class SweepPlanError extends Error {
  override name = 'SweepPlanError';
}

/** Checks the weights: whole percents 0..100, none twice. The error names what is wrong. */
export function checkWeights(weights: readonly number[]): number[] {
  if (weights.length === 0) throw new SweepPlanError('no weights to sweep');
  for (const w of weights) if (!Number.isInteger(w) || w < 0 || w > 100) throw new SweepPlanError(`a weight is route A's percent, a whole number 0..100, got ${w}`);
  if (new Set(weights).size !== weights.length) throw new SweepPlanError(`a weight is listed twice: ${weights.join(',')}`);
  return [...weights];
}

export interface SweepResult {
  points: SweepPoint[];
  answer: SweepAnswer;
  /** False when shouldStop ended it early: some repeats were not run. */
  complete: boolean;
}

export async function runSweep(system: SweepSystem, plan: SweepPlan, onEvent: (e: SweepEvent) => void = () => {}, shouldStop: () => boolean = () => false): Promise<SweepResult> {
  const weights = checkWeights(plan.weights);
  if (!Number.isInteger(plan.repeats) || plan.repeats < 1) throw new SweepPlanError(`repeats must be a whole number >= 1, got ${plan.repeats}`);
  const repeats = new Map<number, SweepRepeat[]>(weights.map((w) => [w, []]));
  let complete = true;
  sweep: for (let repeat = 0; repeat < plan.repeats; repeat++) {
    for (const weightA of weights) {
      if (shouldStop()) {
        complete = false;
        break sweep;
      }
      onEvent({ type: 'pointStart', weightA, repeat });
      await system.setWeight(weightA);
      const capacity: CapacityResult = await findCapacity(system.runTrial, plan.search, (event) => onEvent({ type: 'search', weightA, repeat, event }));
      let fixedRate: FixedRateRun | null = null;
      if (plan.fixedRateRps !== null && !shouldStop()) {
        try {
          fixedRate = await system.runFixedRate(plan.fixedRateRps, plan.fixedRateDurationS);
          onEvent({ type: 'fixedRate', weightA, repeat, run: fixedRate });
        } catch (err) {
          // A run that could not be made is a missing figure, not the end of the sweep.
          onEvent({ type: 'fixedRateFailed', weightA, repeat, message: err instanceof Error ? err.message : String(err) });
        }
      }
      repeats.get(weightA)!.push({ capacity, fixedRate });
    }
  }
  const points = weights.map((w) => pointOf(w, repeats.get(w)!));
  return { points, answer: answerOf(points), complete };
}
