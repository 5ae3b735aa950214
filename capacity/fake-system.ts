/**
 * A fake system under test for the capacity search's unit tests (not a model of the real stack): it
 * meets the SLO exactly up to a known capacity, so a test can check the search against the true answer.
 * `flip` lists trial indices whose verdict comes out wrong once (a spurious failure below capacity or a
 * spurious pass above it), the noise the search must survive.
 */
import type { TrialAttempt, TrialResult, TrialRunner } from './types.js';

export interface FakeSystem {
  run: TrialRunner;
  /** Every call, in order: what the search asked for. */
  calls: { rateRps: number; attempt: TrialAttempt }[];
}

export function healthyTrial(rateRps: number): TrialResult {
  return { offeredRps: rateRps, achievedRps: rateRps, requests: rateRps * 10, p50Ms: 4, p95Ms: 12, p99Ms: 40, errorRate: 0, droppedIterations: 0, cpuMsPerRequest: 1.5 };
}

export function overloadedTrial(rateRps: number): TrialResult {
  const achieved = Math.round(rateRps * 0.9);
  return { offeredRps: rateRps, achievedRps: achieved, requests: achieved * 10, p50Ms: 60, p95Ms: 240, p99Ms: 480, errorRate: 0.004, droppedIterations: rateRps, cpuMsPerRequest: 1.9 };
}

export function fakeSystem(capacityRps: number, flip: ReadonlySet<number> = new Set()): FakeSystem {
  const calls: FakeSystem['calls'] = [];
  const run: TrialRunner = (rateRps, attempt) => {
    calls.push({ rateRps, attempt });
    const sustainable = rateRps <= capacityRps !== flip.has(attempt.index);
    return Promise.resolve(sustainable ? healthyTrial(rateRps) : overloadedTrial(rateRps));
  };
  return { run, calls };
}
