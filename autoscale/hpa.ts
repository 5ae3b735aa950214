/**
 * What the HPA controller does with a metric's replica count before it scales: the stabilization window
 * and the rate-limit policies of `behavior`, or the older rules when an HPA has no `behavior`. Mirrors
 * kubernetes/kubernetes pkg/controller/podautoscaler/horizontal.go, function by function (names cited),
 * including its bookkeeping (one outdated entry reused per store), so the history matches the controller's.
 * Times are milliseconds from an injected clock; the controller's `After(cutoff)` is `at > cutoff`.
 */
import type { Behavior, ScalingRules } from './behavior.js';

export interface TimestampedRecommendation {
  replicas: number;
  at: number;
}

export interface TimestampedScaleEvent {
  /** Replicas added (scale-up list) or removed (scale-down list), always positive. */
  change: number;
  at: number;
  outdated: boolean;
}

export interface HpaHistory {
  /** Unstabilized recommendations, the controller's `recommendations[key]`. */
  recommendations: TimestampedRecommendation[];
  scaleUpEvents: TimestampedScaleEvent[];
  scaleDownEvents: TimestampedScaleEvent[];
}

/** The AbleToScale condition reasons the normalization sets. */
export type StabilizationReason = 'ScaleUpStabilized' | 'ScaleDownStabilized' | 'ReadyForNewScale';
/** The ScalingLimited condition reasons. */
export type LimitReason = 'DesiredWithinRange' | 'ScaleUpLimit' | 'ScaleDownLimit' | 'TooManyReplicas' | 'TooFewReplicas';

export interface Normalized {
  /** The recommendation after the stabilization window. */
  stabilized: number;
  /** The replica count to scale to. */
  replicas: number;
  stabilization: StabilizationReason;
  limit: LimitReason;
}

export interface Bounds {
  minReplicas: number;
  maxReplicas: number;
}

const S = 1000;

/** recordInitialRecommendation: the first sync remembers the current count as a recommendation. */
export function recordInitialRecommendation(h: HpaHistory, current: number, now: number): void {
  if (h.recommendations.length === 0) h.recommendations.push({ replicas: current, at: now });
}

/** getReplicasChangePerPeriod: replicas changed by the events newer than `periodSeconds` ago. */
export function replicasChangePerPeriod(periodSeconds: number, events: readonly TimestampedScaleEvent[], now: number): number {
  const cutoff = now - periodSeconds * S;
  return events.reduce((sum, e) => (e.at > cutoff ? sum + e.change : sum), 0);
}

/**
 * calculateScaleUpLimitWithScalingRules (up) and calculateScaleDownLimitWithBehaviors (down): the most
 * (up) or fewest (down) replicas the policies allow now, each policy measured from the count at the
 * start of its period. selectPolicy Max picks the policy allowing the largest change (the highest
 * ceiling up, the lowest floor down), Min the smallest, Disabled none.
 */
