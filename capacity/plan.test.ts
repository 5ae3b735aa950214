/** The search's decision rules on hand-made trial histories: majority verdicts, the conservative bracket, ties first. */
import t from 'tap';
import { healthyTrial, overloadedTrial } from './fake-system.js';
import { bracketOf, contradictionsOf, nextStep, tallyByRate } from './plan.js';
import { searchOptions } from './search.js';
import type { TrialRecord } from './types.js';

function history(...trials: [number, boolean][]): TrialRecord[] {
  return trials.map(([rateRps, pass], index) => ({
    index,
    rateRps,
    purpose: 'bisect',
    result: pass ? healthyTrial(rateRps) : overloadedTrial(rateRps),
    verdict: pass ? { pass: true, violations: [] } : { pass: false, violations: [{ kind: 'p99', actualMs: 480, limitMs: 100 }] },
  }));
}

const options = searchOptions();

t.test('each rate counts by majority; a 1-1 tie counts for neither side and is re-run before anything else', async (t) => {
  const trials = history([100, true], [200, false], [200, true]);
  t.same(bracketOf(tallyByRate(trials)), { passRps: 100, failRps: null });
  t.same(nextStep(trials, options), { kind: 'run', rateRps: 200, purpose: 'tiebreak' });
  t.same(bracketOf(tallyByRate([...trials, ...history([200, true])])), { passRps: 200, failRps: null }, '2-1 pass');
});

t.test('a pass above a fail (both by majority) is reported, and the bracket stays below the lowest fail', async (t) => {
  const tallies = tallyByRate(history([300, true], [300, true], [200, false], [200, false], [150, true], [400, true]));
  const bracket = bracketOf(tallies);
  t.same(bracket, { passRps: 150, failRps: 200 }, 'the conservative answer');
  t.same(contradictionsOf(tallies, bracket), [300, 400]);
});

t.test('a narrow bracket is not final until both ends were measured twice', async (t) => {
  const narrow = history([436, true], [446, false]);
  t.same(nextStep(narrow, options), { kind: 'run', rateRps: 436, purpose: 'confirm' });
  t.same(nextStep([...narrow, ...history([436, true])], options), { kind: 'run', rateRps: 446, purpose: 'confirm' });
  t.same(nextStep([...narrow, ...history([436, true], [446, false])], options), { kind: 'stop', outcome: { kind: 'converged' } });
});

t.test('the midpoint is geometric and rates stay whole', async (t) => {
  t.same(nextStep(history([100, true], [400, false]), options), { kind: 'run', rateRps: 200, purpose: 'bisect' });
  t.same(nextStep(history([400, true], [800, false]), options), { kind: 'run', rateRps: 566, purpose: 'bisect' });
  // 5 and 6 have no whole rate between them: as narrow as the search can get, even though 20% apart.
  t.same(nextStep(history([5, true], [6, false], [5, true], [6, false]), options), { kind: 'stop', outcome: { kind: 'converged' } });
});
