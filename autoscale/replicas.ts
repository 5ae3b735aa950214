/**
 * The replica count one CPU-utilization metric asks for, mirroring kubernetes/kubernetes
 * pkg/controller/podautoscaler/replica_calculator.go ReplicaCalculator.GetResourceReplicas with
 * groupPods, and metrics/utilization.go GetResourceUtilizationRatio:
 *
 * - utilization = trunc(Σ usage × 100 / Σ request) over the pods that have a metric, in whole percent
 *   (the controller's integer division); usageRatio = utilization / target;
 * - within the tolerance ((1 - down) <= ratio <= (1 + up), Tolerances.isWithin) nothing changes;
 * - otherwise ceil(usageRatio × ready pods with metrics);
 * - pods without metrics count as using 100% of their request (or the target, if above 100%) on a
 *   scale-down and 0% on a scale-up; not-ready pods count as 0% on a scale-up and are left out of a
 *   scale-down; if the recomputed ratio is within the tolerance or reverses the direction, or the new
 *   count would move against the ratio, nothing changes.
 *
 * Locally a "pod" is one replica process. The states map onto groupPods: `terminating` = a deletion
 * timestamp (ignored), `pending` = the Pending phase (not ready), `unready` = running but not passing
 * its readiness check, `ready` = serving. The controller also treats a ready pod as not ready during
 * --horizontal-pod-autoscaler-cpu-initialization-period when its sample predates readiness; locally
 * the caller samples CPU over the sync period, so it reports such a replica as `unready` itself.
 */

export type ReplicaState = 'pending' | 'unready' | 'ready' | 'terminating';

export interface ReplicaSample {
  id: string;
  state: ReplicaState;
  /**
   * Average CPU over the last sample window, millicores; null when there is no sample yet. Rounded up
   * to whole millicores as the controller's Quantity.MilliValue() does.
   */
  usageMillicores: number | null;
}

export interface Tolerances {
  scaleUp: number;
  scaleDown: number;
}

export interface ReplicaCounts {
  ready: number;
  unready: number;
  missing: number;
  ignored: number;
}

export type ReplicaCalculation =
  | {
      ok: true;
      replicas: number;
      /** The whole-percent utilization over pods with metrics, as the HPA status reports it. */
      utilizationPercent: number;
      usageRatio: number;
      /** The ratio after filling in missing and not-ready pods; null when none had to be filled in. */
      adjustedUsageRatio: number | null;
      withinTolerance: boolean;
      counts: ReplicaCounts;
    }
  /** noReplicas: no pods at all; noReadyMetrics: no ready pod has a CPU sample ("did not receive metrics"). */
  | { ok: false; error: 'noReplicas' | 'noReadyMetrics' };

export interface CalculationInput {
  currentReplicas: number;
  targetUtilizationPercent: number;
  /** Each replica's CPU request, millicores (the same pod template for all). */
  requestMillicores: number;
  samples: readonly ReplicaSample[];
  tolerances: Tolerances;
}

/** GetResourceUtilizationRatio: [utilization %, ratio]. Requests are uniform, so Σ request = n × request. */
function utilizationRatio(usage: ReadonlyMap<string, number>, requestMillicores: number, target: number): [number, number] {
  let total = 0;
  for (const v of usage.values()) total += v;
  const utilization = Math.trunc((total * 100) / (requestMillicores * usage.size));
  return [utilization, utilization / target];
}

function isWithin(t: Tolerances, ratio: number): boolean {
  return 1 - t.scaleDown <= ratio && ratio <= 1 + t.scaleUp;
}

export function resourceReplicas(input: CalculationInput): ReplicaCalculation {
  const { currentReplicas, targetUtilizationPercent: target, requestMillicores, samples, tolerances } = input;
  if (samples.length === 0) return { ok: false, error: 'noReplicas' };
  // groupPods: the order of the checks matters (a pending pod without a sample is unready, not missing).
  const usage = new Map<string, number>();
  const unready: string[] = [];
  const missing: string[] = [];
  let ignored = 0;
  for (const s of samples) {
    if (s.state === 'terminating') ignored += 1;
    else if (s.state === 'pending') unready.push(s.id);
    else if (s.usageMillicores === null) missing.push(s.id);
    else if (s.state === 'unready') unready.push(s.id);
    else usage.set(s.id, Math.ceil(s.usageMillicores));
  }
  const counts: ReplicaCounts = { ready: usage.size, unready: unready.length, missing: missing.length, ignored };
  if (usage.size === 0) return { ok: false, error: 'noReadyMetrics' };

  const [utilizationPercent, usageRatio] = utilizationRatio(usage, requestMillicores, target);
  const base = { ok: true as const, utilizationPercent, usageRatio, counts };
  const scaleUpWithUnready = unready.length > 0 && usageRatio > 1;
  if (!scaleUpWithUnready && missing.length === 0) {
    if (isWithin(tolerances, usageRatio)) return { ...base, replicas: currentReplicas, adjustedUsageRatio: null, withinTolerance: true };
    return { ...base, replicas: Math.ceil(usageRatio * usage.size), adjustedUsageRatio: null, withinTolerance: false };
  }

  if (missing.length > 0) {
    // Scale-down: as if at 100% of request (or at the target above 100%); scale-up: as if idle.
    const fallback = usageRatio < 1 ? Math.trunc((requestMillicores * Math.max(100, target)) / 100) : usageRatio > 1 ? 0 : null;
    if (fallback !== null) for (const id of missing) usage.set(id, fallback);
  }
  if (scaleUpWithUnready) for (const id of unready) usage.set(id, 0);

  const [, newRatio] = utilizationRatio(usage, requestMillicores, target);
  const keep = { ...base, replicas: currentReplicas, adjustedUsageRatio: newRatio };
  if (isWithin(tolerances, newRatio)) return { ...keep, withinTolerance: true };
  if ((usageRatio < 1 && newRatio > 1) || (usageRatio > 1 && newRatio < 1)) return { ...keep, withinTolerance: false };
  const replicas = Math.ceil(newRatio * usage.size);
  if ((newRatio < 1 && replicas > currentReplicas) || (newRatio > 1 && replicas < currentReplicas)) return { ...keep, withinTolerance: false };
  return { ...keep, replicas, withinTolerance: false };
}
