/**
 * What the end of a demo run and `npm run report` do: the time series from k6's samples when they are
 * there and not yet aggregated, then index.html. Never throws: a report that cannot be written is a
 * message, not a failed run (the verdict is already in summary.json).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { TIMESERIES_FILES } from '../contract/timeseries.js';
import { buildTimeSeries } from '../timeseries/build.js';
import { writeReport } from './build.js';

export async function writeRunReport(runDir: string, log: (msg: string) => void = (m) => console.error(m)): Promise<string | undefined> {
  try {
    if (existsSync(path.join(runDir, TIMESERIES_FILES.k6Samples)) || !existsSync(path.join(runDir, TIMESERIES_FILES.series))) {
      const built = await buildTimeSeries(runDir);
      if (built) log(`time series: ${built.series.t.length} s of ${Object.keys(built.series.routes).join(', ')} in ${path.relative(process.cwd(), built.file)}`);
    }
    const report = writeReport(runDir);
    for (const p of report.problems) log(`report: could not read ${p.file}: ${p.message}`);
    log(`report: ${path.relative(process.cwd(), report.file) || report.file} (${report.sections.length} sections, ${report.charts.length} charts)`);
    return report.file;
  } catch (err) {
    log(`report: not written: ${(err as Error).message}`);
    return undefined;
  }
}
