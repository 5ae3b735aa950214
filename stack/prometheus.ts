/**
 * Prometheus for a local run (3.16.0, built by `npm run tools` from tools/prometheus into
 * .tools/bin/prometheus): scrapes the services as the cluster's Prometheus does, with the same job
 * (grafana/prometheus-config.ts SERVICES_JOB: job name, metrics path, honor_labels), plus any extra
 * targets a run names (the ingress's /metrics; Envoy's admin /stats/prometheus as job 'envoy'), and
 * receives k6's remote write when asked. Its TSDB lives in a temporary folder removed at stop; what a
 * run keeps of it is the answers (grafana/prometheus-answers.ts writes prometheus.json).
 *
 * The services' targets come from a function and are written to a file_sd file Prometheus watches,
 * refreshed every second: the replicas running now, as the cluster's pod discovery lists the pods
 * running now. Static targets for every replica slot would keep scraping a replica the autoscaler
 * stopped on purpose, and `up` would call it down. A replica that starts is scraped within about 5 s
 * (Prometheus's scrape manager takes discovery updates in every 5 s).
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { METRICS_TARGETS, SERVICES_JOB } from '../grafana/prometheus-config.js';
import { freePort } from './ports.js';
import { startProcess, waitUntil, type ManagedProcess } from './process.js';
import { PrometheusApi } from './prometheus-api.js';
import type { RunningStack } from './stack.js';
import { findBinary, TOOLS_BIN } from './tools.js';

/**
 * Every second locally; the cluster's is 15 s (grafana/prometheus-config.ts). A local run lasts seconds
 * to minutes, and the dashboard's rates need 4 scrapes inside $__rate_interval (4 × the scrape interval
 * at the least): at 15 s a 60 s run would have one rate point at best. Scraping the four targets of a
 * one-replica stack once a second cost Prometheus 0.01 cores here, idle and under load alike (measured
 * from /proc over 20 s idle and 47 s at 64 req/s); the demo's machine table counts it as other work.
 */
export const LOCAL_SCRAPE_INTERVAL_SECONDS = 1;

/** One replica of a service, as its /metrics is scraped. */
export interface ServiceTarget {
  /** The service (the cluster's `app` label), e.g. grpc-client. */
  app: string;
  /** The replica, e.g. grpc-client-1 (the cluster's `pod` label). */
  pod: string;
  /** Its metrics URL, http://127.0.0.1:PORT/metrics. */
  url: string;
}

/** A target outside the services' job, scraped under its own job name (Envoy's admin: job 'envoy'). */
export interface ExtraTarget {
  job: string;
  /** Full URL, path included: http://127.0.0.1:PORT/stats/prometheus. */
  url: string;
}

export interface StartPrometheusOptions {
  /** Where the configuration and the targets file go (the run's folder for Prometheus). */
  dir: string;
  logFile?: string;
  /** The services' replicas to scrape now; asked every second. */
  services: () => ServiceTarget[];
  extra?: readonly ExtraTarget[];
  /** Accept k6's remote write (--web.enable-remote-write-receiver), as the cluster's Prometheus does. */
  remoteWriteReceiver?: boolean;
  scrapeIntervalSeconds?: number;
  port?: number;
}

export interface RunningPrometheus {
  /** Base URL, http://127.0.0.1:PORT */
  url: string;
  api: PrometheusApi;
  proc: ManagedProcess;
  scrapeIntervalSeconds: number;
  configFile: string;
  /** Writes the services' targets file now if they changed (also done every second). */
  refreshTargets(): void;
  stop(): Promise<void>;
}

const SERVICES_TARGETS_FILE = 'services.targets.json';

/** The services' targets in file_sd's format: one group per replica, labelled as the cluster's relabelling does (app, pod). */
export function fileSdGroups(targets: readonly ServiceTarget[]): { targets: string[]; labels: Record<string, string> }[] {
  return targets.map((t) => {
    const u = new URL(t.url);
    if (u.pathname !== SERVICES_JOB.metrics_path) throw new Error(`${t.pod}: metrics URL ${t.url} is not at ${SERVICES_JOB.metrics_path}, the services job's path`);
    return { targets: [u.host], labels: { app: t.app, pod: t.pod } };
  });
}

/**
 * The local configuration: the services' job as the cluster defines it, its targets from a file_sd
 * file instead of pod discovery; each extra target its own job, at its URL's path.
 */
