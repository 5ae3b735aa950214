/**
 * `npm run reconcile -- --help`: after a run, reconcile what k6 saw acknowledged with what MongoDB and
 * Redis hold, and test the split k6 saw. The work is in run.ts; this wires the command line to it.
 */
import { writeFileSync } from 'node:fs';
import { parseCommandLine, usageFailure, UsageError } from '../cli/options.js';
import { reconcileProgram, toRunOptions, type ReconcileFlags } from './cli.js';
import { formatReport } from './format.js';
import { reconcileRun, type ReconcileReport } from './run.js';

const program = parseCommandLine(reconcileProgram(), process.argv.slice(2));
if (program !== undefined) {
  try {
    const { options, json } = toRunOptions(program.opts<ReconcileFlags>());
    let report: ReconcileReport | undefined;
    try {
      report = await reconcileRun(options);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      console.error(`reconcile: could not reconcile run ${options.runId}: ${(err as Error).message}`);
      process.exitCode = 2;
    }
    if (report !== undefined) {
      const text = JSON.stringify(report, null, 2) + '\n';
      if (json === '-') process.stdout.write(text);
      else {
        console.log(formatReport(report));
        if (json !== undefined) writeFileSync(json, text);
      }
      process.exitCode = report.pass ? 0 : 1;
    }
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    usageFailure(program, err.message);
  }
}