function policyLimit(direction: 'up' | 'down', current: number, h: HpaHistory, rules: ScalingRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const highest = (direction === 'up') === (rules.selectPolicy === 'Max');
  let result = highest ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  for (const p of rules.policies) {
    const periodStart = current - replicasChangePerPeriod(p.periodSeconds, h.scaleUpEvents, now) + replicasChangePerPeriod(p.periodSeconds, h.scaleDownEvents, now);
    let proposed: number;
    if (direction === 'up') {
      // Percent rounds up, or a small deployment could never grow.
      proposed = p.type === 'Pods' ? periodStart + p.value : Math.ceil(periodStart * (1 + p.value / 100));
    } else {
      // int32(float64) truncates: 10% of 72 removes 8 pods, as the documentation's example says.
      proposed = p.type === 'Pods' ? periodStart - p.value : Math.trunc(periodStart * (1 - p.value / 100));
    }
    result = highest ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

export function scaleUpLimit(current: number, h: HpaHistory, rules: ScalingRules, now: number): number {
  return policyLimit('up', current, h, rules, now);
}

export function scaleDownLimit(current: number, h: HpaHistory, rules: ScalingRules, now: number): number {
  return policyLimit('down', current, h, rules, now);
}

/** Records `replicas`, reusing the last entry older than both windows (as the controller does). */
function recordRecommendation(h: HpaHistory, replicas: number, now: number, isOld: (at: number) => boolean): void {
  const old = h.recommendations.findLastIndex((r) => isOld(r.at));
  if (old >= 0) h.recommendations[old] = { replicas, at: now };
  else h.recommendations.push({ replicas, at: now });
}

/**
 * stabilizeRecommendationWithBehaviors: within the scale-up window take the lowest recommendation, within
 * the scale-down window the highest, and keep the current count between the two.
 */
export function stabilizeWithBehaviors(h: HpaHistory, behavior: Behavior, current: number, desired: number, now: number): { replicas: number; reason: StabilizationReason } {
  const upCutoff = now - behavior.scaleUp.stabilizationWindowSeconds * S;
  const downCutoff = now - behavior.scaleDown.stabilizationWindowSeconds * S;
  let up = desired;
  let down = desired;
  for (const r of h.recommendations) {
    if (r.at > upCutoff) up = Math.min(up, r.replicas);
    if (r.at > downCutoff) down = Math.max(down, r.replicas);
  }
  const replicas = Math.min(Math.max(current, up), down);
  recordRecommendation(h, desired, now, (at) => at < upCutoff && at < downCutoff);
  const moved = desired >= current ? 'ScaleUpStabilized' : 'ScaleDownStabilized';
  return { replicas, reason: replicas !== desired ? moved : 'ReadyForNewScale' };
}

/** convertDesiredReplicasWithBehaviorRate: apply the rate-limit policies and the min/max bounds. */
export function limitWithBehaviors(h: HpaHistory, behavior: Behavior, b: Bounds, current: number, desired: number, now: number): { replicas: number; reason: LimitReason } {
  if (desired > current) {
    const limit = Math.max(current, scaleUpLimit(current, h, behavior.scaleUp, now));
    const [allowed, reason]: [number, LimitReason] = b.maxReplicas > limit ? [limit, 'ScaleUpLimit'] : [b.maxReplicas, 'TooManyReplicas'];
    if (desired > allowed) return { replicas: allowed, reason };
  } else if (desired < current) {
    const limit = Math.min(current, scaleDownLimit(current, h, behavior.scaleDown, now));
    const [allowed, reason]: [number, LimitReason] = b.minReplicas < limit ? [limit, 'ScaleDownLimit'] : [b.minReplicas, 'TooFewReplicas'];
    if (desired < allowed) return { replicas: allowed, reason };
  }
  return { replicas: desired, reason: 'DesiredWithinRange' };
}

/** normalizeDesiredReplicasWithBehaviors: stabilize, then rate-limit. Records the recommendation. */
export function normalizeWithBehaviors(h: HpaHistory, behavior: Behavior, b: Bounds, current: number, desired: number, now: number): Normalized {
  const stabilized = stabilizeWithBehaviors(h, behavior, current, desired, now);
  const limited = limitWithBehaviors(h, behavior, b, current, stabilized.replicas, now);
  return { stabilized: stabilized.replicas, replicas: limited.replicas, stabilization: stabilized.reason, limit: limited.reason };
}

/**
 * normalizeDesiredReplicas, for an HPA without `behavior`: stabilizeRecommendation (the highest
 * recommendation within --horizontal-pod-autoscaler-downscale-stabilization) and
 * convertDesiredReplicasWithRules (at most max(2 × current, 4) per sync: calculateScaleUpLimit).
 */
export function normalizeLegacy(h: HpaHistory, b: Bounds, downscaleStabilizationS: number, current: number, desired: number, now: number): Normalized {
  const cutoff = now - downscaleStabilizationS * S;
  let stabilized = desired;
  for (const r of h.recommendations) if (r.at >= cutoff) stabilized = Math.max(stabilized, r.replicas);
  recordRecommendation(h, desired, now, (at) => at < cutoff);
  const stabilization: StabilizationReason = stabilized !== desired ? 'ScaleDownStabilized' : 'ReadyForNewScale';
  const upLimit = Math.max(2 * current, 4);
  const [maxAllowed, upReason]: [number, LimitReason] = b.maxReplicas > upLimit ? [upLimit, 'ScaleUpLimit'] : [b.maxReplicas, 'TooManyReplicas'];
  if (stabilized < b.minReplicas) return { stabilized, replicas: b.minReplicas, stabilization, limit: 'TooFewReplicas' };
  if (stabilized > maxAllowed) return { stabilized, replicas: maxAllowed, stabilization, limit: upReason };
  return { stabilized, replicas: stabilized, stabilization, limit: 'DesiredWithinRange' };
}

function longestPeriodSeconds(rules: ScalingRules): number {
  return rules.policies.reduce((longest, p) => Math.max(longest, p.periodSeconds), 0);
}

/** storeScaleEvent: remember a rescale for the rate limits; reuse one entry outdated by the longest period. */
export function storeScaleEvent(h: HpaHistory, behavior: Behavior | null, previous: number, next: number, now: number): void {
  if (behavior === null) return; // the older path keeps no events
  const up = next > previous;
  const events = up ? h.scaleUpEvents : h.scaleDownEvents;
  const cutoff = now - longestPeriodSeconds(up ? behavior.scaleUp : behavior.scaleDown) * S;
  for (const e of events) if (e.at < cutoff) e.outdated = true; // markScaleEventsOutdated
  const event = { change: Math.abs(next - previous), at: now, outdated: false };
  const old = events.findLastIndex((e) => e.outdated);
  if (old >= 0) events[old] = event;
  else events.push(event);
}