export function localPrometheusConfig(opts: { scrapeIntervalSeconds: number; servicesFile: string; extra: readonly ExtraTarget[] }): Record<string, unknown> {
  const interval = `${opts.scrapeIntervalSeconds}s`;
  const jobs = new Set<string>([SERVICES_JOB.job_name]);
  const extraJobs = opts.extra.map((e) => {
    if (jobs.has(e.job)) throw new Error(`scrape job ${e.job} named twice`);
    jobs.add(e.job);
    const u = new URL(e.url);
    return {
      job_name: e.job,
      metrics_path: u.pathname,
      ...(u.search ? { params: Object.fromEntries([...u.searchParams].map(([k, v]) => [k, [v]])) } : {}),
      // Prometheus 3 fails a scrape whose Content-Type names no format it knows unless a fallback is
      // set (config field fallback_scrape_protocol); these targets are not ours, so text 0.0.4 it is.
      fallback_scrape_protocol: 'PrometheusText0.0.4',
      static_configs: [{ targets: [u.host] }],
    };
  });
  return {
    // The timeout may not exceed the interval.
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    scrape_configs: [{ ...SERVICES_JOB, file_sd_configs: [{ files: [opts.servicesFile] }] }, ...extraJobs],
  };
}

/** The stack's running service replicas, from RunningStack.resourceTargets() (those with a metrics URL). */
export function stackServiceTargets(stack: Pick<RunningStack, 'resourceTargets'>): ServiceTarget[] {
  return stack.resourceTargets().flatMap((r) => {
    const app = METRICS_TARGETS.find((m) => r.name.startsWith(`${m.app}-`))?.app;
    return r.metricsUrl === undefined || app === undefined ? [] : [{ app, pod: r.name, url: r.metricsUrl }];
  });
}

export async function startPrometheus(opts: StartPrometheusOptions): Promise<RunningPrometheus> {
  // .tools/bin first: the build pinned in tools/prometheus, not whatever version PATH has.
  const bin = findBinary('prometheus', true);
  if (!bin) throw new Error(`prometheus not found in ${TOOLS_BIN} or on PATH: run 'npm run tools' to build it from tools/prometheus`);
  const scrapeIntervalSeconds = opts.scrapeIntervalSeconds ?? LOCAL_SCRAPE_INTERVAL_SECONDS;
  mkdirSync(opts.dir, { recursive: true });
  const servicesFile = path.join(opts.dir, SERVICES_TARGETS_FILE);
  const configFile = path.join(opts.dir, 'prometheus.yml');

  let written = '';
  const refreshTargets = (): void => {
    const text = JSON.stringify(fileSdGroups(opts.services()), null, 2) + '\n';
    if (text === written) return;
    // Written whole, then renamed: Prometheus re-reads the file on change and must never see half of it.
    writeFileSync(servicesFile + '.tmp', text);
    renameSync(servicesFile + '.tmp', servicesFile);
    written = text;
  };
  refreshTargets();
  writeFileSync(configFile, '# Generated by stack/prometheus.ts for one local run.\n' + stringify(localPrometheusConfig({ scrapeIntervalSeconds, servicesFile, extra: opts.extra ?? [] })));

  const tsdb = mkdtempSync(path.join(os.tmpdir(), 'splitbench-prometheus-'));
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const proc = startProcess({
    name: 'prometheus',
    command: bin,
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${tsdb}`,
      `--web.listen-address=127.0.0.1:${port}`,
      ...(opts.remoteWriteReceiver ? ['--web.enable-remote-write-receiver'] : []),
    ],
    logFile: opts.logFile,
  });
  const removeTsdb = (): void => rmSync(tsdb, { recursive: true, force: true });
  const api = new PrometheusApi(url, 2000);
  try {
    await waitUntil(proc, async () => (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) })).status === 200, 20_000, `ready (GET /-/ready on port ${port})`);
    // Ready is not scraping yet: the scrape manager takes discovered targets in every 5 s (its
    // default). Until each target has been scraped once, a short run's first seconds would be missed.
    const expected = opts.services().length + (opts.extra ?? []).length;
    await waitUntil(proc, async () => {
      const targets = await api.targets();
      return targets.length >= expected && targets.every((t) => t.health !== 'unknown');
    }, 20_000, `scraping its ${expected} targets (GET /api/v1/targets)`);
  } catch (err) {
    await proc.stop(5000);
    removeTsdb();
    throw err;
  }
  const timer = setInterval(() => {
    try {
      refreshTargets();
    } catch {
      // A replica between states; the next second tries again.
    }
  }, 1000);
  timer.unref();
  return {
    url,
    api: new PrometheusApi(url),
    proc,
    scrapeIntervalSeconds,
    configFile,
    refreshTargets,
    stop: async () => {
      clearInterval(timer);
      // SIGTERM: Prometheus shuts down cleanly (closes the TSDB); SIGKILL only after 10 s.
      await proc.stop(10_000);
      removeTsdb();
    },
  };
}
