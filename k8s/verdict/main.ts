/**
 * The in-cluster run's verdict, the same as the local demo's: from every runner's log (ack lines and
 * its summary line) and the cluster's stores (through port-forwards scripts/k8s-loadtest.sh opens),
 * reconcile the run, test the split on the client's counts against the HTTPRoute the cluster applies,
 * count the system's pod restarts during the run as crashes and every runner's own exit code, print
 * the table and write summary.json with the cluster's environment. Exit 0 only on PASS.
 *
 *   npx tsx k8s/verdict/main.ts --run-id ID --out DIR --mongo-url URL --redis-url URL \
 *     --runner-selector SELECTOR [--namespace NS] [--cluster-from DIR] LOG...
 *
 * What it reads from the API server (kubectl, with the caller's KUBECONFIG) it saves in DIR/cluster/,
 * beside what scripts/k8s-loadtest.sh saved there when the run started (the route and the pods);
 * `--cluster-from` reads all of it from such a folder instead (re-judging a run).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, parseCommandLine, usageFailure } from '../../cli/options.js';
import { summariesInLog, type K6Summary } from '../../contract/k6-summary.js';
import { MONGO_DB_DEFAULT } from '../../contract/stores.js';
import { waitConverged } from '../../demo/settle.js';
import type { Environment } from '../../demo/environment.js';
import { CONVERGENCE_BOUND_MS } from '../../demo/after-run.js';
import { formatSummary } from '../../demo/summary-text.js';
import { buildSummary } from '../../demo/summary.js';
import { REPO_ROOT } from '../../stack/tools.js';
import { reconcileRun } from '../../reconcile/run.js';
import { CLUSTER_FILES, clusterEnvironment, combinedExit, describeRestart, readCluster, restartsDuring, routeChange, runnerExits, runnersWithoutLog, type ClusterState } from './cluster.js';
import { mergeSummaries } from './merge.js';

const program = new Command('k8s-verdict')
  .description("The verdict of an in-cluster run from its runners' logs, the cluster's stores and its API server. Exit 0 only on PASS.")
  .argument('<logs...>', "every runner's log, as <runner pod>.log (kubectl logs of each runner pod)")
  .requiredOption('--run-id <id>', 'the run')
  .requiredOption('--out <dir>', 'where summary.json, k6-summary.json, k6.log and cluster/ go')
  .requiredOption('--mongo-url <url>', 'the cluster MongoDB (a port-forward)')
  .requiredOption('--redis-url <url>', 'the cluster Redis (a port-forward)')
  .requiredOption('--runner-selector <labels>', "the run's runner pods (job-name=k6-<run>, or k6_cr=k6-<run>,runner=true)")
  .option('--namespace <ns>', 'the namespace of the system and the run', 'splitbench')
  .option('--cluster-from <dir>', "read the API server's answers from this folder (a run's cluster/) instead of asking it")
  .option('--mongo-db <name>', 'database', MONGO_DB_DEFAULT);

const parsed = parseCommandLine(program, process.argv.slice(2));
if (parsed === undefined) process.exit();
const o = parsed.opts<{ runId: string; out: string; mongoUrl: string; redisUrl: string; mongoDb: string; runnerSelector: string; namespace: string; clusterFrom?: string }>();
const logs = parsed.args;
mkdirSync(o.out, { recursive: true });

// Every runner must have left its summary: a runner without one ended early, and its acks cannot be
// proven complete.
const texts = logs.map((f) => readFileSync(f, 'utf8'));
let merged;
let perRunner: { pod: string; summary: K6Summary }[];
let cluster: ClusterState;
const clusterDir = o.clusterFrom ?? path.join(o.out, 'cluster');
try {
  perRunner = texts.map((text, i) => {
    const found = summariesInLog(text, logs[i]!);
    if (found.length !== 1) throw new Error(`${logs[i]} holds ${found.length} summary lines, not 1: did that runner finish?`);
    return { pod: path.basename(logs[i]!, '.log'), summary: found[0]! };
  });
  merged = mergeSummaries(perRunner.map((r) => r.summary));
  cluster = readCluster({ namespace: o.namespace, runnerSelector: o.runnerSelector, dir: clusterDir, ...(o.clusterFrom ? { from: o.clusterFrom } : {}) });
} catch (err) {
  usageFailure(program, (err as Error).message);
  process.exit();
}
const summaryFile = path.join(o.out, 'k6-summary.json');
const acksFile = path.join(o.out, 'k6.log');
writeFileSync(summaryFile, JSON.stringify(merged, null, 2) + '\n');
writeFileSync(acksFile, texts.join('\n'));

const checkErrors: { what: string; message: string }[] = [];
// The weights are the route the API server holds at the verdict, never the repository's file; a route
// whose weights moved during the run leaves no one set of weights to test against.
const changed = routeChange(cluster.routeBefore, cluster.routeAfter);
if (changed) checkErrors.push({ what: 'the applied route', message: changed });
const exits = runnerExits(cluster.runners, perRunner);
const unlogged = runnersWithoutLog(cluster.runners, perRunner.map((r) => r.pod));
if (unlogged.length > 0) checkErrors.push({ what: 'the runners', message: `runner pod(s) with no log given to the verdict: ${unlogged.join(', ')}` });
const crashed = restartsDuring(cluster.podsBefore, cluster.podsAfter).map(describeRestart);

const settle = await waitConverged({ mongoUrl: o.mongoUrl, mongoDb: o.mongoDb, redisUrl: o.redisUrl, runId: o.runId, boundMs: CONVERGENCE_BOUND_MS });
const report = await reconcileRun({ runId: o.runId, acksFile, summaryFile, mongoUrl: o.mongoUrl, mongoDb: o.mongoDb, redisUrl: o.redisUrl, routeFile: path.join(clusterDir, CLUSTER_FILES.routeAfter), duplicatesFail: true, convergenceFails: true }).catch((err: unknown) => {
  checkErrors.push({ what: 'reconciliation', message: (err as Error).message });
  return undefined;
});
const gitSha = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout?.trim() || undefined;
const environment = clusterEnvironment(cluster, o.namespace, gitSha);
const summary = buildSummary({
  runId: o.runId,
  settings: { runners: merged.runners, runnerExits: exits, percentiles: merged.percentiles, ...merged.settings },
  k6: { exitCode: combinedExit(exits), summary: merged },
  reconcile: report,
  crashed,
  checkErrors,
  interrupted: false,
  // summary.json's environment is the cluster's (server, nodes, images), not this workstation's.
  environment: environment as unknown as Environment,
  settle,
  files: { summary: path.join(o.out, 'summary.json'), 'k6 summary': summaryFile, 'k6 logs': acksFile, cluster: clusterDir },
});
writeFileSync(path.join(o.out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
console.log(formatSummary(summary));
console.log(`cluster      ${environment.server ?? '?'}, ${environment.nodes.length} node(s); route ${environment.route.name}: ${environment.route.weights}; runners ${exits.map((e) => `${e.pod} exit ${e.exitCode} (${e.from})`).join(', ')}`);
process.exitCode = summary.verdict === 'PASS' ? 0 : 1;
