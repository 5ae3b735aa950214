/** `npm run report -- <run-dir>`: (re)writes the run's index.html, building timeseries.json first when needed. */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command, parseCommandLine, usageFailure } from '../cli/options.js';
import { writeRunReport } from './run-report.js';

const program = new Command('report')
  .description(
    'Writes <run-dir>/index.html: one self-contained page (opens from disk, no network) with the verdict, latency,\n' +
      'throughput, errors and the split over time per route, reconciliation, and faults, replicas, CPU cost and capacity\n' +
      "when the run has them. Aggregates k6's samples into timeseries.json first when that is not done yet.",
  )
  .argument('<run-dir...>', 'one or more results/<run-id>/ folders');

const parsed = parseCommandLine(program, process.argv.slice(2));
if (parsed !== undefined) {
  for (const dir of parsed.args) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      usageFailure(program, `${dir} is not a folder: pass a results/<run-id>/ folder`);
      continue;
    }
    const file = await writeRunReport(path.resolve(dir), (m) => console.error(`${path.basename(dir)}: ${m}`));
    if (file) console.log(file);
    else process.exitCode = 1;
  }
}
