/**
 * `npm run demo`: generate a data pool, start the local stack, run k6 through the split, reconcile
 * what was acknowledged with what the stores hold, test the split k6 saw, write results/<run-id>/ and
 * stop everything. Exit 0 only on PASS.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseCommandLine, usageFailure } from '../cli/options.js';
import { ROUTES } from '../contract/routes.js';
import { SPLIT_ROUTE_FILE, readSplit, routeFractions } from '../linkerd/split.js';
import { startStack, type RunningStack } from '../stack/stack.js';
import { writeRunReport } from '../report/run-report.js';
import { REPO_ROOT } from '../stack/tools.js';
import { runChecks } from './checks.js';
import { demoProgram, type DemoOptions } from './cli.js';
import { collectEnvironment } from './environment.js';
import { runK6 } from './k6-run.js';
import { formatSummary } from './summary-text.js';
import { buildSummary } from './summary.js';
import { warmUp } from './warmup.js';

const program = parseCommandLine(demoProgram(), process.argv.slice(2));
if (program === undefined) process.exit();
const opts = program.opts<DemoOptions>();
const routeFile = opts.routeFile ?? SPLIT_ROUTE_FILE;
let weights: Record<string, number>;
try {
  weights = routeFractions(readSplit(routeFile));
} catch (err) {
  usageFailure(program, `cannot read the split from ${routeFile}: ${(err as Error).message}`);
  process.exit();
}

const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
const runId = `demo-${stamp}-${randomBytes(2).toString('hex')}`;
const outDir = path.resolve(opts.out, runId);
mkdirSync(outDir, { recursive: true });
const step = (msg: string): void => console.error(`demo: ${msg}`);

// 1. The data pool, generated once per seed and size and reused (byte-identical for a seed).
const dataFile = path.join(REPO_ROOT, 'data', `pool-${opts.seed}-${opts.pool}.json`);
if (!existsSync(dataFile)) {
  step(`generating ${opts.pool} records (seed ${opts.seed}) into ${path.relative(REPO_ROOT, dataFile)}`);
  execFileSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'generator/main.ts'), '--count', String(opts.pool), '--seed', String(opts.seed), '--out', dataFile, '--quiet'], { stdio: 'inherit', cwd: REPO_ROOT });
}

/** What the ingress says it routed: shown beside the client's counts, never the evidence. */
async function routedByIngress(ingress: string): Promise<Record<string, number>> {
  return ((await (await fetch(`${ingress}/stats`)).json()) as { routed: Record<string, number> }).routed;
}

let stack: RunningStack | undefined;
let interrupted = false;
const onSignal = (): void => {
  // k6 gets the signal too and ends early; the run then finishes its checks and stops the stack.
  interrupted = true;
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

let exitCode: number;
try {
  step(`starting the local stack (logs in ${path.relative(process.cwd(), outDir)}/stack/logs)`);
  stack = await startStack({ port: opts.port, dir: path.join(outDir, 'stack'), routeFile, onProgress: (m) => step(m) });
  const crashed: string[] = [];
  void stack.crashed.then((why) => crashed.push(why));
  if (opts.warmup > 0) {
    step(`warming up: ${opts.warmup} requests through the ingress (run id ${runId}-warmup, not measured)`);
    const warm = await warmUp({ baseUrl: stack.endpoints.ingress, runId: `${runId}-warmup`, dataFile, requests: opts.warmup });
    if (Object.keys(warm.statuses).some((s) => !s.startsWith('2'))) step(`warm-up answers: ${JSON.stringify(warm.statuses)}`);
  }
  const routedBefore = await routedByIngress(stack.endpoints.ingress);
  const routes = ROUTES.filter((r) => (weights[r] ?? 0) > 0);
  step(`run ${runId}: k6 ${opts.scenario} at ${opts.rate} req/s for ${opts.duration} through ${stack.endpoints.ingress} (split grpc ${(100 * (weights.grpc ?? 0)).toFixed(0)}% / redis ${(100 * (weights.redis ?? 0)).toFixed(0)}%)`);
  const k6 = await runK6({ baseUrl: stack.endpoints.ingress, runId, dataFile, outDir, scenario: opts.scenario, rate: opts.rate, duration: opts.duration, routes, thresholds: { p95Ms: opts.p95, p99Ms: opts.p99 } });

  step("reconciling acknowledged writes with MongoDB and Redis; testing the split k6 saw");
  const routedNow = await routedByIngress(stack.endpoints.ingress);
  const checks = await runChecks({ runId, acksFile: k6.logFile, summaryFile: k6.summary ? k6.summaryFile : undefined, endpoints: stack.endpoints, weights });
  if (checks.report) writeFileSync(path.join(outDir, 'reconcile.json'), JSON.stringify(checks.report, null, 2) + '\n');
  const summary = buildSummary({
    runId,
    settings: { scenario: opts.scenario, warmupRequests: opts.warmup, rate: opts.rate, duration: opts.duration, p95Ms: opts.p95, p99Ms: opts.p99, pool: opts.pool, seed: opts.seed, routeFile: path.relative(REPO_ROOT, routeFile), weights },
    k6: { exitCode: k6.exitCode, summary: k6.summary },
    reconcile: checks.report,
    crashed,
    checkErrors: checks.errors,
    interrupted,
    ingressRouted: Object.fromEntries(Object.entries(routedNow).map(([r, n]) => [r, n - (routedBefore[r] ?? 0)])),
    environment: collectEnvironment(stack.endpoints.mongoKind),
    grades: checks.grades,
    files: {
      summary: path.join(outDir, 'summary.json'),
      report: existsSync(k6.reportFile) ? k6.reportFile : '(k6 wrote no report.html)',
      'k6 summary': k6.summaryFile,
      'k6 log': k6.logFile,
      reconcile: path.join(outDir, 'reconcile.json'),
      logs: stack.endpoints.logs,
    },
  });
  writeFileSync(path.join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  console.log('\n' + formatSummary(summary));
  if (checks.gradesText) console.log('\n' + checks.gradesText);
  exitCode = summary.verdict === 'PASS' ? 0 : 1;
} catch (err) {
  console.error(`demo: failed: ${(err as Error).message}`);
  exitCode = 1;
} finally {
  step('stopping the local stack');
  await stack?.stop();
  // The run report (report/): k6's samples into timeseries.json, then index.html, for any run that got this far.
  await writeRunReport(outDir, step);
}
process.exit(exitCode);
