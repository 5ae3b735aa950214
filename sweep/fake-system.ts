/**
 * A fake system for the sweep's unit tests (not a model of the real stack): at each weight it meets the
 * SLO exactly up to a capacity the test chooses (a function of the weight and the repeat), with the
 * capacity search's own fake trials (capacity/fake-system.ts), so a test checks the sweep against the
 * true answer. The fixed-rate run gives each route that gets traffic figures the test can predict.
 */
import { healthyTrial, overloadedTrial } from '../capacity/fake-system.js';
import type { TrialRunner } from '../capacity/types.js';
import type { RouteName } from '../contract/routes.js';
import type { FixedRateRun, RouteFigures } from './types.js';
import type { SweepSystem } from './sweep.js';

export interface FakeSweepSystem extends SweepSystem {
  /** Every weight set, in order. */
  weightsSet: number[];
  /** How many fixed-rate runs were made. */
  fixedRuns: number;
}

/** p99 of route r at a weight in the fake: route A's rises with its share, route B's with its own. */
export const fakeP99 = (route: RouteName, weightA: number): number => (route === 'grpc' ? 10 + weightA / 10 : 20 + (100 - weightA) / 10);

export function fakeSweepSystem(capacityAt: (weightA: number, repeat: number) => number): FakeSweepSystem {
  let weight = 50;
  const seen = new Map<number, number>();
  let capacity = 0;
  const runTrial: TrialRunner = (rateRps) => Promise.resolve(rateRps <= capacity ? healthyTrial(rateRps) : overloadedTrial(rateRps));
  const system: FakeSweepSystem = {
    weightsSet: [],
    fixedRuns: 0,
    setWeight(w) {
      weight = w;
      const repeat = seen.get(w) ?? 0;
      seen.set(w, repeat + 1);
      capacity = capacityAt(w, repeat);
      system.weightsSet.push(w);
      return Promise.resolve();
    },
    runTrial,
    runFixedRate(rateRps, durationS) {
      system.fixedRuns++;
      const share: Record<RouteName, number> = { grpc: weight / 100, redis: 1 - weight / 100 };
      const routes: FixedRateRun['routes'] = {};
      for (const r of ['grpc', 'redis'] as const) {
        if (share[r] === 0) continue;
        const requests = Math.round(rateRps * durationS * share[r]);
        const figures: RouteFigures = { requests, acknowledged: requests, rps: rateRps * share[r], p50Ms: 2, p95Ms: 5, p99Ms: fakeP99(r, weight), errorRate: 0, cpuMsPerRequest: r === 'grpc' ? 1 : 2 };
        routes[r] = figures;
      }
      return Promise.resolve({ rateRps, routes, droppedIterations: 0 });
    },
  };
  return system;
}
