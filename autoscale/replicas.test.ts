/**
 * The replica calculation against the worked examples of the Kubernetes documentation, "Horizontal Pod
 * Autoscaling" (kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/, section "Algorithm
 * details") and its walkthrough, and against rules read in replica_calculator.go where the docs give no
 * numbers (cited per test). Expected values come from those sources, not from running this code.
 */
import t from 'tap';
import { resourceReplicas, type CalculationInput, type ReplicaSample, type ReplicaState } from './replicas.js';

const tolerances = { scaleUp: 0.1, scaleDown: 0.1 };

function pods(usage: (number | null)[], state: ReplicaState = 'ready', prefix = 'p'): ReplicaSample[] {
  return usage.map((u, i) => ({ id: `${prefix}${i}`, state, usageMillicores: u }));
}

function replicas(input: Omit<CalculationInput, 'tolerances'>): number | string {
  const r = resourceReplicas({ ...input, tolerances });
  return r.ok ? r.replicas : r.error;
}

t.test('docs, algorithm details: 200m against a 100m target doubles the replicas, 50m halves them', async (t) => {
  // "if the current metric value is 200m, and the desired value is 100m, the number of replicas will be doubled"
  // A 100m target as utilization: a 100m request at a 100% target.
  t.equal(replicas({ currentReplicas: 3, targetUtilizationPercent: 100, requestMillicores: 100, samples: pods([200, 200, 200]) }), 6);
  // "If the current value is instead 50m, you'll halve the number of replicas"
  t.equal(replicas({ currentReplicas: 4, targetUtilizationPercent: 100, requestMillicores: 100, samples: pods([50, 50, 50, 50]) }), 2);
});

t.test('docs: no scaling while the ratio is within the 0.1 tolerance of 1.0', async (t) => {
  const at = (u: number): number | string => replicas({ currentReplicas: 4, targetUtilizationPercent: 50, requestMillicores: 250, samples: pods([u, u, u, u]) });
  t.equal(at(135), 4, '54% of a 50% target: ratio 1.08, within');
  t.equal(at(137.5), 4, '55%: ratio exactly 1.1, still within (the bound is inclusive)');
  t.equal(at(140), 5, '56%: ratio 1.12, ceil(4 × 1.12) = 5');
  t.equal(at(112.5), 4, '45%: ratio 0.9, within');
  t.equal(at(110), 4, '44%: ratio 0.88, ceil(4 × 0.88) = ceil(3.52) = 4');
  t.equal(at(50), 2, '20%: ratio 0.4, ceil(1.6) = 2');
});

t.test('walkthrough: one php-apache pod at 305% of its 200m request with a 50% target asks for 7', async (t) => {
  // "CPU consumption has increased to 305% of the request. As a result, the deployment was resized to 7 replicas"
  const r = resourceReplicas({ currentReplicas: 1, targetUtilizationPercent: 50, requestMillicores: 200, samples: pods([610]), tolerances });
  t.match(r, { ok: true, replicas: 7, utilizationPercent: 305, usageRatio: 6.1 });
});

t.test('utilization is whole percent, truncated, as GetResourceUtilizationRatio computes it', async (t) => {
  // 100m over 300m requested is 33% (not 33.3%): ratio 0.66, ceil(3 × 0.66) = 2. Unrounded it would be ceil(2.0000000000000004) = 3.
  const r = resourceReplicas({ currentReplicas: 3, targetUtilizationPercent: 50, requestMillicores: 100, samples: pods([33, 33, 34]), tolerances });
  t.match(r, { ok: true, utilizationPercent: 33, replicas: 2 });
  t.equal(replicas({ currentReplicas: 1, targetUtilizationPercent: 50, requestMillicores: 250, samples: pods([139.5]) }), 2, '139.5m is read as 140m (MilliValue rounds up): 56%, not 55% (within the tolerance)');
});

