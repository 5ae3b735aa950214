/**
 * Prometheus during a demo run: started beside the stack (stack/prometheus.ts), scraping the services
 * and the ingress and receiving k6's remote write; at the end, every Benchmark dashboard query is
 * answered over the measured run and kept in results/<run-id>/prometheus.json with the services' own
 * latency per route (the run report sets it beside k6's). Problems come back as data for the verdict.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { answerDashboard, PROMETHEUS_SCHEMA, serviceLatencyOverRun, type DashboardAnswers, type ServiceLatency } from '../grafana/prometheus-answers.js';
import type { PromTarget } from '../stack/prometheus-api.js';
import { stackServiceTargets, startPrometheus, type ExtraTarget, type RunningPrometheus } from '../stack/prometheus.js';
import { pause } from '../stack/process.js';
import type { RunningStack } from '../stack/stack.js';

export const PROMETHEUS_FILE = 'prometheus.json';

/** Envoy, the ingress: its counters and histograms on its admin port (/stats/prometheus), job `envoy`. */
export const ingressTargets = (stack: Pick<RunningStack, 'ingress'>): ExtraTarget[] => [{ job: 'envoy', url: stack.ingress.metricsUrl }];

/** Starts the run's Prometheus: its configuration and log in <outDir>/prometheus/, its TSDB in a temporary folder. */
export async function startRunPrometheus(stack: RunningStack, outDir: string, extra: readonly ExtraTarget[] = ingressTargets(stack)): Promise<RunningPrometheus> {
  const dir = path.join(outDir, 'prometheus');
  return startPrometheus({ dir, logFile: path.join(dir, 'prometheus.log'), services: () => stackServiceTargets(stack), extra, remoteWriteReceiver: true });
}

/** prometheus.json: what the run's Prometheus answered. */
export interface PrometheusRecord extends DashboardAnswers {
  schema: typeof PROMETHEUS_SCHEMA;
  version: string;
  scrapeIntervalSeconds: number;
  targets: Pick<PromTarget, 'scrapePool' | 'scrapeUrl' | 'health' | 'lastError'>[];
  serviceLatency: ServiceLatency;
}

export interface DashboardProblem {
  panel: string;
  refId: string;
  problem: string;
}

/**
 * Waits for a scrape after the load ended, answers every dashboard query over the load (from its start
 * to one scrape after its end) and the services' latency over it, writes prometheus.json and says what came back.
 */
export async function recordPrometheusAnswers(inp: { prometheus: RunningPrometheus; loadStartedAt: number; endedAt: number; outDir: string; say: (m: string) => void }): Promise<{ record: PrometheusRecord; problems: DashboardProblem[] }> {
  const { prometheus: p } = inp;
  const scrapeMs = p.scrapeIntervalSeconds * 1000;
  // The services' counts after the last request are in the first scrape after the load's end; k6
  // flushed its last push when it stopped.
  const window = { start: inp.loadStartedAt, end: inp.endedAt + scrapeMs };
  await pause(window.end + scrapeMs - Date.now());
  inp.say('asking Prometheus every Benchmark dashboard query over the run');
  const answers = await answerDashboard({ api: p.api, window, scrapeIntervalSeconds: p.scrapeIntervalSeconds });
  // One scrape more at the start: the last sample before the first request is the baseline of the buckets' increase.
  const serviceLatency = await serviceLatencyOverRun(p.api, { start: window.start - scrapeMs, end: window.end });
  const record: PrometheusRecord = {
    schema: PROMETHEUS_SCHEMA,
    version: await p.api.version(),
    scrapeIntervalSeconds: p.scrapeIntervalSeconds,
    targets: (await p.api.targets()).map((t) => ({ scrapePool: t.scrapePool, scrapeUrl: t.scrapeUrl, health: t.health, lastError: t.lastError })),
    ...answers,
    serviceLatency,
  };
  writeFileSync(path.join(inp.outDir, PROMETHEUS_FILE), JSON.stringify(record, null, 2) + '\n');
  const problems = answers.answers.flatMap((a) => a.problems.map((problem) => ({ panel: a.panel, refId: a.refId, problem })));
  const count = (pred: (a: DashboardAnswers['answers'][number]) => boolean): number => answers.answers.filter(pred).length;
  inp.say(
    `Prometheus ${record.version} answered ${answers.answers.length} dashboard queries: ${count((a) => a.series.length > 0)} with series, ` +
      `${count((a) => a.class === 'cluster-only')} need the cluster (kube-state-metrics, cAdvisor, Linkerd), ` +
      `${count((a) => a.class === 'on-failure' && !a.expected)} need a failure this run did not have; ` +
      (problems.length === 0 ? 'every answer has the labels its legend uses' : `${problems.length} problem(s)`) +
      ` (${PROMETHEUS_FILE})`,
  );
  return { record, problems };
}
