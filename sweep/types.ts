/**
 * The split sweep's data: for each weight of route A, the split's capacity under the SLO and each
 * route's figures at one fixed rate, over repeats; the answer drawn from them; and sweep.json, the one
 * document the CLI writes and the report and `--from` read (schema splitbench.sweep/1). Everything here
 * is data; text is made at the edge (format.ts, report/sections/sweep.ts).
 */
import type { RouteName } from '../contract/routes.js';
import type { CapacityResult, RouteFigures, SearchOptions, Slo } from '../capacity/types.js';

export type { RouteFigures };

export const SWEEP_SCHEMA = 'splitbench.sweep/1';

/** One run at the sweep's fixed rate: per-route figures only for the routes that got traffic. */
export interface FixedRateRun {
  rateRps: number;
  routes: Partial<Record<RouteName, RouteFigures>>;
  /** Iterations k6 could not start on time (the rate was not offered in full). */
  droppedIterations: number;
  /** The step's verdict, when the run was judged by one (a cluster step's summary.json). */
  verdict?: string;
  /** Where the run's files are. */
  runDir?: string;
}

/** One repeat at one weight: the capacity search (null when not searched) and the fixed-rate run (null when not run). */
export interface SweepRepeat {
  capacity: CapacityResult | null;
  fixedRate: FixedRateRun | null;
}

/** Spread of a figure over the repeats: every value (null: none measured), and the median, min and max of the measured ones. */
export interface Spread {
  values: (number | null)[];
  median: number | null;
  min: number | null;
  max: number | null;
}

export interface SweepPoint {
  /** Route A's (grpc's) percent of the traffic, 0..100; route B gets 100 - weightA. */
  weightA: number;
  repeats: SweepRepeat[];
  /** The capacity of the split at this weight, over the repeats (answer.ts capacityOf: 0 when no rate met the SLO, null when the search could not say). */
  capacity: Spread;
  /** Each route's p99 at the fixed rate, over the repeats; only routes that got traffic. */
  p99Ms: Partial<Record<RouteName, Spread>>;
}

/** The two models at one weight, from the routes' measured capacities alone, and what was measured. */
export interface ModelPoint {
  weightA: number;
  /** Median measured capacity at this weight; null when none. */
  measured: number | null;
  /** One machine, the routes share its cores: 1 / (w / C_A + (1 - w) / C_B). */
  sharedCores: number;
  /** A cluster, each route its own pods: min(C_A / w, C_B / (1 - w)). */
  ownPods: number;
  /** (measured - sharedCores) / sharedCores: what splitting itself costs (negative) or gains; null without a measurement. */
  splitCost: number | null;
}

export type Models =
  | { kind: 'computed'; capacityA: number; capacityB: number; points: ModelPoint[] }
  /** C_A (capacity at 100) or C_B (at 0) was not measured: the models need both. */
  | { kind: 'notComputable'; reason: string };

export interface RankedWeight {
  weightA: number;
  capacity: Spread;
}

export interface SweepAnswer {
  /** The weight with the highest median capacity under the SLO; null when no weight met the SLO. */
  best: RankedWeight | null;
  /** The next highest; null with fewer than two weights that met it. */
  runnerUp: RankedWeight | null;
  /**
   * How sure: whether the runner-up's range over the repeats reaches the best's (then the measurements
   * do not separate them), and whether there were repeats to have ranges at all.
   */
  certainty: { repeats: number; overlapsRunnerUp: boolean | null; tiedWithRunnerUp: boolean };
  models: Models;
}

export interface SweepReport {
  schema: typeof SWEEP_SCHEMA;
  /** 'local': searched on one local stack; 'steps': built from the result folders of runs (`--from`). */
  source: 'local' | 'steps';
  startedAt: string;
  /** The SLO and search of the capacity searches; null for steps (each was judged by its verdict). */
  slo: Slo | null;
  search: Omit<SearchOptions, 'slo'> | null;
  /** The fixed rate of the per-route figures; null when the steps ran at different rates. */
  fixedRateRps: number | null;
  repeats: number;
  /** False when the sweep was stopped before every repeat of every weight ran. */
  complete: boolean;
  points: SweepPoint[];
  answer: SweepAnswer;
  /** Step folders, for a sweep built from them. */
  steps?: string[];
}
