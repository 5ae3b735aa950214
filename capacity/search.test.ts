/**
 * The capacity search against a fake system whose capacity is known (fake-system.ts), so every test can
 * check the answer against the truth. No trial sleeps: the runner is a function.
 */
import fc from 'fast-check';
import t from 'tap';
import { fakeSystem, healthyTrial, overloadedTrial } from './fake-system.js';
import { findCapacity, SearchOptionsError } from './search.js';
import type { CapacityResult, SearchEvent, TrialRunner } from './types.js';

/** The bracket holds the true capacity and is within 5% (or no whole rate lies strictly inside it). */
function bracketsTruth(result: CapacityResult, trueCapacity: number): boolean {
  const { passRps: lo, failRps: hi } = result.bracket;
  if (result.outcome.kind !== 'converged' || lo === null || hi === null) return false;
  return lo <= trueCapacity && trueCapacity < hi && ((hi - lo) / lo <= 0.05 || hi - lo === 1) && result.capacityRps === lo && result.confirmed;
}

t.test('converges to within 5% of a known capacity: doubling, then geometric bisection, then both ends re-measured', async (t) => {
  const system = fakeSystem(437);
  const result = await findCapacity(system.run);
  t.same(
    system.calls.map((c) => [c.rateRps, c.attempt.purpose]),
    [[100, 'bracket'], [200, 'bracket'], [400, 'bracket'], [800, 'bracket'], [566, 'bisect'], [476, 'bisect'], [436, 'bisect'], [456, 'bisect'], [436, 'confirm'], [456, 'confirm']],
  );
  t.same(result.outcome, { kind: 'converged' });
  t.same(result.bracket, { passRps: 436, failRps: 456 }, '(456 - 436) / 436 = 4.6%');
  t.equal(result.capacityRps, 436);
  t.ok(result.confirmed);
  t.same(result.atCapacity, healthyTrial(436), 'the figures come from a passing trial at the capacity');
  t.equal(result.trials.length, 10);
  t.same(system.calls.map((c) => c.attempt.index), [...Array(10).keys()], 'each trial knows its index');
  t.ok(system.calls.every((c) => c.attempt.durationS === 15), 'the trial duration is passed through');
});

t.test('for any capacity and start rate, the bracket holds the true capacity within 5% and the trial bound holds', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 5, max: 6399 }), fc.integer({ min: 5, max: 6400 }), async (capacity, startRps) => {
      const result = await findCapacity(fakeSystem(capacity).run, { startRps });
      return bracketsTruth(result, capacity) && result.trials.length <= 24;
    }),
    { numRuns: 300 },
  );
  t.pass('300 random systems bracketed');
});

t.test('a spurious failure below capacity is caught when its rate becomes an end, and the search resumes upward', async (t) => {
  // Trial 2 (400 req/s, truly sustainable) fails once: the first convergence ends at 400, the re-run passes,
  // the tie-break passes, 400 becomes a pass by majority and the search doubles on from there.
  const system = fakeSystem(437, new Set([2]));
  const result = await findCapacity(system.run);
  t.ok(bracketsTruth(result, 437), `bracket ${JSON.stringify(result.bracket)} holds 437`);
  const at400 = result.trials.filter((r) => r.rateRps === 400);
  t.same(at400.map((r) => [r.purpose, r.verdict.pass]), [['bracket', false], ['confirm', true], ['tiebreak', true]]);
  t.ok(result.trials.some((r) => r.rateRps === 800), 'resumed above the corrected end');
});

t.test('a spurious pass above capacity is caught by the re-run of the pass end', async (t) => {
  // Trial 7 (456 req/s, truly too much) passes once and becomes the pass end; its re-run and tie-break fail.
  const system = fakeSystem(437, new Set([7]));
  const result = await findCapacity(system.run);
  t.ok(bracketsTruth(result, 437), `bracket ${JSON.stringify(result.bracket)} holds 437`);
  t.same(result.trials.filter((r) => r.rateRps === 456).map((r) => r.verdict.pass), [true, false, false]);
  t.equal(result.capacityRps, 436);
});

t.test('any single wrong verdict, at any trial, still ends in a bracket that holds the true capacity', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 20, max: 3000 }), fc.integer({ min: 0, max: 16 }), async (capacity, noisyTrial) => {
      const result = await findCapacity(fakeSystem(capacity, new Set([noisyTrial])).run, { maxTrials: 40 });
      return bracketsTruth(result, capacity);
    }),
    { numRuns: 300 },
  );
  t.pass('300 noisy searches bracketed the truth');
});

