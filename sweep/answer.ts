/**
 * From the sweep's measurements to its answer, pure: each weight's spread over the repeats, the best
 * weight and how sure the repeats make it, and the two models a reader carries to a cluster, computed
 * from the routes' measured capacities alone (C_A at weight 100, C_B at weight 0).
 */
import { ROUTES } from '../contract/routes.js';
import type { Models, RankedWeight, Spread, SweepAnswer, SweepPoint, SweepRepeat } from './types.js';

export function spreadOf(values: readonly (number | null)[]): Spread {
  const measured = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  const n = measured.length;
  const median = n === 0 ? null : n % 2 === 1 ? measured[(n - 1) / 2]! : (measured[n / 2 - 1]! + measured[n / 2]!) / 2;
  return { values: [...values], median, min: n === 0 ? null : measured[0]!, max: n === 0 ? null : measured[n - 1]! };
}

/**
 * A repeat's capacity: the search's (a lower bound, the bracket's pass end); 0 when even the lowest rate
 * missed the SLO (neverMetSlo: the capacity is below minRps, and 0 is its lower bound, so the repeat
 * still counts against the weight); null when the search could not say (it ran out of trials or the
 * runner failed before any rate passed).
 */
export function capacityOf(r: SweepRepeat): number | null {
  if (r.capacity === null) return null;
  return r.capacity.capacityRps ?? (r.capacity.outcome.kind === 'neverMetSlo' ? 0 : null);
}

/** A weight's point: the capacity's spread (given: the search's or, for steps, the highest passing rate), each route's p99 spread. */
export function pointOf(weightA: number, repeats: SweepRepeat[], capacities: readonly (number | null)[] = repeats.map(capacityOf)): SweepPoint {
  const p99Ms: SweepPoint['p99Ms'] = {};
  for (const route of ROUTES) {
    const values = repeats.map((r) => r.fixedRate?.routes[route]?.p99Ms ?? null);
    // A route that got no traffic at this weight has no figures: no spread of nothing.
    if (repeats.some((r) => r.fixedRate?.routes[route] !== undefined)) p99Ms[route] = spreadOf(values);
  }
  return { weightA, repeats, capacity: spreadOf(capacities), p99Ms };
}

/** On one machine the routes share its cores: a request of A costs 1/C_A of it, of B 1/C_B. w is a fraction. */
export function sharedCoresCapacity(w: number, capacityA: number, capacityB: number): number {
  return 1 / (w / capacityA + (1 - w) / capacityB);
}

/** On a cluster each route has its own pods: the split saturates when either route does. w is a fraction. */
export function ownPodsCapacity(w: number, capacityA: number, capacityB: number): number {
  if (w <= 0) return capacityB;
  if (w >= 1) return capacityA;
  return Math.min(capacityA / w, capacityB / (1 - w));
}

export function modelsOf(points: readonly SweepPoint[]): Models {
  const a = points.find((p) => p.weightA === 100)?.capacity.median ?? null;
  const b = points.find((p) => p.weightA === 0)?.capacity.median ?? null;
  const missing = [...(a === null ? ['C_A (route A alone, weight 100)'] : []), ...(b === null ? ['C_B (route B alone, weight 0)'] : [])];
  if (a === null || b === null || a <= 0 || b <= 0) {
    const why = missing.length > 0 ? `${missing.join(' and ')} ${missing.length > 1 ? 'were' : 'was'} not measured (the sweep must include weights 0 and 100, each meeting the SLO at some rate)` : 'a route capacity of 0';
    return { kind: 'notComputable', reason: why };
  }
  return {
    kind: 'computed',
    capacityA: a,
    capacityB: b,
    points: points.map((p) => {
      const shared = sharedCoresCapacity(p.weightA / 100, a, b);
      const measured = p.capacity.median;
      return { weightA: p.weightA, measured, sharedCores: shared, ownPods: ownPodsCapacity(p.weightA / 100, a, b), splitCost: measured === null ? null : (measured - shared) / shared };
    }),
  };
}

/**
 * The best weight: the highest median capacity (above 0: a weight that never met the SLO is not ranked). How sure: whether the runner-up's range over the
 * repeats reaches the best's lowest (then the repeats do not separate them); with one repeat there are
 * no ranges and it is null.
 */
export function answerOf(points: readonly SweepPoint[]): SweepAnswer {
  // The fewest capacities any weight got (an interrupted sweep leaves some short; a step sweep has one per weight).
  const repeats = points.length === 0 ? 0 : Math.min(...points.map((p) => p.capacity.values.length));
  const ranked: RankedWeight[] = points
    .filter((p) => p.capacity.median !== null && p.capacity.median > 0)
    .map((p) => ({ weightA: p.weightA, capacity: p.capacity }))
    .sort((x, y) => y.capacity.median! - x.capacity.median! || x.weightA - y.weightA);
  const best = ranked[0] ?? null;
  const runnerUp = ranked[1] ?? null;
  const overlapsRunnerUp = best === null || runnerUp === null || repeats < 2 ? null : runnerUp.capacity.max! >= best.capacity.min!;
  // Equal medians: the lower weight is listed first, but the measurements do not choose between them.
  const tiedWithRunnerUp = best !== null && runnerUp !== null && best.capacity.median === runnerUp.capacity.median;
  return { best, runnerUp, certainty: { repeats, overlapsRunnerUp, tiedWithRunnerUp }, models: modelsOf(points) };
}
