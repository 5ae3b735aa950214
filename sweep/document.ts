/**
 * sweep.json: the SweepReport (types.ts) as the CLI writes it, and the one reader of it for the run
 * report and anyone else. The reader checks, field by field, what a page draws from the file (a file
 * from disk is not trusted to be what the type says) and names the field that is wrong.
 */
import { ROUTES } from '../contract/routes.js';
import type { SearchOptions } from '../capacity/types.js';
import { reader } from '../report/sections/inputs.js';
import { SWEEP_SCHEMA, type Models, type RankedWeight, type Spread, type SweepPoint, type SweepReport } from './types.js';
import type { SweepResult } from './sweep.js';

export const SWEEP_FILE = 'sweep.json';

export function sweepReport(result: SweepResult, inp: { source: SweepReport['source']; startedAt: Date; options: SearchOptions | null; fixedRateRps: number | null; repeats: number; steps?: string[] }): SweepReport {
  const { slo, ...search } = inp.options ?? { slo: null };
  return {
    schema: SWEEP_SCHEMA,
    source: inp.source,
    startedAt: inp.startedAt.toISOString(),
    slo: slo === null ? null : { ...slo },
    search: inp.options === null ? null : (search as Omit<SearchOptions, 'slo'>),
    fixedRateRps: inp.fixedRateRps,
    repeats: inp.repeats,
    complete: result.complete,
    points: result.points,
    answer: result.answer,
    ...(inp.steps ? { steps: inp.steps } : {}),
  };
}

/** What a reader of sweep.json may rely on after parseSweep: every field the page draws, checked. */
export type SweepView = Pick<SweepReport, 'source' | 'slo' | 'fixedRateRps' | 'repeats' | 'answer'> & {
  points: Pick<SweepPoint, 'weightA' | 'capacity' | 'p99Ms'>[];
};

export function parseSweep(json: unknown, source: string): SweepView {
  const r = reader(source);
  const o = r.obj(json, 'the document');
  r.schema(o, SWEEP_SCHEMA);
  const spread = (v: unknown, at: string): Spread => {
    const s = r.obj(v, at);
    return { values: r.arr(s.values, `${at}.values`).map((x, i) => r.numOrNull(x, `${at}.values[${i}]`)), median: r.numOrNull(s.median, `${at}.median`), min: r.numOrNull(s.min, `${at}.min`), max: r.numOrNull(s.max, `${at}.max`) };
  };
  const points = r.arr(o.points, 'points').map((raw, i) => {
    const at = `points[${i}]`;
    const p = r.obj(raw, at);
    const p99 = r.obj(p.p99Ms, `${at}.p99Ms`);
    const p99Ms: SweepPoint['p99Ms'] = {};
    for (const route of ROUTES) if (p99[route] !== undefined) p99Ms[route] = spread(p99[route], `${at}.p99Ms.${route}`);
    return { weightA: r.num(p.weightA, `${at}.weightA`), capacity: spread(p.capacity, `${at}.capacity`), p99Ms };
  });
  const a = r.obj(o.answer, 'answer');
  const ranked = (v: unknown, at: string): RankedWeight | null => (v === null ? null : { weightA: r.num(r.obj(v, at).weightA, `${at}.weightA`), capacity: spread(r.obj(v, at).capacity, `${at}.capacity`) });
  const m = r.obj(a.models, 'answer.models');
  const models: Models =
    m.kind === 'computed'
      ? {
          kind: 'computed',
          capacityA: r.num(m.capacityA, 'answer.models.capacityA'),
          capacityB: r.num(m.capacityB, 'answer.models.capacityB'),
          points: r.arr(m.points, 'answer.models.points').map((raw, i) => {
            const at = `answer.models.points[${i}]`;
            const q = r.obj(raw, at);
            return { weightA: r.num(q.weightA, `${at}.weightA`), measured: r.numOrNull(q.measured, `${at}.measured`), sharedCores: r.num(q.sharedCores, `${at}.sharedCores`), ownPods: r.num(q.ownPods, `${at}.ownPods`), splitCost: r.numOrNull(q.splitCost, `${at}.splitCost`) };
          }),
        }
      : { kind: 'notComputable', reason: r.str(m.reason, 'answer.models.reason') };
  const c = r.obj(a.certainty, 'answer.certainty');
  const slo = o.slo === null ? null : r.obj(o.slo, 'slo');
  const src = r.str(o.source, 'source');
  return {
    source: src === 'steps' ? 'steps' : 'local',
    slo: slo === null ? null : { p99BelowMs: r.num(slo.p99BelowMs, 'slo.p99BelowMs'), maxErrorRate: r.num(slo.maxErrorRate, 'slo.maxErrorRate'), maxDroppedIterations: r.num(slo.maxDroppedIterations, 'slo.maxDroppedIterations') },
    fixedRateRps: r.numOrNull(o.fixedRateRps, 'fixedRateRps'),
    repeats: r.num(o.repeats, 'repeats'),
    points,
    answer: {
      best: ranked(a.best, 'answer.best'),
      runnerUp: ranked(a.runnerUp, 'answer.runnerUp'),
      certainty: { repeats: r.num(c.repeats, 'answer.certainty.repeats'), overlapsRunnerUp: typeof c.overlapsRunnerUp === 'boolean' ? c.overlapsRunnerUp : null, tiedWithRunnerUp: c.tiedWithRunnerUp === true },
      models,
    },
  };
}
