/**
 * horizontal.go's bookkeeping, function by function: which events count in a period (strictly newer
 * than the cutoff), how outdated entries are reused, and how both stabilization windows bound the count.
 */
import t from 'tap';
import { defaultBehavior } from './behavior.js';
import { replicasChangePerPeriod, scaleDownLimit, scaleUpLimit, stabilizeWithBehaviors, storeScaleEvent, type HpaHistory } from './hpa.js';

const empty = (): HpaHistory => ({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] });

t.test('getReplicasChangePerPeriod counts events strictly newer than now - period', async (t) => {
  const events = [{ change: 2, at: 0, outdated: false }, { change: 3, at: 10_000, outdated: false }];
  t.equal(replicasChangePerPeriod(15, events, 15_000), 3, 'the event exactly 15 s old is out');
  t.equal(replicasChangePerPeriod(15, events, 14_999), 5);
});

t.test('the period start undoes the changes made within the period, in both directions', async (t) => {
  const h = empty();
  h.scaleUpEvents.push({ change: 4, at: 0, outdated: false });
  h.scaleDownEvents.push({ change: 1, at: 5_000, outdated: false });
  // 8 now, +4 and -1 within 15 s: the period started at 5; default scale-up allows max(5 + 4, 5 × 2) = 10.
  t.equal(scaleUpLimit(8, h, defaultBehavior().scaleUp, 10_000), 10);
  // Default scale-down, -100% per 15 s from the period start of 5: down to 0.
  t.equal(scaleDownLimit(8, h, defaultBehavior().scaleDown, 10_000), 0);
  t.equal(scaleUpLimit(8, h, { ...defaultBehavior().scaleUp, selectPolicy: 'Disabled' }, 10_000), 8, 'Disabled allows no change');
});

t.test('storeScaleEvent marks events older than the longest policy period outdated and reuses the last of them', async (t) => {
  const h = empty();
  const b = defaultBehavior(); // scale-up policies: 15 s
  storeScaleEvent(h, b, 1, 3, 0);
  storeScaleEvent(h, b, 3, 4, 10_000);
  t.same(h.scaleUpEvents.map((e) => e.change), [2, 1]);
  storeScaleEvent(h, b, 4, 8, 40_000);
  t.same(h.scaleUpEvents, [{ change: 2, at: 0, outdated: true }, { change: 4, at: 40_000, outdated: false }], 'the newest outdated entry is replaced, the list does not grow');
  storeScaleEvent(h, b, 8, 5, 41_000);
  t.same(h.scaleDownEvents, [{ change: 3, at: 41_000, outdated: false }]);
  storeScaleEvent(h, null, 5, 9, 42_000);
  t.equal(h.scaleUpEvents.length, 2, 'no events without behavior');
});

t.test('stabilization keeps the current count between the lowest recent scale-up and the highest recent scale-down recommendation', async (t) => {
  const b = { ...defaultBehavior(), scaleUp: { ...defaultBehavior().scaleUp, stabilizationWindowSeconds: 60 } };
  b.scaleDown.stabilizationWindowSeconds = 120;
  const h = empty();
  h.recommendations.push({ replicas: 2, at: 0 }, { replicas: 9, at: 50_000 });
  t.same(stabilizeWithBehaviors(h, b, 5, 7, 100_000), { replicas: 7, reason: 'ReadyForNewScale' }, 'up window (40..100 s] holds 9: min(9, 7) = 7');
  t.same(stabilizeWithBehaviors(h, b, 5, 3, 110_000), { replicas: 5, reason: 'ScaleDownStabilized' }, 'the down window holds 9, above the current 5: no scale-down (and never a scale-up from it)');
  t.same(h.recommendations.map((r) => r.replicas), [2, 9, 7, 3]);
  t.same(stabilizeWithBehaviors(h, b, 5, 3, 200_000).replicas, 5, 'at 200 s the 7 from 100 s is still in the 120 s down window');
  t.same(stabilizeWithBehaviors(h, b, 5, 3, 300_000).replicas, 3, 'once both windows have passed only the new recommendation counts');
  // At 200 s the last entry older than both windows (9 at 50 s) was reused; at 300 s, 3 at 110 s.
  t.same(h.recommendations.map((r) => [r.replicas, r.at]), [[2, 0], [3, 200_000], [7, 100_000], [3, 300_000]], 'old entries are reused, the list does not grow');
});
