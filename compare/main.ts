/** `npm run compare -- <run-a> <run-b>`: the table of two runs side by side, and a page of it. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, parse, parseCommandLine } from '../cli/options.js';
import { compareRuns } from './compare.js';
import { formatComparison } from './format.js';
import { comparePage } from './page.js';
import { loadRun } from './runs.js';

const program = new Command('compare')
  .description(
    'Compares two runs per route: requests, share, error rate (Fisher\'s exact test) and p50/p95/p99 latency (Mann-Whitney U\n' +
      'on per-second percentiles), says which differences are beyond the noise within the runs, and writes an HTML page.',
  )
  .argument('<run-a>', 'a results/<run-id>/ folder (the baseline)')
  .argument('<run-b>', 'a results/<run-id>/ folder (the one compared with it)')
  .option('--out <file>', 'the page (default: compare-<a>-vs-<b>.html beside run B)')
  .option('--alpha <p>', 'family-wise significance level over all the tests', parse.fraction, 0.01)
  .option('--json', 'print the comparison as JSON instead of the table', false);

const parsed = parseCommandLine(program, process.argv.slice(2));
if (parsed !== undefined) {
  const [dirA, dirB] = parsed.args as [string, string];
  const opts = parsed.opts<{ out?: string; alpha: number; json: boolean }>();
  try {
    const a = loadRun(dirA);
    const b = loadRun(dirB);
    const c = compareRuns(a, b, { familyAlpha: opts.alpha });
    const out = opts.out ?? path.join(path.dirname(path.resolve(dirB)), `compare-${a.name}-vs-${b.name}.html`);
    writeFileSync(out, comparePage(c, a, b));
    console.log(opts.json ? JSON.stringify(c, null, 2) : formatComparison(c));
    console.error(`page: ${out}`);
  } catch (err) {
    console.error(`compare: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
