/**
 * A run folder as `npm run compare` reads it: summary.json (the run's totals, as its verdict saw them)
 * and timeseries.json (the per-second figures the latency test needs), each optional, not both; and
 * cost.json (CPU per request, and the rate it holds at) when the run measured it.
 */
import { existsSync, statSync } from 'node:fs';
import type { TimeSeries } from '../contract/timeseries.js';
import type { DemoSummary } from '../demo/summary.js';
import { RunFolder } from '../report/run-folder.js';
import { parseCost, type Cost } from '../report/sections/cost.js';
import { parseCostCurves } from '../cost/curve-file.js';
import type { CostCurves } from '../cost/curves.js';
import { loadSeries } from '../report/sections/series.js';
import { checkSummary } from '../report/sections/verdict.js';

export interface Run {
  name: string;
  dir: string;
  summary: DemoSummary | undefined;
  series: TimeSeries | undefined;
  cost?: Cost;
}

export class RunError extends Error {
  override name = 'RunError';
}

export function loadRun(dir: string): Run {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new RunError(`${dir} is not a folder: pass a results/<run-id>/ folder`);
  const folder = new RunFolder(dir);
  const summary = folder.json('summary.json', checkSummary);
  const series = loadSeries(folder);
  const cost = folder.json('cost.json', parseCost);
  for (const p of folder.problems) throw new RunError(`${dir}: ${p.file}: ${p.message}`);
  if (!summary && !series) throw new RunError(`${dir} has neither summary.json nor timeseries.json: is it a run folder? (npm run report -- ${dir} builds timeseries.json from k6's samples)`);
  return { name: folder.name, dir, summary, series, ...(cost ? { cost } : {}) };
}

/** What npm run capacity writes beside capacity.json. */
export const COST_CURVE_FILE = 'cost-curve.json';

/** A capacity folder's cost curves, read by the run report's own checks. */
export function loadCurves(dir: string): { name: string; curves: CostCurves } {
  const folder = new RunFolder(dir);
  const curves = folder.json(COST_CURVE_FILE, parseCostCurves);
  for (const p of folder.problems) throw new RunError(`${dir}: ${p.file}: ${p.message}`);
  if (!curves) throw new RunError(`${dir} has no ${COST_CURVE_FILE}: npm run capacity writes it`);
  return { name: folder.name, curves };
}
