/**
 * The in-cluster run's verdict, the same as the local demo's: from every runner's log (ack lines and
 * its summary line) and the cluster's stores (through port-forwards scripts/k8s-loadtest.sh opens),
 * reconcile the run, test the split on the client's counts, print the table and write summary.json.
 * Exit 0 only on PASS.
 *
 *   npx tsx k8s/verdict/main.ts --run-id ID --out DIR --mongo-url URL --redis-url URL LOG...
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, parseCommandLine, usageFailure } from '../../cli/options.js';
import { summariesInLog } from '../../contract/k6-summary.js';
import { MONGO_DB_DEFAULT } from '../../contract/stores.js';
import { waitConverged } from '../../demo/settle.js';
import { collectEnvironment } from '../../demo/environment.js';
import { CONVERGENCE_BOUND_MS } from '../../demo/after-run.js';
import { formatSummary } from '../../demo/summary-text.js';
import { buildSummary } from '../../demo/summary.js';
import { reconcileRun } from '../../reconcile/run.js';
import { mergeSummaries } from './merge.js';

const program = new Command('k8s-verdict')
  .description('The verdict of an in-cluster run from its runners\' logs and the cluster\'s stores. Exit 0 only on PASS.')
  .argument('<logs...>', "every runner's log (kubectl logs of each runner pod)")
  .requiredOption('--run-id <id>', 'the run')
  .requiredOption('--out <dir>', 'where summary.json, k6-summary.json and k6.log go')
  .requiredOption('--mongo-url <url>', 'the cluster MongoDB (a port-forward)')
  .requiredOption('--redis-url <url>', 'the cluster Redis (a port-forward)')
  .option('--mongo-db <name>', 'database', MONGO_DB_DEFAULT)
  .option('--route-file <file>', 'HTTPRoute with the weights (default linkerd/route/httproute.yaml)');

const parsed = parseCommandLine(program, process.argv.slice(2));
if (parsed === undefined) process.exit();
const o = parsed.opts<{ runId: string; out: string; mongoUrl: string; redisUrl: string; mongoDb: string; routeFile?: string }>();
const logs = parsed.args;
mkdirSync(o.out, { recursive: true });

// Every runner must have left its summary: a runner without one ended early, and its acks cannot be
// proven complete.
const texts = logs.map((f) => readFileSync(f, 'utf8'));
let merged;
try {
  merged = mergeSummaries(texts.flatMap((text, i) => {
    const found = summariesInLog(text, logs[i]!);
    if (found.length !== 1) throw new Error(`${logs[i]} holds ${found.length} summary lines, not 1: did that runner finish?`);
    return found;
  }));
} catch (err) {
  usageFailure(program, (err as Error).message);
  process.exit();
}
const summaryFile = path.join(o.out, 'k6-summary.json');
const acksFile = path.join(o.out, 'k6.log');
writeFileSync(summaryFile, JSON.stringify(merged, null, 2) + '\n');
writeFileSync(acksFile, texts.join('\n'));

const settle = await waitConverged({ mongoUrl: o.mongoUrl, mongoDb: o.mongoDb, runId: o.runId, boundMs: CONVERGENCE_BOUND_MS });
const checkErrors: { what: string; message: string }[] = [];
const report = await reconcileRun({ runId: o.runId, acksFile, summaryFile, mongoUrl: o.mongoUrl, mongoDb: o.mongoDb, redisUrl: o.redisUrl, ...(o.routeFile ? { routeFile: o.routeFile } : {}), duplicatesFail: true, convergenceFails: true }).catch((err: unknown) => {
  checkErrors.push({ what: 'reconciliation', message: (err as Error).message });
  return undefined;
});
const summary = buildSummary({
  runId: o.runId,
  settings: { runners: merged.runners, percentiles: merged.percentiles, ...merged.settings },
  k6: { exitCode: merged.thresholds.passed ? 0 : 99, summary: merged },
  reconcile: report,
  crashed: [],
  checkErrors,
  interrupted: false,
  environment: collectEnvironment('cluster'),
  settle,
  files: { summary: path.join(o.out, 'summary.json'), 'k6 summary': summaryFile, 'k6 logs': acksFile },
});
writeFileSync(path.join(o.out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
console.log(formatSummary(summary));
process.exitCode = summary.verdict === 'PASS' ? 0 : 1;
