/**
 * Reads cost-curve.json (cost/curves.ts's CostCurves, schema splitbench.cost-curve/1), the file `npm run
 * capacity` writes, for its readers: `npm run cost`, compare and the run report. Field by field, so a bad
 * file is named with the field that is wrong.
 */
import { InputError, reader } from '../report/sections/inputs.js';
import { COST_CURVE_SCHEMA, type CurveFit, type CurvePoint, type PointSource } from './curve.js';
import type { CostCurves, ProcessCurve } from './curves.js';

const SOURCES: readonly PointSource[] = ['idle', 'trial', 'run'];

export function parseCostCurves(json: unknown, source: string): CostCurves {
  const r = reader(source);
  const o = r.obj(json, 'the document');
  r.schema(o, COST_CURVE_SCHEMA);
  const processes = r.arr(o.processes, 'processes').map((raw, i): ProcessCurve => {
    const at = `processes[${i}]`;
    const p = r.obj(raw, at);
    const points = r.arr(p.points, `${at}.points`).map((rawPoint, j): CurvePoint => {
      const where = `${at}.points[${j}]`;
      const q = r.obj(rawPoint, where);
      const src = r.str(q.source, `${where}.source`);
      if (!(SOURCES as readonly string[]).includes(src)) throw new InputError(`${source}: ${where}.source must be one of ${SOURCES.join(', ')}, got ${JSON.stringify(src)}`);
      return { rps: r.num(q.rps, `${where}.rps`), cpuMsPerS: r.num(q.cpuMsPerS, `${where}.cpuMsPerS`), source: src as PointSource, windowS: r.num(q.windowS, `${where}.windowS`) };
    });
    const f = r.obj(p.fit, `${at}.fit`);
    const fit: CurveFit = {
      rates: r.num(f.rates, `${at}.fit.rates`),
      fromRps: r.num(f.fromRps, `${at}.fit.fromRps`),
      toRps: r.num(f.toRps, `${at}.fit.toRps`),
      looMaxRelError: r.numOrNull(f.looMaxRelError, `${at}.fit.looMaxRelError`),
      repeatMaxRelSpread: r.numOrNull(f.repeatMaxRelSpread, `${at}.fit.repeatMaxRelSpread`),
      uncertainty: r.numOrNull(f.uncertainty, `${at}.fit.uncertainty`),
    };
    return { process: r.str(p.process, `${at}.process`), points, fit };
  });
  return { schema: COST_CURVE_SCHEMA, from: r.str(o.from, 'from'), processes, rule: typeof o.rule === 'string' ? o.rule : '' };
}
