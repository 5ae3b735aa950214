/**
 * The autoscaler over time, with an injected clock and synced every 15 s like the controller, against the
 * behavior examples of the Kubernetes documentation, "Horizontal Pod Autoscaling", section "Configurable
 * scaling behavior" (kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/), and the HPA
 * walkthrough. The YAML snippets are the documentation's own, read by behavior.ts.
 */
import t from 'tap';
import { parse } from 'yaml';
import { Autoscaler, type AutoscalerSpec, type ScaleDecision } from './autoscaler.js';
import { defaultBehavior, parseBehavior, type Behavior } from './behavior.js';
import type { ReplicaSample } from './replicas.js';

function behavior(yamlText: string): Behavior {
  const b = parseBehavior(parse(yamlText), 'docs example');
  if (b === null) throw new Error('the example has a behavior');
  return b;
}

function even(replicas: number, totalMillicores: number): ReplicaSample[] {
  return Array.from({ length: replicas }, (_, i) => ({ id: `p${i}`, state: 'ready' as const, usageMillicores: totalMillicores / replicas }));
}

/**
 * Syncs every 15 s from t = 0 to `untilS`, applying each rescale; `load(t)` is the total CPU the
 * replicas share. Returns [seconds, replicas] at each change.
 */
function run(a: Autoscaler, clock: { s: number }, start: number, untilS: number, load: (s: number) => number): { changes: [number, number][]; last: ScaleDecision } {
  let current = start;
  const changes: [number, number][] = [];
  let last: ScaleDecision | undefined;
  for (clock.s = 0; clock.s <= untilS; clock.s += 15) {
    last = a.sync(current, even(current, load(clock.s)));
    if (last.rescale) {
      current = last.desiredReplicas;
      changes.push([clock.s, current]);
    }
  }
  return { changes, last: last as ScaleDecision };
}

function autoscaler(spec: Partial<AutoscalerSpec>): { a: Autoscaler; clock: { s: number } } {
  const clock = { s: 0 };
  const full: AutoscalerSpec = { name: 'web', minReplicas: 1, maxReplicas: 10, targetCpuUtilizationPercent: 50, requestMillicores: 100, behavior: defaultBehavior(), ...spec };
  return { a: new Autoscaler(full, { now: () => clock.s * 1000 }), clock };
}

t.test('docs, scaling policies: 80 replicas to 10 with "4 Pods or 10% per 60 s": 8, then 8 (7.2 rounded up), then 4 at a time below 40', async (t) => {
  const b = behavior(`
scaleDown:
  policies:
  - type: Pods
    value: 4
    periodSeconds: 60
  - type: Percent
    value: 10
    periodSeconds: 60
`);
  t.equal(b.scaleDown.stabilizationWindowSeconds, 300, 'the snippet leaves the default 300 s window');
  const { a, clock } = autoscaler({ minReplicas: 10, maxReplicas: 100, behavior: b });
  const { changes, last } = run(a, clock, 80, 1200, () => 0);
  // The default window holds the initial 80 for 300 s; then one step per 60 s period.
  t.same(changes.map(([s]) => s), [300, 360, 420, 480, 540, 600, 660, 720, 780, 840, 900, 960, 1020, 1080]);
  const counts = [80, ...changes.map(([, n]) => n)];
  t.same(counts.slice(1).map((n, i) => (counts[i] as number) - n), [8, 8, 7, 6, 6, 5, 4, 4, 4, 4, 4, 4, 4, 2]);
  t.equal(counts.at(-1), 10);
  t.match(last.reason, { kind: 'metric', limit: 'TooFewReplicas' }, 'the last step stops at minReplicas');
});

t.test('docs, limit scale down rate: 10% per minute, and with "5 Pods" and selectPolicy Min no more than 5 a minute', async (t) => {
  const tenPercent = behavior('scaleDown:\n  stabilizationWindowSeconds: 0\n  policies:\n  - type: Percent\n    value: 10\n    periodSeconds: 60\n');
  const one = autoscaler({ maxReplicas: 200, behavior: tenPercent });
  t.same(run(one.a, one.clock, 100, 150, () => 0).changes, [[0, 90], [60, 81], [120, 72]]);

  const atMostFive = behavior(`
scaleDown:
  stabilizationWindowSeconds: 0
  policies:
  - type: Percent
    value: 10
    periodSeconds: 60
  - type: Pods
    value: 5
    periodSeconds: 60
  selectPolicy: Min
`);
  const two = autoscaler({ maxReplicas: 200, behavior: atMostFive });
  t.same(run(two.a, two.clock, 100, 150, () => 0).changes, [[0, 95], [60, 90], [120, 85]], '10% would be 10 pods: Min picks 5');
  const three = autoscaler({ maxReplicas: 200, behavior: atMostFive });
  t.same(run(three.a, three.clock, 30, 60, () => 0).changes, [[0, 27], [60, 24]], 'at 30 and at 27 replicas, 10% (3 pods) is the smaller change');
});

t.test('docs, disable scale down: selectPolicy Disabled keeps the replicas however idle', async (t) => {
  const { a, clock } = autoscaler({ behavior: behavior('scaleDown:\n  selectPolicy: Disabled\n') });
  const { changes, last } = run(a, clock, 6, 900, () => 0);
  t.same(changes, []);
  t.match(last, { desiredReplicas: 6, rescale: false, reason: { kind: 'metric', stabilizedReplicas: 0, limit: 'ScaleDownLimit' } });
});

