/** Runs the k6 script of loadtest/ as a child process, with its ack log captured for the reconciler. */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, requireBinary } from '../stack/tools.js';

export interface K6RunOptions {
  baseUrl: string;
  runId: string;
  dataFile: string;
  /** Folder for k6-summary.json, k6.log and report.html. */
  outDir: string;
  scenario: string;
  rate?: number;
  duration?: string;
  /** Routes expected to answer (a route with weight 0 gets no thresholds). */
  routes: string[];
  /** Per-route latency thresholds (loadtest's P95_MS and P99_MS). */
  thresholds?: { p95Ms: number; p99Ms: number };
  /** Where k6's own progress output goes (the terminal, usually). */
  progress?: NodeJS.WritableStream;
}

export interface K6RunResult {
  exitCode: number;
  summaryFile: string;
  logFile: string;
  reportFile: string;
  /** The parsed summary.json, or undefined when k6 wrote none (it failed before the end). */
  summary: K6Summary | undefined;
}

/** The part of loadtest/main.ts's summary.json the demo reads (schema splitbench.k6-summary/1). */
export interface K6Summary {
  runId: string;
  requests: number;
  acknowledged: number;
  replayed: number;
  errorRate: number;
  rps: number;
  droppedIterations: number;
  durationMs: number;
  routes: Record<string, { requests: number; acknowledged: number; errors: number; errorRate: number; rps: number; p50: number | null; p95: number | null; p99: number | null }>;
  thresholds: { passed: boolean; failed: string[] };
}

export async function runK6(opts: K6RunOptions): Promise<K6RunResult> {
  const bin = requireBinary('k6', "run 'npm run tools' to build k6 into .tools/bin");
  const summaryFile = path.join(opts.outDir, 'k6-summary.json');
  const logFile = path.join(opts.outDir, 'k6.log');
  const reportFile = path.join(opts.outDir, 'report.html');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Offline machine: no usage report, no automatic extension downloads.
    K6_NO_USAGE_REPORT: 'true',
    K6_AUTO_EXTENSION_RESOLUTION: 'false',
    // The built-in web dashboard, exported as one HTML file at the end; a 1 s period so short
    // runs still have enough points to draw.
    K6_WEB_DASHBOARD: 'true',
    K6_WEB_DASHBOARD_PORT: '-1',
    K6_WEB_DASHBOARD_PERIOD: '1s',
    K6_WEB_DASHBOARD_EXPORT: reportFile,
    BASE_URL: opts.baseUrl,
    RUN_ID: opts.runId,
    DATA: opts.dataFile,
    SUMMARY: summaryFile,
    SCENARIO: opts.scenario,
    ROUTES: opts.routes.join(','),
    ...(opts.thresholds ? { P95_MS: String(opts.thresholds.p95Ms), P99_MS: String(opts.thresholds.p99Ms) } : {}),
    // Enough VUs ready at the start that the first seconds are not dropped while k6 allocates more
    // (a VU per 200 ms of latency at the rate), and head-room for a slow patch.
    ...(opts.rate !== undefined
      ? { RATE: String(opts.rate), PRE_ALLOCATED_VUS: String(Math.max(20, Math.ceil(opts.rate / 5))), MAX_VUS: String(Math.max(100, Math.ceil(opts.rate))) }
      : {}),
    ...(opts.duration !== undefined ? { DURATION: opts.duration } : {}),
  };
  // k6 treats these as overrides of the scenario; never inherit them from the caller's shell.
  for (const name of ['K6_VUS', 'K6_DURATION', 'K6_ITERATIONS', 'K6_STAGES']) delete env[name];

  const log = createWriteStream(logFile);
  const child = spawn(bin, ['run', '--log-format', 'raw', path.join(REPO_ROOT, 'loadtest', 'main.ts')], {
    cwd: opts.outDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(opts.progress ?? process.stderr, { end: false });
  child.stderr.pipe(log);
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const exitCode = await new Promise<number>((resolve) => {
    child.once('error', (err) => {
      log.write(`[spawn error] ${err.message}\n`);
      resolve(-1);
    });
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : -1)));
  });
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);
  await new Promise<void>((resolve) => log.end(resolve));
  const summary = existsSync(summaryFile) ? (JSON.parse(readFileSync(summaryFile, 'utf8')) as K6Summary) : undefined;
  return { exitCode, summaryFile, logFile, reportFile, summary };
}
