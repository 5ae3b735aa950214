/**
 * The sweep's search and its answer on a fake system (fake-system.ts, built on the capacity search's own
 * fake trials) whose capacity at each weight is known, so the best weight, the curves and the models are
 * checked against the truth. No trial sleeps: the system is functions.
 */
import t from 'tap';
import { searchOptions } from '../capacity/search.js';
import { answerOf, ownPodsCapacity, pointOf, sharedCoresCapacity, spreadOf } from './answer.js';
import { fakeP99, fakeSweepSystem } from './fake-system.js';
import { formatAnswer, signedPct, spreadText } from './format.js';
import { checkWeights, runSweep, SweepPlanError, type SweepPlan } from './sweep.js';

const search = searchOptions({ precision: 0.05 });
const plan = (weights: number[], repeats = 1): SweepPlan => ({ weights, repeats, search, fixedRateRps: 100, fixedRateDurationS: 10 });

/** The search's capacity is the bracket's pass end: at most the truth and within the 5% precision of it. */
const within = (measured: number | null, truth: number): boolean => measured !== null && measured <= truth && measured >= Math.floor(truth / 1.05);

t.test('own pods per route (C_A 300, C_B 100): the best weight is 75, where both routes saturate together, and every point is found', async (t) => {
  const truth = (w: number): number => Math.floor(ownPodsCapacity(w / 100, 300, 100));
  const weights = [0, 25, 50, 75, 90, 100];
  const system = fakeSweepSystem(truth);
  const { points, answer, complete } = await runSweep(system, plan(weights));
  t.ok(complete);
  t.same(system.weightsSet, weights, 'one weight change per point, in order');
  for (const p of points) t.ok(within(p.capacity.median, truth(p.weightA)), `w=${p.weightA}: measured ${p.capacity.median}, true ${truth(p.weightA)}`);
  t.equal(answer.best?.weightA, 75, 'best weight');
  t.equal(answer.runnerUp?.weightA, 90, 'runner-up (333 req/s)');
  t.equal(answer.certainty.overlapsRunnerUp, null, 'one repeat: no ranges to compare');
  t.equal(answer.certainty.tiedWithRunnerUp, false);
  if (answer.models.kind !== 'computed') return t.fail(answer.models.reason);
  const { capacityA, capacityB } = answer.models;
  t.equal(capacityA, points.at(-1)!.capacity.median, 'C_A is the measured capacity at 100');
  t.equal(capacityB, points[0]!.capacity.median, 'C_B is the measured capacity at 0');
  const at75 = answer.models.points.find((m) => m.weightA === 75)!;
  t.equal(at75.sharedCores, 1 / (0.75 / capacityA + 0.25 / capacityB));
  t.equal(at75.ownPods, Math.min(capacityA / 0.75, capacityB / 0.25));
  t.equal(at75.splitCost, (at75.measured! - at75.sharedCores) / at75.sharedCores);
  t.ok(at75.splitCost! > 1, `a system that scales like separate pods beats the shared-cores model at 75 by ${(at75.splitCost! * 100).toFixed(0)}%`);
});

t.test('routes that share the cores (C_A 400, C_B 200): capacity rises toward the cheaper route, best 100, and the split costs nothing beyond the precision', async (t) => {
  const truth = (w: number): number => Math.floor(sharedCoresCapacity(w / 100, 400, 200));
  const { points, answer } = await runSweep(fakeSweepSystem(truth), plan([0, 10, 25, 50, 75, 90, 100]));
  for (const p of points) t.ok(within(p.capacity.median, truth(p.weightA)), `w=${p.weightA}: measured ${p.capacity.median}, true ${truth(p.weightA)}`);
  t.equal(answer.best?.weightA, 100);
  if (answer.models.kind !== 'computed') return t.fail(answer.models.reason);
  for (const m of answer.models.points) t.ok(Math.abs(m.splitCost!) <= 0.06, `w=${m.weightA}: measured against shared cores ${(m.splitCost! * 100).toFixed(1)}%`);
});

t.test('repeats: the runner-up overlapping the best is said; apart, it is not; repeats go round the weights', async (t) => {
  const overlapping = { 0: [100, 100], 50: [200, 240], 100: [230, 250] } as Record<number, number[]>;
  const sys = fakeSweepSystem((w, r) => overlapping[w]![r]!);
  const a = await runSweep(sys, plan([0, 50, 100], 2));
  t.same(sys.weightsSet, [0, 50, 100, 0, 50, 100], 'round the weights, not one weight twice in a row');
  t.equal(a.answer.best?.weightA, 100);
  t.equal(a.answer.runnerUp?.weightA, 50);
  t.equal(a.answer.certainty.repeats, 2);
  t.equal(a.answer.certainty.overlapsRunnerUp, true, 'runner-up max (about 240) reaches the best min (about 230)');
  const b100 = a.points.find((p) => p.weightA === 100)!.capacity;
  t.equal(b100.values.length, 2);
  t.ok(b100.min! < b100.max!, `a spread: ${b100.min}..${b100.max}`);

  const apart = { 0: [100, 100], 50: [200, 210], 100: [300, 320] } as Record<number, number[]>;
  const b = await runSweep(fakeSweepSystem((w, r) => apart[w]![r]!), plan([0, 50, 100], 2));
  t.equal(b.answer.certainty.overlapsRunnerUp, false);
});

