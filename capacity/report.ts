/**
 * The capacity run as one JSON document for machines (capacity.json). One definition of the shape:
 * the run report's capacity section reads it by this schema id. Bump the id when a field changes
 * meaning or goes away.
 */
import type { CostWindow } from '../cost/curves.js';
import type { CapacityResult, SearchOptions, Slo } from './types.js';

export const CAPACITY_SCHEMA = 'splitbench.capacity/1';

/** One searched target: route A alone, route B alone, or the split. */
export interface CapacityTarget {
  /** Stable machine name, e.g. `grpc`, `redis`, `split`. */
  name: string;
  /** Replicas of each service the target's stack ran (the same for every service). */
  replicas: number;
  result: CapacityResult;
  /** The target's stack at rest before its first trial: the rate-0 point of the cost curves. */
  idle?: CostWindow;
}

/** Every measured window of a capacity run (each target's idle stack and each trial): the cost curves' points. */
export function costWindows(targets: readonly CapacityTarget[]): CostWindow[] {
  return targets.flatMap((t) => [...(t.idle ? [t.idle] : []), ...t.result.trials.flatMap((tr) => (tr.result.cost ? [tr.result.cost] : []))]);
}

export interface CapacityReport {
  schema: typeof CAPACITY_SCHEMA;
  /** When the search started, ISO 8601 (from the caller's clock). */
  startedAt: string;
  slo: Slo;
  search: Omit<SearchOptions, 'slo'>;
  /**
   * Per target, the full result including every trial. Figures that were not finite numbers (a trial
   * without samples) are written as null by JSON; their trial's verdict names them `notMeasured`.
   */
  targets: CapacityTarget[];
}

export function capacityReport(targets: readonly CapacityTarget[], options: SearchOptions, startedAt: Date): CapacityReport {
  const { slo, ...search } = options;
  return { schema: CAPACITY_SCHEMA, startedAt: startedAt.toISOString(), slo: { ...slo }, search, targets: [...targets] };
}
