/**
 * `npx tsx timeseries/main.ts <run-dir>`: builds the run's timeseries.json from its k6 samples, or with
 * --window splits the samples by time windows and prints the figures inside and outside as JSON.
 */
import path from 'node:path';
import { Command, parseCommandLine, usageFailure } from '../cli/options.js';
import { TIMESERIES_FILES } from '../contract/timeseries.js';
import { buildTimeSeries } from './build.js';
import { summarizeWindows, type TimeWindow } from './windows.js';

const program = new Command('timeseries')
  .description(
    `Reads <run-dir>/${TIMESERIES_FILES.k6Samples} (k6's --out csv) and writes ${TIMESERIES_FILES.series}: route_* samples per second per route\n` +
      `(requests, acks, errors, retries, attempts by status, exact p50/p95/p99). Keeps the route_* rows as ${TIMESERIES_FILES.routeSamples}\n` +
      'and deletes the full CSV unless --keep-raw. With --window, prints per-route figures inside/outside the windows as JSON instead.',
  )
  .argument('<run-dir>', 'a results/<run-id>/ folder')
  .option('--keep-raw', "keep k6's full CSV after aggregation", false)
  .option('--window <start-end...>', 'a window as epoch ms "start-end" (repeatable); prints the split instead of building');

const parsed = parseCommandLine(program, process.argv.slice(2));
if (parsed !== undefined) {
  const runDir = path.resolve(parsed.args[0]!);
  const opts = parsed.opts<{ keepRaw: boolean; window?: string[] }>();
  try {
    if (opts.window) {
      const windows: TimeWindow[] = [];
      for (const w of opts.window) {
        const m = /^(\d+)-(\d+)$/.exec(w);
        if (m) windows.push({ start: Number(m[1]), end: Number(m[2]) });
        else usageFailure(program, `--window must be "start-end" in epoch ms, got ${JSON.stringify(w)}`);
      }
      if (windows.length === opts.window.length) console.log(JSON.stringify(await summarizeWindows(runDir, windows), null, 2));
    } else {
      const built = await buildTimeSeries(runDir, { keepRaw: opts.keepRaw });
      if (built === undefined) {
        console.error(`timeseries: ${runDir} holds neither ${TIMESERIES_FILES.k6Samples} nor ${TIMESERIES_FILES.routeSamples}: run k6 with --out csv (npm run demo does)`);
        process.exitCode = 1;
      } else {
        const { series, bytes } = built;
        const kb = (n: number | null): string => (n === null ? '-' : `${(n / 1024).toFixed(0)} KiB`);
        console.log(`${built.file}: ${series.t.length} s, routes ${Object.keys(series.routes).join(', ')}; read ${series.source.routeRows} route rows of ${series.source.rows} (${series.source.skipped} skipped)`);
        console.log(`sizes: k6 CSV ${kb(bytes.raw)}, ${TIMESERIES_FILES.routeSamples} ${kb(bytes.routeSamples)}, ${TIMESERIES_FILES.series} ${kb(bytes.series)}`);
      }
    }
  } catch (err) {
    console.error(`timeseries: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
