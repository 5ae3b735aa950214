/**
 * `npm run compare -- <run-a> <run-b>`: the table of two runs side by side, and a page of it. Given two
 * capacity folders (each with cost-curve.json), their cost curves side by side instead.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, parse, parseCommandLine } from '../cli/options.js';
import { compareRuns } from './compare.js';
import { formatCurveComparison } from './curve-format.js';
import { compareCurves } from './curves.js';
import { formatComparison } from './format.js';
import { comparePage, curveComparePage } from './page.js';
import { COST_CURVE_FILE, loadCurves, loadRun } from './runs.js';

const program = new Command('compare')
  .description(
    'Compares two runs per route: requests, share, error rate (Fisher\'s exact test) and p50/p95/p99 latency (Mann-Whitney U\n' +
      'on per-second percentiles), says which differences are beyond the noise within the runs, and CPU per request with the\n' +
      'rates it holds at (a warning when they differ by more than 10%); writes an HTML page. Given two capacity folders\n' +
      "(npm run capacity's, with cost-curve.json): per process, the CPU both cost curves read at rates both measured, as ratios.",
  )
  .argument('<run-a>', 'a results/<run-id>/ folder (the baseline), or a capacity folder')
  .argument('<run-b>', 'a results/<run-id>/ folder (the one compared with it), or a capacity folder')
  .option('--out <file>', 'the page (default: compare-<a>-vs-<b>.html beside run B)')
  .option('--alpha <p>', 'family-wise significance level over all the tests', parse.fraction, 0.01)
  .option('--json', 'print the comparison as JSON instead of the table', false);

const parsed = parseCommandLine(program, process.argv.slice(2));
if (parsed !== undefined) {
  const [dirA, dirB] = parsed.args as [string, string];
  const opts = parsed.opts<{ out?: string; alpha: number; json: boolean }>();
  try {
    const capacity = [dirA, dirB].map((d) => existsSync(path.join(d, COST_CURVE_FILE)));
    if (capacity[0] !== capacity[1]) throw new Error(`${capacity[0] ? dirA : dirB} is a capacity folder (${COST_CURVE_FILE}) and the other is not: compare two runs, or two capacity folders`);
    let shown: { names: [string, string]; page: string; data: unknown; text: string };
    if (capacity[0]) {
      const [a, b] = [loadCurves(dirA), loadCurves(dirB)];
      const c = compareCurves(a, b);
      shown = { names: [a.name, b.name], page: curveComparePage(c), data: c, text: formatCurveComparison(c) };
    } else {
      const [a, b] = [loadRun(dirA), loadRun(dirB)];
      const c = compareRuns(a, b, { familyAlpha: opts.alpha });
      shown = { names: [a.name, b.name], page: comparePage(c, a, b), data: c, text: formatComparison(c) };
    }
    const out = opts.out ?? path.join(path.dirname(path.resolve(dirB)), `compare-${shown.names[0]}-vs-${shown.names[1]}.html`);
    writeFileSync(out, shown.page);
    console.log(opts.json ? JSON.stringify(shown.data, null, 2) : shown.text);
    console.error(`page: ${out}`);
  } catch (err) {
    console.error(`compare: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