t.test('docs: missing metrics count as 100% on a scale-down and 0% on a scale-up', async (t) => {
  // Scale-down: 3 pods at 20% of 250m, one without a sample. Ratio 0.4; with the missing pod at 100%
  // (250m): (150 + 250) / 1000 = 40%, ratio 0.8, ceil(0.8 × 4) = 4: the missing pod holds the count.
  const down = resourceReplicas({ currentReplicas: 4, targetUtilizationPercent: 50, requestMillicores: 250, samples: [...pods([50, 50, 50]), ...pods([null], 'ready', 'm')], tolerances });
  t.match(down, { ok: true, replicas: 4, usageRatio: 0.4, adjustedUsageRatio: 0.8, counts: { ready: 3, missing: 1 } });
  // Scale-up: 3 pods at 100%, one without a sample: ratio 2; the missing pod at 0%: 750 / 1000 = 75%, ceil(1.5 × 4) = 6.
  const up = resourceReplicas({ currentReplicas: 4, targetUtilizationPercent: 50, requestMillicores: 250, samples: [...pods([250, 250, 250]), ...pods([null], 'ready', 'm')], tolerances });
  t.match(up, { ok: true, replicas: 6, usageRatio: 2, adjustedUsageRatio: 1.5 });
  // A target above 100% fills a missing pod in at the target instead (fallbackUtilization = max(100, target)).
  const high = resourceReplicas({ currentReplicas: 2, targetUtilizationPercent: 200, requestMillicores: 100, samples: [...pods([20]), ...pods([null], 'ready', 'm')], tolerances });
  t.match(high, { ok: true, adjustedUsageRatio: (((20 + 200) * 100) / 200 / 200) });
});

t.test('docs: not-yet-ready pods count as 0% on a scale-up; a reversed direction means no change', async (t) => {
  // 2 ready pods at 100% and one starting: ratio 2; the unready pod at 0%: 500 / 750 = 66%, ratio 1.32, ceil(3.96) = 4.
  const damped = resourceReplicas({ currentReplicas: 3, targetUtilizationPercent: 50, requestMillicores: 250, samples: [...pods([250, 250]), ...pods([30], 'unready', 'u')], tolerances });
  t.match(damped, { ok: true, replicas: 4, usageRatio: 2, adjustedUsageRatio: 1.32 });
  // 1 ready pod at 100%, 2 starting: 250 / 750 = 33%, ratio 0.66 < 1 reverses the scale-up: keep 3.
  const reversed = resourceReplicas({ currentReplicas: 3, targetUtilizationPercent: 50, requestMillicores: 250, samples: [...pods([250]), ...pods([null, 400], 'unready', 'u')], tolerances });
  t.match(reversed, { ok: true, replicas: 3, usageRatio: 2, adjustedUsageRatio: 0.66, withinTolerance: false });
});

t.test('groupPods: unready pods are left out of a scale-down; terminating pods are ignored; pending pods are unready', async (t) => {
  const down = resourceReplicas({
    currentReplicas: 4,
    targetUtilizationPercent: 50,
    requestMillicores: 250,
    samples: [...pods([25, 25]), ...pods([900], 'unready', 'u'), ...pods([null], 'pending', 'q'), ...pods([999], 'terminating', 'x')],
    tolerances,
  });
  t.match(down, { ok: true, replicas: 1, usageRatio: 0.2, adjustedUsageRatio: null, counts: { ready: 2, unready: 2, missing: 0, ignored: 1 } });
});

t.test('without samples from ready replicas there is no decision, as the controller reports an error', async (t) => {
  t.equal(replicas({ currentReplicas: 2, targetUtilizationPercent: 50, requestMillicores: 250, samples: [] }), 'noReplicas');
  t.equal(replicas({ currentReplicas: 2, targetUtilizationPercent: 50, requestMillicores: 250, samples: [...pods([null]), ...pods([300], 'unready', 'u')] }), 'noReadyMetrics');
});
