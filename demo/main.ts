/**
 * `npm run demo`: generate a data pool, start the local stack, run k6 through the split (breaking things
 * on a fault plan, if asked), wait for the stores to agree, reconcile what was acknowledged with what
 * they hold, test the split k6 saw, write results/<run-id>/ and stop everything. Exit 0 only on PASS.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { durationSeconds, parseCommandLine, usageFailure } from '../cli/options.js';
import { ROUTES } from '../contract/routes.js';
import { FAULTS_SCHEMA } from '../faults/analysis.js';
import { ensurePool } from '../generator/pool-file.js';
import { checkAgainstRun, linksOf, readPlan, runSecondsFor, type Fault } from '../faults/plan.js';
import { SPLIT_ROUTE_FILE, readSplit, routeFractions } from '../linkerd/split.js';
import { startControlPlane, type ControlPlane } from '../autoscale/control-plane.js';
import { ClusterAutoscaling } from '../stack/autoscaling.js';
import type { ServiceFolder } from '../stack/services.js';
import { startStack, type RunningStack } from '../stack/stack.js';
import { writeRunReport } from '../report/run-report.js';
import { REPO_ROOT } from '../stack/tools.js';
import { afterRun } from './after-run.js';
import { DEFAULT_FAULT_PLAN, demoProgram, type DemoOptions } from './cli.js';
import { collectEnvironment } from './environment.js';
import { machineLoad } from './machine.js';
import { measuredRun } from './measured-run.js';
import { liveDashboardUrl } from './k6-run.js';
import { livePortOf } from './live-dashboard.js';
import { PROMETHEUS_FILE, recordPrometheusAnswers, startRunPrometheus, type DashboardProblem } from './prometheus-run.js';
import type { RunningPrometheus } from '../stack/prometheus.js';
import { formatSummary } from './summary-text.js';
import { buildSummary } from './summary.js';
import { warmUp } from './warmup.js';

const program = parseCommandLine(demoProgram(), process.argv.slice(2));
if (program === undefined) process.exit();
const opts = program.opts<DemoOptions>();
const routeFile = opts.routeFile ?? SPLIT_ROUTE_FILE;
// 60 s: at 100 req/s a route's p99 is its 30th-slowest request, so one burst of other work on a
// 2-core machine (a compile, a GC, a neighbour) cannot decide it alone; at 30 s one 300 ms stall did.
let weights: Record<string, number>;
let plan: Fault[] | undefined;
try {
  if (opts.autoscale && opts.replicas !== undefined) throw new Error('--autoscale and --replicas do not go together: the autoscaler sets the replicas');
  if (opts.hpaTarget !== undefined && !opts.autoscale) throw new Error('--hpa-target needs --autoscale');
  weights = routeFractions(readSplit(routeFile));
  if (opts.faults) {
    plan = readPlan(opts.faults === true ? DEFAULT_FAULT_PLAN : opts.faults);
    // A fault that ends in the last seconds would leave no time to see the routes recover.
    checkAgainstRun(plan, durationSeconds(opts.duration ?? `${runSecondsFor(plan)}s`), 5);
  }
} catch (err) {
  usageFailure(program, (err as Error).message);
  process.exit();
}

let livePort: number | undefined;
try {
  livePort = await livePortOf(opts.live);
} catch (err) {
  usageFailure(program, (err as Error).message);
  process.exit();
}

const duration = opts.duration ?? (plan ? `${runSecondsFor(plan)}s` : '60s');
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
const runId = `demo-${stamp}-${randomBytes(2).toString('hex')}`;
const outDir = path.resolve(opts.out, runId);
mkdirSync(outDir, { recursive: true });
const step = (msg: string): void => console.error(`demo: ${msg}`);

if (opts.findCapacity) {
  // The capacity search is its own command; the demo runs it into this run's folder and reports it.
  step(`finding capacity (npm run capacity), results in ${path.relative(process.cwd(), outDir)}`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'capacity', 'main.ts'), '--out', outDir, '--replicas', String(opts.replicas ?? 1)], { stdio: 'inherit' });
    child.once('close', (c) => resolve(c ?? 1));
  });
  await writeRunReport(outDir, step);
  process.exit(code);
}

if (plan) {
  step(`fault plan (${plan.length} faults, times from the start of the load):`);
  for (const f of plan) step(`  at ${f.at}s: ${f.action} ${f.target}${f.duration ? ` for ${f.duration}s` : ''}`);
}

const dataFile = ensurePool(opts.seed, opts.pool, step);

let stack: RunningStack | undefined;
let prometheus: RunningPrometheus | undefined;
let plane: ControlPlane | undefined;
const stopping = new AbortController();
let interrupted = false;
const onSignal = (): void => {
  // k6 gets the signal too and ends early; the run then finishes its checks and stops the stack.
  interrupted = true;
  // A control plane being built or started stops at once.
  stopping.abort();
};
// Whatever ends this process, the control plane's processes go with it (stop() is synchronous, once).
process.on('exit', () => plane?.stop());
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

let exitCode: number;
try {
  if (opts.autoscale) {
    step('starting the Kubernetes control plane whose HPA controller scales the services (autoscale/control-plane.ts)');
    plane = await startControlPlane({ overrides: opts.hpaTarget === undefined ? {} : { targetPercent: opts.hpaTarget }, log: (l) => step(`control plane: ${l}`), signal: stopping.signal });
  }
  step(`starting the local stack (logs in ${path.relative(process.cwd(), outDir)}/stack/logs)`);
  // Pinned replicas, or each HPA's min..max; one replica each by default.
  const replicas = Object.fromEntries(
    (['grpc-server', 'grpc-client', 'redis-writer'] as ServiceFolder[]).map((name) => {
      const hpa = plane?.deployments.find((h) => h.deployment === name);
      return [name, hpa ? { initial: hpa.minReplicas, max: hpa.maxReplicas } : { initial: opts.replicas ?? 1, max: opts.replicas ?? 1 }];
    }),
  );
  stack = await startStack({ port: opts.port, dir: path.join(outDir, 'stack'), routeFile, replicas, links: plan === undefined ? [] : linksOf(plan), onProgress: (m) => step(m) });
  // Prometheus scrapes the run as the cluster's does and answers the Benchmark dashboard at the end
  // (demo/prometheus-run.ts); a run without it goes on, and says so as a failed check.
  const prometheusErrors: { what: string; message: string }[] = [];
  step('starting Prometheus (scrapes the services and the ingress every second; k6 pushes its metrics to it)');
  prometheus = await startRunPrometheus(stack, outDir).catch((err: Error) => {
    prometheusErrors.push({ what: 'starting Prometheus', message: err.message });
    return undefined;
  });
  if (opts.warmup > 0) {
    step(`warming up: ${opts.warmup} requests through the ingress (run id ${runId}-warmup, not measured)`);
    const warm = await warmUp({ baseUrl: stack.endpoints.ingress, runId: `${runId}-warmup`, dataFile, requests: opts.warmup });
    if (Object.keys(warm.statuses).some((s) => !s.startsWith('2'))) step(`warm-up answers: ${JSON.stringify(warm.statuses)}`);
  }
  // After the warm-up: its CPU is not fed to the controller (the feed starts here), so it cannot scale before the run.
  // Each kind of event is said once (replicas.json has every one); every rescale is said.
  const autoscaler = plane && new ClusterAutoscaling({ plane, deployments: stack.deployments, onEvent: (e) => (e.count === 1 || e.reason === 'SuccessfulRescale') && step(`HPA controller: ${e.hpa} ${e.reason}: ${e.message}`), onScale: (dep, from, to) => step(`autoscaling: ${dep} ${from} -> ${to} local replicas`) });
  if (autoscaler) {
    step("waiting for the HPA controller to read every replica's CPU (metrics-server needs two scrapes of a pod)");
    await autoscaler.ready(undefined, stopping.signal);
  }
  const routedBefore: Record<string, number> = await stack.ingress.routed();
  const routes = ROUTES.filter((r) => (weights[r] ?? 0) > 0);
  const thresholds = opts.thresholds ? { p95Ms: opts.p95, p99Ms: opts.p99, maxErrorRate: opts.maxErrorRate } : null;
  step(`run ${runId}: k6 ${opts.scenario} at ${opts.rate} req/s for ${duration} through ${stack.endpoints.ingress} (split grpc ${(100 * (weights.grpc ?? 0)).toFixed(0)}% / redis ${(100 * (weights.redis ?? 0)).toFixed(0)}%)${plan ? `, ${plan.length} faults` : ''}`);
  if (livePort !== undefined) step(`live: k6's web dashboard at ${liveDashboardUrl(livePort)} while k6 runs`);
  const run = await measuredRun(
    stack,
    {
      ...(livePort === undefined ? {} : { livePort }),
      baseUrl: stack.endpoints.ingress,
      runId,
      dataFile,
      outDir,
      scenario: opts.scenario,
      rate: opts.rate,
      duration,
      routes,
      retries: opts.retries,
      ...(prometheus ? { remoteWrite: prometheus.url } : {}),
      // A fault holds requests for seconds (timeouts, retries): room for the VUs that piles up, and
      // VUs ready before it, because k6 allocates extra VUs slowly and drops iterations meanwhile
      // (a 3 s hang at 100 req/s held 177 VUs; with 20 pre-allocated k6 dropped 173 iterations).
      ...(plan ? { maxVUs: Math.max(100, Math.ceil(opts.rate * 4)), preAllocatedVUs: Math.max(20, Math.ceil(opts.rate * 2)) } : {}),
      // Under faults k6's own thresholds would judge the fault windows too: k6 judges none, and the demo
      // applies them outside the windows itself (faults/analysis.ts).
      thresholds: plan || thresholds === null ? 'off' : thresholds,
    },
    plan,
    autoscaler,
    step,
  );
  if (run.replicas) writeFileSync(path.join(outDir, 'replicas.json'), JSON.stringify(run.replicas, null, 2) + '\n');
  const routedNow = await stack.ingress.routed();
  const after = await afterRun({ runId, outDir, endpoints: stack.endpoints, weights, run, routes, thresholds, soak: opts.scenario === 'soak', say: step });
  if (after.checks.report) writeFileSync(path.join(outDir, 'reconcile.json'), JSON.stringify(after.checks.report, null, 2) + '\n');
  // The report's inputs, one file per section (report/sections/).
  if (after.faults) writeFileSync(path.join(outDir, 'faults.json'), JSON.stringify({ schema: FAULTS_SCHEMA, boundMs: after.faults.boundMs, settleBoundMs: after.faults.settleBoundMs, faults: after.faults.faults, windows: after.faults.windows }, null, 2) + '\n');
  if (after.cost) writeFileSync(path.join(outDir, 'cost.json'), JSON.stringify(after.cost, null, 2) + '\n');
  let dashboard: DashboardProblem[] = [];
  if (prometheus && run.loadStartedAt !== null) {
    try {
      dashboard = (await recordPrometheusAnswers({ prometheus, loadStartedAt: run.loadStartedAt, endedAt: run.endedAt, outDir, say: step })).problems;
    } catch (err) {
      prometheusErrors.push({ what: "asking Prometheus the Benchmark dashboard's queries", message: (err as Error).message });
    }
  }
  const summary = buildSummary({
    runId,
    settings: { scenario: opts.scenario, warmupRequests: opts.warmup, rate: opts.rate, duration, retries: opts.retries, thresholds: thresholds === null ? 'off' : 'on', p95Ms: thresholds?.p95Ms ?? null, p99Ms: thresholds?.p99Ms ?? null, maxErrorRate: thresholds?.maxErrorRate ?? null, pool: opts.pool, seed: opts.seed, routeFile: path.relative(REPO_ROOT, routeFile), weights, faultPlan: plan ?? null, replicas, autoscale: opts.autoscale ?? false, hpaTarget: opts.hpaTarget ?? null },
    k6: { exitCode: run.k6.exitCode, summary: run.k6.summary },
    reconcile: after.checks.report,
    // A process that exited without a fault causing it crashed, even though its supervisor restarted it.
    crashed: stack.events.filter((e) => e.kind === 'exited' && !e.expected).map((e) => `${e.process} exited (${e.detail ?? ''}) and was restarted; see ${path.join(stack!.endpoints.logs, `${e.process}.log`)}`),
    checkErrors: [...after.errors, ...after.checks.errors, ...prometheusErrors],
    dashboard,
    interrupted,
    thresholdsOff: thresholds === null,
    ingressRouted: Object.fromEntries(Object.entries(routedNow).map(([r, n]) => [r, n - (routedBefore[r] ?? 0)])),
    environment: collectEnvironment(stack.endpoints.mongoKind),
    grades: after.checks.grades,
    settle: after.settle,
    ...(after.faults ? { faults: after.faults } : {}),
    ...(after.cost ? { cost: after.cost } : {}),
    ...(after.growth ? { memory: after.growth } : {}),
    ...(run.cpu ? { machine: machineLoad(run.cpu.before, run.cpu.after, run.k6.summary?.droppedIterations ?? 0, plan !== undefined) } : {}),
    files: {
      summary: path.join(outDir, 'summary.json'),
      report: existsSync(run.k6.reportFile) ? run.k6.reportFile : '(k6 wrote no report.html)',
      'k6 summary': run.k6.summaryFile,
      'k6 log': run.k6.logFile,
      reconcile: path.join(outDir, 'reconcile.json'),
      ...(prometheus ? { prometheus: path.join(outDir, PROMETHEUS_FILE) } : {}),
      logs: stack.endpoints.logs,
    },
  });
  writeFileSync(path.join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  console.log('\n' + formatSummary(summary));
  if (after.checks.gradesText) console.log('\n' + after.checks.gradesText);
  // 0 PASS, 1 FAIL, 3 INCONCLUSIVE (the machine, not the system, ran out: rerun).
  exitCode = { PASS: 0, FAIL: 1, INCONCLUSIVE: 3 }[summary.verdict];
} catch (err) {
  console.error(`demo: failed: ${(err as Error).message}`);
  exitCode = 1;
} finally {
  step('stopping the local stack');
  await prometheus?.stop();
  await stack?.stop();
  if (plane) step('stopping the control plane');
  plane?.stop();
  // The run report (report/): k6's samples into timeseries.json, then index.html, for any run that got this far.
  await writeRunReport(outDir, step);
}
process.exit(exitCode);
