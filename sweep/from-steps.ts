/**
 * The sweep from the result folders of separate runs (the cluster's steps: one HTTPRoute weight change
 * and one load run each, docs/kubernetes.md), each folder's summary.json (demo/summary.ts's DemoSummary,
 * written by the demo and by k8s/verdict alike). A step is one run at one rate judged by its verdict, so
 * a weight's "capacity" here is the highest rate among its steps that PASSed: a lower bound, the rate
 * the steps showed the split can carry, not a searched one.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROUTES } from '../contract/routes.js';
import { RUN_SUMMARY_SCHEMA } from '../demo/summary.js';
import { reader } from '../report/sections/inputs.js';
import { answerOf, pointOf } from './answer.js';
import type { SweepResult } from './sweep.js';
import type { FixedRateRun, SweepRepeat } from './types.js';

export interface Step {
  dir: string;
  weightA: number;
  run: FixedRateRun;
}

/**
 * Route A's weight of a run, from its summary: the weights the split was tested against (split.expected:
 * the route file locally, the route the API server held in the cluster), else the demo's settings.weights,
 * else the cluster route's `grpc-client=W redis-writer=W` as k8s/verdict records it.
 */
function weightOf(o: Record<string, unknown>, source: string): number {
  const r = reader(source);
  const fromFractions = (w: Record<string, unknown>): number | null => {
    const a = typeof w.grpc === 'number' ? w.grpc : null;
    const b = typeof w.redis === 'number' ? w.redis : null;
    return a === null || b === null || a + b <= 0 ? null : Math.round((100 * a) / (a + b));
  };
  const split = o.split === null || o.split === undefined ? null : r.obj(o.split, 'split');
  if (split && split.expected !== undefined) {
    const w = fromFractions(r.obj(split.expected, 'split.expected'));
    if (w !== null) return w;
  }
  const env = o.environment === undefined ? {} : r.obj(o.environment, 'environment');
  const settings = env.settings === undefined ? {} : r.obj(env.settings, 'environment.settings');
  if (settings.weights !== undefined) {
    const w = fromFractions(r.obj(settings.weights, 'environment.settings.weights'));
    if (w !== null) return w;
  }
  const route = env.route === undefined ? undefined : r.obj(env.route, 'environment.route');
  if (route && typeof route.weights === 'string') {
    const pairs = Object.fromEntries(route.weights.split(/\s+/).map((p) => p.split('=') as [string, string]));
    const a = Number(pairs['grpc-client']);
    const b = Number(pairs['redis-writer']);
    if (Number.isFinite(a) && Number.isFinite(b) && a + b > 0) return Math.round((100 * a) / (a + b));
  }
  throw new Error(`${source}: holds no weights (split.expected, environment.settings.weights or environment.route.weights)`);
}

export function readStep(dir: string): Step {
  const file = path.join(dir, 'summary.json');
  if (!existsSync(file)) throw new Error(`${dir} holds no summary.json: pass the result folder of a run`);
  const source = path.relative(process.cwd(), file) || file;
  const r = reader(source);
  const o = r.obj(JSON.parse(readFileSync(file, 'utf8')), 'the document');
  r.schema(o, RUN_SUMMARY_SCHEMA);
  const settings = r.obj(r.obj(o.environment, 'environment').settings, 'environment.settings');
  const routesIn = r.obj(o.routes, 'routes');
  const routes: FixedRateRun['routes'] = {};
  for (const route of ROUTES) {
    const x = r.obj(routesIn[route], `routes.${route}`);
    const requests = r.num(x.requests, `routes.${route}.requests`);
    // A route that got no traffic at this weight has no figures.
    if (requests === 0) continue;
    routes[route] = {
      requests,
      acknowledged: r.num(x.acknowledged, `routes.${route}.acknowledged`),
      rps: r.num(x.rps, `routes.${route}.rps`),
      p50Ms: r.numOrNull(x.p50, `routes.${route}.p50`),
      p95Ms: r.numOrNull(x.p95, `routes.${route}.p95`),
      p99Ms: r.numOrNull(x.p99, `routes.${route}.p99`),
      errorRate: r.num(x.errorRate, `routes.${route}.errorRate`),
      cpuMsPerRequest: null,
    };
  }
  const k6 = o.k6 === null ? null : r.obj(o.k6, 'k6');
  return {
    dir,
    weightA: weightOf(o, source),
    run: { rateRps: r.num(settings.rate, 'environment.settings.rate'), routes, droppedIterations: k6 === null ? 0 : r.num(k6.droppedIterations, 'k6.droppedIterations'), verdict: r.str(o.verdict, 'verdict'), runDir: dir },
  };
}

export function sweepFromSteps(dirs: readonly string[]): { result: SweepResult; fixedRateRps: number | null; repeats: number } {
  if (dirs.length === 0) throw new Error('--from needs at least one run folder');
  const steps = dirs.map(readStep);
  const weights = [...new Set(steps.map((s) => s.weightA))].sort((a, b) => a - b);
  const points = weights.map((w) => {
    const here = steps.filter((s) => s.weightA === w);
    const repeats: SweepRepeat[] = here.map((s) => ({ capacity: null, fixedRate: s.run }));
    const passed = here.filter((s) => s.run.verdict === 'PASS').map((s) => s.run.rateRps);
    return pointOf(w, repeats, [passed.length === 0 ? null : Math.max(...passed)]);
  });
  const rates = new Set(steps.map((s) => s.run.rateRps));
  return { result: { points, answer: answerOf(points), complete: true }, fixedRateRps: rates.size === 1 ? [...rates][0]! : null, repeats: 1 };
}
