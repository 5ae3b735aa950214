/**
 * One Deployment's autoscaler: the HPA controller's reconcileAutoscaler (horizontal.go) for a single
 * CPU-utilization metric, with the time injected. Call sync() once per sync period (SYNC_PERIOD_S, the
 * controller's default 15 s) with the current replica count and each replica's CPU; it returns the
 * decision as data and keeps the history the behavior needs. Starting and stopping replicas is the
 * caller's job: it should apply `desiredReplicas` when `rescale` is true, as the controller updates the
 * scale subresource. A caller that cannot apply the decision should not call sync() as if it had: the
 * controller only records a scale event after a successful update.
 */
import { DEFAULT_TOLERANCE, DOWNSCALE_STABILIZATION_S, type Behavior } from './behavior.js';
import { normalizeLegacy, normalizeWithBehaviors, recordInitialRecommendation, storeScaleEvent, type HpaHistory, type LimitReason, type StabilizationReason } from './hpa.js';
import type { AutoscaledDeployment } from './manifests.js';
import { resourceReplicas, type ReplicaCalculation, type ReplicaSample, type Tolerances } from './replicas.js';

export interface AutoscalerSpec {
  name: string;
  minReplicas: number;
  maxReplicas: number;
  targetCpuUtilizationPercent: number;
  /** The CPU request utilization is measured against, millicores. */
  requestMillicores: number;
  /** null: the HPA has no `behavior`, and the controller's older normalization applies. */
  behavior: Behavior | null;
}

/** The spec the local autoscaler uses: the app containers' CPU request, since no proxy runs locally (manifests.ts). */
export function localSpec(d: AutoscaledDeployment): AutoscalerSpec {
  return {
    name: d.deployment,
    minReplicas: d.minReplicas,
    maxReplicas: d.maxReplicas,
    targetCpuUtilizationPercent: d.targetCpuUtilizationPercent,
    requestMillicores: d.cpuRequest.localMillicores,
    behavior: d.behaviorSpecified ? d.behavior : null,
  };
}

export interface AutoscalerOptions {
  /** Milliseconds; the controller's time.Now(). */
  now: () => number;
  /** --horizontal-pod-autoscaler-tolerance (0.1). */
  tolerance?: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization, for an HPA without `behavior` (300 s). */
  downscaleStabilizationS?: number;
}

/** Why this sync decided what it did. */
export type ScaleReason =
  /** Zero replicas and minReplicas > 0: the HPA is switched off (implicit maintenance mode). */
  | { kind: 'scalingDisabled' }
  | { kind: 'aboveMaxReplicas' }
  | { kind: 'belowMinReplicas' }
  /** No CPU samples to decide on: the controller keeps the current count. */
  | { kind: 'metricsUnavailable'; error: 'noReplicas' | 'noReadyMetrics' }
  | {
      kind: 'metric';
      calculation: Extract<ReplicaCalculation, { ok: true }>;
      /** After the stabilization window, before the rate limits. */
      stabilizedReplicas: number;
      stabilization: StabilizationReason;
      limit: LimitReason;
    };

export interface ScaleDecision {
  at: number;
  currentReplicas: number;
  desiredReplicas: number;
  /** True when desiredReplicas differs from currentReplicas: start or stop replicas. */
  rescale: boolean;
  reason: ScaleReason;
}

export class Autoscaler {
  readonly spec: AutoscalerSpec;
  private readonly now: () => number;
  private readonly tolerances: Tolerances;
  private readonly downscaleStabilizationS: number;
  private readonly history: HpaHistory = { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };

  constructor(spec: AutoscalerSpec, options: AutoscalerOptions) {
    if (!(spec.minReplicas >= 1 && spec.maxReplicas >= spec.minReplicas)) throw new RangeError(`${spec.name}: need 1 <= minReplicas <= maxReplicas`);
    if (!(spec.requestMillicores > 0)) throw new RangeError(`${spec.name}: the CPU request must be > 0 millicores to measure utilization`);
    this.spec = spec;
    this.now = options.now;
    const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
    // The per-direction tolerance of `behavior` overrides the controller-wide one (HPAConfigurableTolerance).
    this.tolerances = { scaleUp: spec.behavior?.scaleUp.tolerance ?? tolerance, scaleDown: spec.behavior?.scaleDown.tolerance ?? tolerance };
    this.downscaleStabilizationS = options.downscaleStabilizationS ?? DOWNSCALE_STABILIZATION_S;
  }

  /** A copy of the recommendations and scale events kept so far (for the run's results). */
  snapshot(): HpaHistory {
    return structuredClone(this.history);
  }

  sync(currentReplicas: number, samples: readonly ReplicaSample[]): ScaleDecision {
    const at = this.now();
    const { minReplicas, maxReplicas, behavior } = this.spec;
    recordInitialRecommendation(this.history, currentReplicas, at);
    const decide = (desiredReplicas: number, reason: ScaleReason): ScaleDecision => {
      const rescale = desiredReplicas !== currentReplicas;
      if (rescale) storeScaleEvent(this.history, behavior, currentReplicas, desiredReplicas, at);
      return { at, currentReplicas, desiredReplicas: rescale ? desiredReplicas : currentReplicas, rescale, reason };
    };
    if (currentReplicas === 0) return { at, currentReplicas, desiredReplicas: 0, rescale: false, reason: { kind: 'scalingDisabled' } };
    if (currentReplicas > maxReplicas) return decide(maxReplicas, { kind: 'aboveMaxReplicas' });
    if (currentReplicas < minReplicas) return decide(minReplicas, { kind: 'belowMinReplicas' });

    const calculation = resourceReplicas({
      currentReplicas,
      targetUtilizationPercent: this.spec.targetCpuUtilizationPercent,
      requestMillicores: this.spec.requestMillicores,
      samples,
      tolerances: this.tolerances,
    });
    if (!calculation.ok) return { at, currentReplicas, desiredReplicas: currentReplicas, rescale: false, reason: { kind: 'metricsUnavailable', error: calculation.error } };
    const bounds = { minReplicas, maxReplicas };
    const normalized =
      behavior === null
        ? normalizeLegacy(this.history, bounds, this.downscaleStabilizationS, currentReplicas, calculation.replicas, at)
        : normalizeWithBehaviors(this.history, behavior, bounds, currentReplicas, calculation.replicas, at);
    return decide(normalized.replicas, {
      kind: 'metric',
      calculation,
      stabilizedReplicas: normalized.stabilized,
      stabilization: normalized.stabilization,
      limit: normalized.limit,
    });
  }
}