t.test('weight 0 and 100: per-route figures only for the route that got traffic', async (t) => {
  const { points } = await runSweep(fakeSweepSystem(() => 200), plan([0, 50, 100]));
  t.same(Object.keys(points[0]!.repeats[0]!.fixedRate!.routes), ['redis'], 'w=0: only route B');
  t.same(Object.keys(points[0]!.p99Ms), ['redis']);
  t.same(Object.keys(points[1]!.p99Ms).sort(), ['grpc', 'redis'], 'w=50: both');
  t.same(Object.keys(points[2]!.p99Ms), ['grpc'], 'w=100: only route A');
  t.equal(points[1]!.p99Ms.grpc!.median, fakeP99('grpc', 50));
});

t.test('without weight 0 or 100 the models cannot be computed, and say which capacity is missing', async (t) => {
  const { answer } = await runSweep(fakeSweepSystem(() => 200), plan([25, 50, 100]));
  t.equal(answer.models.kind, 'notComputable');
  if (answer.models.kind === 'notComputable') t.match(answer.models.reason, /C_B \(route B alone, weight 0\) was not measured/);
  t.equal(answerOf([]).best, null);
});

t.test('a weight where no rate met the SLO has no capacity and is never the best', async (t) => {
  const { points, answer } = await runSweep(fakeSweepSystem((w) => (w === 50 ? 0 : 100)), plan([0, 50, 100]));
  t.equal(points[1]!.repeats[0]!.capacity!.outcome.kind, 'neverMetSlo');
  t.equal(points[1]!.capacity.median, 0, 'below the lowest rate: 0, its lower bound, so it counts against the weight');
  t.not(answer.best?.weightA, 50);
});

t.test('a fixed-rate run that fails leaves that figure missing and the sweep going', async (t) => {
  const sys = fakeSweepSystem(() => 100);
  sys.runFixedRate = () => Promise.reject(new Error('k6 wrote no summary'));
  const events: string[] = [];
  const { points } = await runSweep(sys, plan([0, 100]), (e) => e.type === 'fixedRateFailed' && events.push(`${e.weightA}: ${e.message}`));
  t.same(events, ['0: k6 wrote no summary', '100: k6 wrote no summary']);
  t.equal(points[0]!.repeats[0]!.fixedRate, null);
  t.same(points[0]!.p99Ms, {});
  t.ok(points.every((p) => p.capacity.median !== null), 'the capacities still measured');
});

t.test('stopping between points keeps what was measured and says the sweep is incomplete', async (t) => {
  let n = 0;
  const { points, complete, answer } = await runSweep(fakeSweepSystem(() => 100), plan([0, 50, 100], 2), (e) => void (e.type === 'pointStart' && n++), () => n >= 4);
  t.equal(complete, false);
  t.same(points.map((p) => p.repeats.length), [2, 1, 1]);
  t.equal(answer.certainty.repeats, 1, 'the fewest repeats any weight got');
});

t.test('equal capacities at two weights are a tie, said as one', async (t) => {
  const { answer } = await runSweep(fakeSweepSystem(() => 100), plan([0, 50, 100]));
  t.equal(answer.certainty.tiedWithRunnerUp, true);
  t.match(formatAnswer(answer).join('\n'), /Tied: A\/B 50\/50 has the same capacity/);
});

t.test('a repeat that missed at every rate counts as 0; one that could not say is shown as missing, not hidden', async (t) => {
  const caps: Record<number, (number | null)[]> = { 0: [100, 100], 50: [0, 200], 100: [150, 150] };
  const { points } = await runSweep(fakeSweepSystem((w, r) => caps[w]![r]!), plan([0, 50, 100], 2));
  t.same(points[1]!.capacity.values[0], 0);
  t.equal(spreadText(points[1]!.capacity), `${points[1]!.capacity.median} (0..${points[1]!.capacity.max})`);
  t.equal(spreadText(spreadOf([null, 71])), '71 [1 of 2 measured]');
  t.equal(spreadText(spreadOf([null, null])), 'none');
  t.same([signedPct(-0.00001), signedPct(0.411), signedPct(-0.104), signedPct(null)], ['+0.0%', '+41.1%', '-10.4%', null]);
});

t.test('weights and spreads', async (t) => {
  t.throws(() => checkWeights([0, 50, 50]), SweepPlanError);
  t.throws(() => checkWeights([101]), /whole number 0\.\.100/);
  t.throws(() => checkWeights([12.5]), SweepPlanError);
  t.throws(() => checkWeights([]), SweepPlanError);
  t.same(spreadOf([3, null, 1, 2]), { values: [3, null, 1, 2], median: 2, min: 1, max: 3 });
  t.same(spreadOf([4, 1]), { values: [4, 1], median: 2.5, min: 1, max: 4 });
  t.same(spreadOf([null]), { values: [null], median: null, min: null, max: null });
  t.same(pointOf(30, [], []).p99Ms, {});
  t.equal(ownPodsCapacity(0, 300, 100), 100);
  t.equal(ownPodsCapacity(1, 300, 100), 300);
  t.equal(sharedCoresCapacity(0.5, 300, 100), 150);
});
