/** Runs the k6 script of loadtest/ as a child process, with its ack log captured for the reconciler. */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseK6Summary, type K6Summary } from '../contract/k6-summary.js';
import { K6_OFFLINE_ENV, LOADTEST_ENV as E, SCENARIO_OVERRIDES, THRESHOLD_SETTINGS, THRESHOLDS_OFF, THRESHOLDS_ON } from '../contract/load-profiles.js';
import { K6_RW_OUTPUT, k6RemoteWriteEnv } from '../contract/k6-remote-write.js';
import { TIMESERIES_FILES } from '../contract/timeseries.js';
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
  /**
   * Per-route thresholds (loadtest's P95_MS, P99_MS and MAX_ERROR_RATE; unset: the script's defaults),
   * or 'off': k6 judges nothing (THRESHOLDS=off) and its summary has no thresholds, for a caller that
   * judges the figures itself.
   */
  thresholds?: { p95Ms: number; p99Ms: number; maxErrorRate?: number } | 'off';
  /** The most VUs k6 may run (default: one per request per second, at least 100). */
  maxVUs?: number;
  /** VUs k6 starts with; default a VU per 200 ms of latency at the rate. */
  preAllocatedVUs?: number;
  /** RETRIES: retries of a 503, 504 or unanswered attempt (default: the script's, 3). */
  retries?: number;
  /** Called with k6's pid once it runs (the resource sampler measures k6 too). */
  onSpawn?: (pid: number) => void;
  /** Where k6's own progress output goes (the terminal, usually). */
  progress?: NodeJS.WritableStream;
  /** Every sample to k6-samples.csv.gz for the time series (timeseries/); default true. */
  samples?: boolean;
  /** A Prometheus (base URL) with the remote-write receiver on: k6 pushes its metrics there too, as in the cluster. */
  remoteWrite?: string;
  /**
   * Serve k6's web dashboard while k6 runs, on 127.0.0.1 at this port (liveDashboardUrl gives its address).
   * Unset: the dashboard is only exported (report.html) at the end, with no server.
   */
  livePort?: number;
}

/** k6's own default port for its web dashboard. */
export const K6_DASHBOARD_PORT = 5665;

/** Where a person watches a run with `livePort` (k6 redirects / to its UI). */
export function liveDashboardUrl(port: number): string {
  return `http://127.0.0.1:${port}/`;
}

export interface K6RunResult {
  exitCode: number;
  summaryFile: string;
  logFile: string;
  reportFile: string;
  /** The checked summary.json, or undefined when k6 wrote none (it failed before the end). */
  summary: K6Summary | undefined;
}

/** The environment of one run: offline, the web dashboard exported, the loadtest's settings. */
function k6Env(opts: K6RunOptions, files: { summaryFile: string; reportFile: string }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...K6_OFFLINE_ENV,
    // The built-in web dashboard, exported as one HTML file at the end; a 1 s period so short
    // runs still have enough points to draw. Served while k6 runs only when asked (port -1: no server),
    // and then only on the loopback interface.
    K6_WEB_DASHBOARD: 'true',
    K6_WEB_DASHBOARD_HOST: '127.0.0.1',
    K6_WEB_DASHBOARD_PORT: opts.livePort === undefined ? '-1' : String(opts.livePort),
    K6_WEB_DASHBOARD_OPEN: 'false',
    K6_WEB_DASHBOARD_PERIOD: '1s',
    K6_WEB_DASHBOARD_EXPORT: files.reportFile,
    [E.BASE_URL]: opts.baseUrl,
    [E.RUN_ID]: opts.runId,
    [E.DATA]: opts.dataFile,
    [E.SUMMARY]: files.summaryFile,
    [E.SCENARIO]: opts.scenario,
    [E.ROUTES]: opts.routes.join(','),
  };
  // Said either way, so a THRESHOLDS=off in the caller's shell cannot turn them off unasked.
  const th = opts.thresholds;
  env[E.THRESHOLDS] = th === 'off' ? THRESHOLDS_OFF : THRESHOLDS_ON;
  // The script refuses threshold settings beside THRESHOLDS=off; the caller's shell must not supply any.
  if (th === 'off') for (const name of THRESHOLD_SETTINGS) delete env[name];
  else if (th !== undefined) {
    Object.assign(env, { [E.P95_MS]: String(th.p95Ms), [E.P99_MS]: String(th.p99Ms) });
    if (th.maxErrorRate !== undefined) env[E.MAX_ERROR_RATE] = String(th.maxErrorRate);
  }
  if (opts.retries !== undefined) env[E.RETRIES] = String(opts.retries);
  if (opts.rate !== undefined) {
    // Enough VUs ready at the start that the first seconds are not dropped while k6 allocates more
    // (a VU per 200 ms of latency at the rate), and head-room for a slow patch.
    Object.assign(env, { [E.RATE]: String(opts.rate), [E.PRE_ALLOCATED_VUS]: String(opts.preAllocatedVUs ?? Math.max(20, Math.ceil(opts.rate / 5))), [E.MAX_VUS]: String(opts.maxVUs ?? Math.max(100, Math.ceil(opts.rate))) });
  }
  if (opts.duration !== undefined) env[E.DURATION] = opts.duration;
  if (opts.remoteWrite !== undefined) Object.assign(env, k6RemoteWriteEnv(opts.remoteWrite));
  // k6 treats these as overrides of the scenario; never inherit them from the caller's shell.
  for (const name of SCENARIO_OVERRIDES) delete env[name];
  return env;
}

export async function runK6(opts: K6RunOptions): Promise<K6RunResult> {
  const bin = requireBinary('k6', "run 'npm run tools' to build k6 into .tools/bin");
  const summaryFile = path.join(opts.outDir, 'k6-summary.json');
  const logFile = path.join(opts.outDir, 'k6.log');
  const reportFile = path.join(opts.outDir, 'report.html');
  const log = createWriteStream(logFile);
  // Every sample, timestamped in ms, for timeseries/ (the cost of it: timeseries/bench.ts).
  const samples = opts.samples === false ? [] : ['--out', `csv=fileName=${path.join(opts.outDir, TIMESERIES_FILES.k6Samples)},timeFormat=unix_milli`];
  const remoteWrite = opts.remoteWrite === undefined ? [] : ['--out', K6_RW_OUTPUT];
  const child = spawn(bin, ['run', '--log-format', 'raw', ...samples, ...remoteWrite, path.join(REPO_ROOT, 'loadtest', 'main.ts')], {
    cwd: opts.outDir,
    env: k6Env(opts, { summaryFile, reportFile }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid !== undefined) opts.onSpawn?.(child.pid);
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
  const summary = existsSync(summaryFile) ? parseK6Summary(JSON.parse(readFileSync(summaryFile, 'utf8')), summaryFile) : undefined;
  return { exitCode, summaryFile, logFile, reportFile, summary };
}