t.test('docs, default behavior: scale up by 4 pods or 100% per 15 s; the walkthrough\'s 305% load ends at 7 replicas', async (t) => {
  // php-apache: 200m request, 50% target, 1..10 replicas, load of 305% of one pod's request (610m).
  const { a, clock } = autoscaler({ requestMillicores: 200, behavior: defaultBehavior() });
  const { changes } = run(a, clock, 1, 120, () => 610);
  t.same(changes, [[0, 5], [15, 7]], 'first max(1 + 4, 2 × 1) = 5, then the 7 the walkthrough shows');
});

t.test('an HPA without behavior (kubectl autoscale) takes the older path: at most max(2 × current, 4) per sync', async (t) => {
  const { a, clock } = autoscaler({ requestMillicores: 200, behavior: null });
  const { changes, last } = run(a, clock, 1, 60, () => 610);
  t.same(changes, [[0, 4], [15, 7]]);
  t.match(last.reason, { kind: 'metric' });
});

t.test('docs, default behavior: a scale-down waits for the 300 s window, then the 100% policy allows it at once', async (t) => {
  // "If the current value is instead 50m, you'll halve the number of replicas": 4 replicas at 50% of a 100% target.
  const { a, clock } = autoscaler({ targetCpuUtilizationPercent: 100, behavior: defaultBehavior() });
  t.same(run(a, clock, 4, 600, () => 200).changes, [[300, 2]]);
});

t.test('docs, stabilization window (60 s, as in "change downscale stabilization window" and in k8s/*.yaml)', async (t) => {
  const manifestBehavior = behavior(`
scaleDown:
  stabilizationWindowSeconds: 60
  policies:
  - type: Pods
    value: 1
    periodSeconds: 30
scaleUp:
  stabilizationWindowSeconds: 0
  policies:
  - type: Pods
    value: 2
    periodSeconds: 15
`);
  const steady = autoscaler({ maxReplicas: 3, requestMillicores: 250, behavior: manifestBehavior });
  // 3 replicas sharing 75m: 10% of 250m against 50%, the metric asks for 1 from the first sync on.
  t.same(run(steady.a, steady.clock, 3, 150, () => 75).changes, [[60, 2], [90, 1]], 'the initial 3 holds for 60 s, then one pod per 30 s');

  // A spike at 30 s (60%: the metric asks for 4, capped at 3) is the highest recommendation until 90 s.
  const spiky = autoscaler({ maxReplicas: 3, requestMillicores: 250, behavior: manifestBehavior });
  t.same(run(spiky.a, spiky.clock, 3, 180, (s) => (s === 30 ? 450 : 75)).changes, [[90, 2], [120, 1]]);
});

t.test('a scale-up stabilization window takes the lowest recommendation within it', async (t) => {
  const b = behavior('scaleUp:\n  stabilizationWindowSeconds: 60\n');
  const { a, clock } = autoscaler({ behavior: b });
  // Idle until 15 s, then 300m over 50m targets: the metric asks for 6 from 15 s, but the 1s stay in the window until 60 s.
  const { changes } = run(a, clock, 1, 90, (s) => (s < 15 ? 10 : 300));
  t.same(changes, [[60, 5], [75, 6]], 'then +4 pods (the larger default policy) and the rest 15 s later');
});

t.test('outside minReplicas..maxReplicas the count is brought back first; 0 replicas switches the HPA off', async (t) => {
  const { a } = autoscaler({ minReplicas: 2, maxReplicas: 3 });
  t.match(a.sync(5, even(5, 0)), { desiredReplicas: 3, rescale: true, reason: { kind: 'aboveMaxReplicas' } });
  t.match(a.sync(1, even(1, 1000)), { desiredReplicas: 2, rescale: true, reason: { kind: 'belowMinReplicas' } });
  t.match(a.sync(0, []), { desiredReplicas: 0, rescale: false, reason: { kind: 'scalingDisabled' } });
});

t.test('without samples from ready replicas the count is kept and the reason says why', async (t) => {
  const { a } = autoscaler({});
  const starting: ReplicaSample[] = [{ id: 'p0', state: 'pending', usageMillicores: null }, { id: 'p1', state: 'ready', usageMillicores: null }];
  t.same(a.sync(2, starting), { at: 0, currentReplicas: 2, desiredReplicas: 2, rescale: false, reason: { kind: 'metricsUnavailable', error: 'noReadyMetrics' } });
});

t.test('the history keeps recommendations and scale events for the results; a snapshot is a copy', async (t) => {
  const { a, clock } = autoscaler({ behavior: defaultBehavior() });
  run(a, clock, 1, 15, () => 300);
  const h = a.snapshot();
  t.same(h.recommendations.map((r) => r.replicas), [1, 6, 6], 'the initial count, then each sync\'s unstabilized recommendation');
  t.same(h.scaleUpEvents, [{ change: 4, at: 0, outdated: false }, { change: 1, at: 15000, outdated: false }]);
  h.recommendations.length = 0;
  t.equal(a.snapshot().recommendations.length, 3);
});

t.test('a per-direction tolerance in behavior replaces the controller-wide 0.1', async (t) => {
  const { a } = autoscaler({ behavior: behavior('scaleUp:\n  tolerance: "0.05"\n') });
  t.match(a.sync(4, even(4, 216)), { desiredReplicas: 5, reason: { kind: 'metric', calculation: { usageRatio: 1.08, withinTolerance: false } } });
  const plain = autoscaler({});
  t.match(plain.a.sync(4, even(4, 216)), { desiredReplicas: 4, rescale: false, reason: { kind: 'metric', calculation: { withinTolerance: true } } });
});
