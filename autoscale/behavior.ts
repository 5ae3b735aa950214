/**
 * The HorizontalPodAutoscaler `spec.behavior` (autoscaling/v2): types, the API server's defaults and a
 * reader that fills them in. The defaults mirror kubernetes/kubernetes pkg/apis/autoscaling/v2/defaults.go
 * (GenerateHPAScaleUpRules, GenerateHPAScaleDownRules, copyHPAScalingRules: a field given in the manifest
 * replaces the default field as a whole, so listing one policy drops both default scale-up policies).
 */
import { integer, list, ManifestError, milliValue, record } from './fields.js';

export type ScalingPolicyType = 'Pods' | 'Percent';
export type SelectPolicy = 'Max' | 'Min' | 'Disabled';

export interface ScalingPolicy {
  type: ScalingPolicyType;
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds: number;
  selectPolicy: SelectPolicy;
  policies: ScalingPolicy[];
  /**
   * This direction's tolerance (the `tolerance` field, alpha in Kubernetes 1.33 behind
   * HPAConfigurableTolerance); null means the controller-wide --horizontal-pod-autoscaler-tolerance.
   */
  tolerance: number | null;
}

export interface Behavior {
  scaleUp: ScalingRules;
  scaleDown: ScalingRules;
}

/** --horizontal-pod-autoscaler-sync-period: how often the controller reconciles each HPA. */
export const SYNC_PERIOD_S = 15;
/** --horizontal-pod-autoscaler-tolerance. */
export const DEFAULT_TOLERANCE = 0.1;
/** --horizontal-pod-autoscaler-downscale-stabilization: fills scaleDown.stabilizationWindowSeconds when unset. */
export const DOWNSCALE_STABILIZATION_S = 300;

/** defaults.go defaultHPAScaleUpRules: no window; the larger of +4 pods and +100% per 15 s. */
export function defaultScaleUpRules(): ScalingRules {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
    tolerance: null,
  };
}

/** defaults.go defaultHPAScaleDownRules: -100% per 15 s; the window comes from the controller flag. */
export function defaultScaleDownRules(downscaleStabilizationS = DOWNSCALE_STABILIZATION_S): ScalingRules {
  return {
    stabilizationWindowSeconds: downscaleStabilizationS,
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    tolerance: null,
  };
}

export function defaultBehavior(downscaleStabilizationS = DOWNSCALE_STABILIZATION_S): Behavior {
  return { scaleUp: defaultScaleUpRules(), scaleDown: defaultScaleDownRules(downscaleStabilizationS) };
}

const SELECT_POLICIES: readonly SelectPolicy[] = ['Max', 'Min', 'Disabled'];
const POLICY_TYPES: readonly ScalingPolicyType[] = ['Pods', 'Percent'];
const RULE_FIELDS = new Set(['stabilizationWindowSeconds', 'selectPolicy', 'policies', 'tolerance']);

function policy(raw: unknown, where: string): ScalingPolicy {
  const p = record(raw, where);
  const type = p.type;
  if (!POLICY_TYPES.includes(type as ScalingPolicyType)) throw new ManifestError(`${where}.type must be Pods or Percent, got ${JSON.stringify(type)}`);
  // Limits from the API server's validation (validateScalingPolicy): value > 0, 0 < periodSeconds <= 1800.
  return { type: type as ScalingPolicyType, value: integer(p.value, `${where}.value`, 1, 2 ** 31 - 1), periodSeconds: integer(p.periodSeconds, `${where}.periodSeconds`, 1, 1800) };
}

/** One direction's rules: fields present in the manifest replace the defaults, absent ones keep them. */
function rules(raw: unknown, where: string, defaults: ScalingRules): ScalingRules {
  if (raw === undefined || raw === null) return defaults;
  const r = record(raw, where);
  for (const key of Object.keys(r)) if (!RULE_FIELDS.has(key)) throw new ManifestError(`${where}.${key} is not a field of HPAScalingRules`);
  const out = { ...defaults };
  if (r.stabilizationWindowSeconds !== undefined) out.stabilizationWindowSeconds = integer(r.stabilizationWindowSeconds, `${where}.stabilizationWindowSeconds`, 0, 3600);
  if (r.selectPolicy !== undefined) {
    if (!SELECT_POLICIES.includes(r.selectPolicy as SelectPolicy)) throw new ManifestError(`${where}.selectPolicy must be Max, Min or Disabled, got ${JSON.stringify(r.selectPolicy)}`);
    out.selectPolicy = r.selectPolicy as SelectPolicy;
  }
  if (r.policies !== undefined) {
    const policies = list(r.policies, `${where}.policies`).map((p, i) => policy(p, `${where}.policies[${i}]`));
    if (policies.length === 0 && out.selectPolicy !== 'Disabled') throw new ManifestError(`${where}.policies must list at least one policy`);
    out.policies = policies;
  }
  if (r.tolerance !== undefined) out.tolerance = milliValue(r.tolerance, `${where}.tolerance`) / 1000;
  return out;
}

/**
 * Reads `spec.behavior`. Returns null when the manifest has none: the controller then takes its older
 * path (normalizeDesiredReplicas), which hpa.ts mirrors separately.
 */
export function parseBehavior(raw: unknown, where: string, downscaleStabilizationS = DOWNSCALE_STABILIZATION_S): Behavior | null {
  if (raw === undefined || raw === null) return null;
  const b = record(raw, where);
  for (const key of Object.keys(b)) if (key !== 'scaleUp' && key !== 'scaleDown') throw new ManifestError(`${where}.${key} is not a field of behavior`);
  return {
    scaleUp: rules(b.scaleUp, `${where}.scaleUp`, defaultScaleUpRules()),
    scaleDown: rules(b.scaleDown, `${where}.scaleDown`, defaultScaleDownRules(downscaleStabilizationS)),
  };
}
