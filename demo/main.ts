/**
 * `npm run demo`: generate a data pool, start the local stack, run k6 through the split, reconcile
 * what was acknowledged with what the stores hold, test the split, write results/<run-id>/ and stop
 * everything. Exit 0 only on PASS.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROUTES } from '../contract/routes.js';
import { SPLIT_ROUTE_FILE, readSplit, routeFractions } from '../linkerd/split.js';
import { startStack, type RunningStack } from '../stack/stack.js';
import { REPO_ROOT } from '../stack/tools.js';
import { runChecks } from './checks.js';
import { collectEnvironment } from './environment.js';
import { runK6 } from './k6-run.js';
import { warmUp } from './warmup.js';
import { buildSummary, formatSummary } from './summary.js';

const USAGE = `usage: npm run demo -- [options]

Runs the local benchmark end to end: data pool -> local stack -> k6 through the split -> reconcile
-> split test -> results/<run-id>/summary.json, report.html, logs. Exit 0 only on PASS.

  --duration D      k6 duration, e.g. 30s, 2m (default 30s)
  --rate N          requests per second offered (default 150)
  --scenario S      smoke | load | stress | spike | soak (default load)
  --warmup N        requests sent before the measured run, under their own run id (default 300)
  --pool N          records in the data pool (default 20000)
  --seed N          generator seed (default 42)
  --p95 MS          per-route p95 latency threshold in ms (default 50)
  --p99 MS          per-route p99 latency threshold in ms (default 100)
  --route-file F    HTTPRoute with the weights (default ${path.relative(REPO_ROOT, SPLIT_ROUTE_FILE)})
  --port P          ingress port (default 0: any free port)
  --out DIR         results folder (default results/)
  -h, --help        this text`;

let opts;
try {
  opts = parseArgs({
    options: {
      duration: { type: 'string', default: '30s' },
      rate: { type: 'string', default: '150' },
      scenario: { type: 'string', default: 'load' },
      pool: { type: 'string', default: '20000' },
      warmup: { type: 'string', default: '300' },
      seed: { type: 'string', default: '42' },
      p95: { type: 'string', default: '50' },
      p99: { type: 'string', default: '100' },
      'route-file': { type: 'string', default: SPLIT_ROUTE_FILE },
      port: { type: 'string', default: '0' },
      out: { type: 'string', default: path.join(REPO_ROOT, 'results') },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (err) {
  console.error(`demo: ${(err as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
function fail(msg: string): never {
  console.error(`demo: ${msg}\n(run with --help for usage)`);
  process.exit(2);
}
const rate = Number(opts.rate);
const pool = Number(opts.pool);
const port = Number(opts.port);
const warmupRequests = Number(opts.warmup);
if (!Number.isInteger(warmupRequests) || warmupRequests < 0) fail(`--warmup ${opts.warmup} must be a non-negative integer`);
if (!Number.isFinite(rate) || rate <= 0) fail(`--rate ${opts.rate} must be a positive number`);
if (!Number.isInteger(pool) || pool < 1) fail(`--pool ${opts.pool} must be a positive integer`);
const p95 = Number(opts.p95);
const p99 = Number(opts.p99);
if (!(p95 > 0) || !(p99 > 0)) fail(`--p95 ${opts.p95} and --p99 ${opts.p99} must be positive numbers of milliseconds`);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port ${opts.port} must be 0..65535`);
if (!/^\d+(ms|s|m|h)?$|^(\d+h)?(\d+m)?(\d+s)?$/.test(opts.duration) || opts.duration === '') fail(`--duration ${opts.duration} must look like 30s, 2m or 1h30m`);
if (!['smoke', 'load', 'average', 'stress', 'spike', 'soak'].includes(opts.scenario)) fail(`--scenario ${opts.scenario} must be smoke, load, stress, spike or soak`);
const weights: Record<string, number> = (() => {
  try {
    return routeFractions(readSplit(opts['route-file']));
  } catch (err) {
    return fail(`cannot read the split from ${opts['route-file']}: ${(err as Error).message}`);
  }
})();

const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
const runId = `demo-${stamp}-${randomBytes(2).toString('hex')}`;
const outDir = path.resolve(opts.out, runId);
mkdirSync(outDir, { recursive: true });
const step = (msg: string): void => console.error(`demo: ${msg}`);

// 1. The data pool, generated once per seed and size and reused (byte-identical for a seed).
const dataFile = path.join(REPO_ROOT, 'data', `pool-${opts.seed}-${pool}.json`);
if (!existsSync(dataFile)) {
  step(`generating ${pool} records (seed ${opts.seed}) into ${path.relative(REPO_ROOT, dataFile)}`);
  execFileSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'generator/main.ts'), '--count', String(pool), '--seed', opts.seed, '--out', dataFile, '--quiet'], { stdio: 'inherit', cwd: REPO_ROOT });
}

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
  stack = await startStack({ port, dir: path.join(outDir, 'stack'), routeFile: opts['route-file'], onProgress: (m) => step(m) });
  let crashed: string | undefined;
  void stack.crashed.then((why) => (crashed = why));
  if (warmupRequests > 0) {
    step(`warming up: ${warmupRequests} requests through the ingress (run id ${runId}-warmup, not measured)`);
    const warm = await warmUp({ baseUrl: stack.endpoints.ingress, runId: `${runId}-warmup`, dataFile, requests: warmupRequests });
    const bad = Object.entries(warm.statuses).filter(([s]) => !s.startsWith('2'));
    if (bad.length > 0) step(`warm-up answers: ${JSON.stringify(warm.statuses)}`);
  }
  const routedBefore = await routedByIngress(stack.endpoints.ingress);
  const routes = ROUTES.filter((r) => (weights[r] ?? 0) > 0);
  step(`run ${runId}: k6 ${opts.scenario} at ${rate} req/s for ${opts.duration} through ${stack.endpoints.ingress} (split grpc ${(100 * weights.grpc!).toFixed(0)}% / redis ${(100 * weights.redis!).toFixed(0)}%)`);
  const k6 = await runK6({ baseUrl: stack.endpoints.ingress, runId, dataFile, outDir, scenario: opts.scenario, rate, duration: opts.duration, routes, thresholds: { p95Ms: p95, p99Ms: p99 } });

  step('reconciling acknowledged writes with MongoDB and Redis; testing the split');
  // The ingress counts since it started; the measured run's split is what it routed after the warm-up.
  const routedNow = await routedByIngress(stack.endpoints.ingress);
  const ingressStats = { routed: Object.fromEntries(Object.entries(routedNow).map(([r, n]) => [r, n - (routedBefore[r] ?? 0)])) };
  const checks = await runChecks({ runId, acksFile: k6.logFile, summaryFile: k6.summary ? k6.summaryFile : undefined, endpoints: stack.endpoints, weights, routedByIngress: ingressStats.routed });
  if (checks.report) writeFileSync(path.join(outDir, 'reconcile.json'), JSON.stringify(checks.report, null, 2) + '\n');
  const summary = buildSummary({
    runId,
    settings: { scenario: opts.scenario, warmupRequests, rate, duration: opts.duration, p95Ms: p95, p99Ms: p99, pool, seed: Number(opts.seed), routeFile: path.relative(REPO_ROOT, opts['route-file']), weights, interrupted },
    k6: { exitCode: k6.exitCode, summary: k6.summary },
    reconciliation: checks.reconciliation,
    split: checks.split,
    crashed,
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
  for (const e of checks.errors) summary.reasons.push(e);
  if (checks.errors.length > 0) summary.verdict = 'FAIL';
  if (interrupted) summary.reasons.unshift('note: interrupted (Ctrl-C/SIGTERM): the run is shorter than asked');
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
}
process.exit(exitCode);
