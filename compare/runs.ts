/**
 * A run folder as `npm run compare` reads it: summary.json (the run's totals, as its verdict saw them)
 * and timeseries.json (the per-second figures the latency test needs), each optional, not both.
 */
import { existsSync, statSync } from 'node:fs';
import type { TimeSeries } from '../contract/timeseries.js';
import type { DemoSummary } from '../demo/summary.js';
import { RunFolder } from '../report/run-folder.js';
import { loadSeries } from '../report/sections/series.js';
import { checkSummary } from '../report/sections/verdict.js';

export interface Run {
  name: string;
  dir: string;
  summary: DemoSummary | undefined;
  series: TimeSeries | undefined;
}

export class RunError extends Error {
  override name = 'RunError';
}

export function loadRun(dir: string): Run {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new RunError(`${dir} is not a folder: pass a results/<run-id>/ folder`);
  const folder = new RunFolder(dir);
  const summary = folder.json('summary.json', checkSummary);
  const series = loadSeries(folder);
  for (const p of folder.problems) throw new RunError(`${dir}: ${p.file}: ${p.message}`);
  if (!summary && !series) throw new RunError(`${dir} has neither summary.json nor timeseries.json: is it a run folder? (npm run report -- ${dir} builds timeseries.json from k6's samples)`);
  return { name: folder.name, dir, summary, series };
}