t.test('a system that never meets the SLO: the search walks down to minRps, confirms it and says why', async (t) => {
  const system = fakeSystem(0);
  const result = await findCapacity(system.run);
  t.same(system.calls.map((c) => c.rateRps), [100, 50, 25, 13, 7, 5, 5]);
  t.equal(result.outcome.kind, 'neverMetSlo');
  if (result.outcome.kind === 'neverMetSlo') {
    t.equal(result.outcome.minRps, 5);
    t.same(result.outcome.violations.map((v) => v.kind), ['p99', 'errorRate', 'droppedIterations'], 'the last failure\'s reasons');
  }
  t.equal(result.capacityRps, null);
  t.equal(result.atCapacity, null);
  t.equal(result.confirmed, false);
});

t.test('a system that always meets the SLO: capacity is at least maxRps, measured twice', async (t) => {
  const system = fakeSystem(Number.POSITIVE_INFINITY);
  const result = await findCapacity(system.run, { maxRps: 1000 });
  t.same(system.calls.map((c) => c.rateRps), [100, 200, 400, 800, 1000, 1000]);
  t.same(result.outcome, { kind: 'reachedMaxRate', maxRps: 1000 });
  t.equal(result.capacityRps, 1000);
  t.ok(result.confirmed);
  t.same(result.bracket, { passRps: 1000, failRps: null });
});

t.test('the trial bound holds even for a system that answers at random', async (t) => {
  let calls = 0;
  const coinFlip: TrialRunner = (rate) => Promise.resolve(++calls % 3 === 0 ? overloadedTrial(rate) : healthyTrial(rate));
  const result = await findCapacity(coinFlip, { maxTrials: 7 });
  t.equal(calls, 7);
  t.same(result.outcome, { kind: 'trialLimit', maxTrials: 7 });
  t.equal(result.trials.length, 7);

  const short = await findCapacity(fakeSystem(437).run, { maxTrials: 3 });
  t.same(short.outcome, { kind: 'trialLimit', maxTrials: 3 });
  t.equal(short.capacityRps, 400, 'the best rate so far is still reported');
  t.equal(short.confirmed, false, 'but flagged as measured once');
});

t.test('progress events: a start and an end per trial with the bracket so far, then done with the result', async (t) => {
  const events: SearchEvent[] = [];
  const result = await findCapacity(fakeSystem(150).run, { startRps: 100, maxRps: 400 }, (e) => events.push(e));
  t.equal(events.length, result.trials.length * 2 + 1);
  result.trials.forEach((record, i) => {
    t.same(events[2 * i], { type: 'trialStart', index: i, rateRps: record.rateRps, purpose: record.purpose, bracket: i === 0 ? { passRps: null, failRps: null } : (events[2 * i - 1] as Extract<SearchEvent, { type: 'trialEnd' }>).bracket });
    t.equal((events[2 * i + 1] as Extract<SearchEvent, { type: 'trialEnd' }>).record, record);
  });
  t.same((events[1] as Extract<SearchEvent, { type: 'trialEnd' }>).bracket, { passRps: 100, failRps: null });
  t.same((events[3] as Extract<SearchEvent, { type: 'trialEnd' }>).bracket, { passRps: 100, failRps: 200 });
  t.same(events.at(-1), { type: 'done', result });
});

t.test('a runner that fails ends the search with the trials so far, without throwing', async (t) => {
  const inner = fakeSystem(437);
  const run: TrialRunner = (rate, attempt) => (attempt.index === 2 ? Promise.reject(new Error('k6 exited with code 107')) : inner.run(rate, attempt));
  const result = await findCapacity(run);
  t.same(result.outcome, { kind: 'runnerFailed', rateRps: 400, message: 'k6 exited with code 107' });
  t.equal(result.trials.length, 2);
  t.equal(result.capacityRps, 200);
});

t.test('invalid options are refused before any trial runs, naming the option', async (t) => {
  const system = fakeSystem(437);
  await t.rejects(findCapacity(system.run, { startRps: 9000 }), new SearchOptionsError('need minRps <= startRps <= maxRps, got 5 <= 9000 <= 6400'));
  await t.rejects(findCapacity(system.run, { precision: 5 }), SearchOptionsError);
  await t.rejects(findCapacity(system.run, { growthFactor: 1 }), SearchOptionsError);
  await t.rejects(findCapacity(system.run, { minRps: 0.5 }), /minRps must be a whole number/);
  await t.rejects(findCapacity(system.run, { slo: { p99BelowMs: 0, maxErrorRate: 0, maxDroppedIterations: 0 } }), /slo\.p99BelowMs/);
  t.equal(system.calls.length, 0);
});
