/**
 * The Benchmark dashboard's PromQL, answered by a real Prometheus: every Prometheus target of the built
 * dashboard (so a query defined outside PROM_QUERIES is asked too), with Grafana's $__rate_interval put
 * in as Grafana does, evaluated over a run's window; each answer's series and their labels, whether the
 * labels its legend uses are there, and whether every metric it reads exists. Queries a local run
 * cannot answer are listed below with what they need, never passed over because they came back empty.
 * The demo keeps the answers in results/<run-id>/prometheus.json (PROMETHEUS_SCHEMA).
 */
import type { AstNode, PrometheusApi, PromQueryResult } from '../stack/prometheus-api.js';
import { selectorNames } from '../stack/prometheus-api.js';
import { benchmarkDashboard } from './dashboards/benchmark.js';
import { DATASOURCES } from './datasources.js';
import { httpQuantileOverRun } from './prom-queries.js';
import { CLUSTER_METRICS, CLUSTER_ONLY, CLUSTER_SOURCES, ON_FAILURE } from './query-needs.js';

export const PROMETHEUS_SCHEMA = 'splitbench.prometheus/1';

export interface DashboardQuery {
  panel: string;
  refId: string;
  expr: string;
  legendFormat: string;
}

interface PanelLike {
  title?: string;
  targets?: { datasource?: { uid?: string }; refId?: string; expr?: string; legendFormat?: string }[];
}

/** Every Prometheus target of the built Benchmark dashboard, in panel order. */
export function dashboardQueries(dashboard: { panels?: unknown[] } = benchmarkDashboard()): DashboardQuery[] {
  return ((dashboard.panels ?? []) as PanelLike[]).flatMap((p) =>
    (p.targets ?? [])
      .filter((x) => x.datasource?.uid === DATASOURCES.prometheus.uid)
      .map((x) => ({ panel: p.title ?? '', refId: x.refId ?? '', expr: x.expr ?? '', legendFormat: x.legendFormat ?? '' })),
  );
}

/** The labels a legend format uses: `p95 {{route}}` -> route. */
export const legendLabels = (legendFormat: string): string[] => [...new Set([...legendFormat.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1]!))];

/** A duration as Go's time.Duration.String() writes it (Grafana formats $__rate_interval so): 4s, 1m30s, 1h0m0s, 500ms. */
export function goDuration(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`goDuration: ${ms} is not a whole number of ms`);
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = String((ms % 60_000) / 1000);
  return h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
}

/**
 * Grafana's $__rate_interval (pkg/promlib/models/query.go, calculateRateInterval): max(interval +
 * scrape interval, 4 × scrape interval), where interval is the query's step and the scrape interval the
 * data source's ("Scrape interval", 15 s when unset; ours: the local Prometheus's). Grafana's blog
 * post introducing it (2020-09-28, "$__rate_interval for Prometheus rate queries that just work") says the same.
 */
export const rateIntervalMs = (stepMs: number, scrapeMs: number): number => Math.max(stepMs + scrapeMs, 4 * scrapeMs);

/** The query as Grafana sends it: $__rate_interval (or ${__rate_interval}) replaced; any other variable is an error. */
export function interpolate(expr: string, stepMs: number, scrapeMs: number): string {
  const out = expr.replace(/\$__rate_interval\b|\$\{__rate_interval\}/g, goDuration(rateIntervalMs(stepMs, scrapeMs)));
  const left = /\$\{?\w+\}?/.exec(out);
  if (left) throw new Error(`query uses ${left[0]}, which this evaluation does not set: ${expr}`);
  return out;
}

/**
 * The step of a panel's range query over `rangeMs`: Grafana divides the range by the panel's data
 * points and never goes below the data source's interval. 1000 points stands for a panel's width in
 * pixels (Grafana's maxDataPoints), rounded up to whole seconds here.
 */
export const stepFor = (rangeMs: number, scrapeMs: number): number => Math.max(scrapeMs, Math.ceil(rangeMs / 1000 / 1000) * 1000);

export type QueryClass = 'local' | 'on-failure' | 'cluster-only';

export interface SeriesAnswer {
  labels: Record<string, string>;
  points: number;
  /** The last value, min and max over the window (null when every point was NaN, e.g. a quantile of no requests). */
  last: number | null;
  min: number | null;
  max: number | null;
  /** Labels the legend uses that this series lacks. */
  missingLegendLabels: string[];
}

export interface QueryAnswer extends DashboardQuery {
  /** The query as sent to Prometheus. */
  sent: string;
  legendLabels: string[];
  /** Metric names its selectors read, from Prometheus's own parser. */
  metrics: string[];
  class: QueryClass;
  /** What it needs to answer (cluster-only and on-failure queries). */
  needs?: string;
  /** Whether this run should have answered it with series. */
  expected: boolean;
  /** For an on-failure query: its evidence selector and how many series that had. */
  evidence?: { expr: string; series: number };
  resultType?: string;
  series: SeriesAnswer[];
  /** Metrics it reads that Prometheus has never seen in this run (cluster metrics excepted). */
  unknownMetrics: string[];
  error?: string;
  warnings?: string[];
  /** Why this answer is wrong, one sentence each; empty when right. */
  problems: string[];
}

export interface Window {
  /** Unix ms. */
  start: number;
  end: number;
}

const num = (v: string): number | null => {
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

function seriesOf(result: PromQueryResult, legend: string[]): SeriesAnswer[] {
  return result.result.map((s) => {
    const values = (s.values ?? (s.value ? [s.value] : [])).map(([, v]) => num(v)).filter((v): v is number => v !== null);
    const all = s.values ?? (s.value ? [s.value] : []);
    return {
      labels: s.metric,
      points: all.length,
      last: all.length > 0 ? num(all[all.length - 1]![1]) : null,
      min: values.length > 0 ? Math.min(...values) : null,
      max: values.length > 0 ? Math.max(...values) : null,
      missingLegendLabels: legend.filter((l) => !(l in s.metric)),
    };
  });
}

export interface AnswerOptions {
  api: PrometheusApi;
  window: Window;
  scrapeIntervalSeconds: number;
  queries?: DashboardQuery[];
}

export interface DashboardAnswers {
  window: Window;
  stepSeconds: number;
  rateInterval: string;
  answers: QueryAnswer[];
  /** Every metric name Prometheus held at the end (from /api/v1/label/__name__/values). */
  metricNames: number;
}

/** Asks Prometheus every dashboard query over the window; problems come back as data, per query. */
export async function answerDashboard(opts: AnswerOptions): Promise<DashboardAnswers> {
  const scrapeMs = opts.scrapeIntervalSeconds * 1000;
  const stepMs = stepFor(opts.window.end - opts.window.start, scrapeMs);
  const [start, end, step] = [opts.window.start / 1000, opts.window.end / 1000, stepMs / 1000];
  const known = new Set(await opts.api.labelValues('__name__'));
  const clusterOnly = new Map(CLUSTER_ONLY.map((c) => [c.query.expr, c.needs]));
  const onFailure = new Map(ON_FAILURE.map((f) => [f.query.expr, f]));
  const answers: QueryAnswer[] = [];
  for (const q of opts.queries ?? dashboardQueries()) {
    const legend = legendLabels(q.legendFormat);
    const base = { ...q, legendLabels: legend, series: [] as SeriesAnswer[], problems: [] as string[] };
    let sent = q.expr;
    let metrics: string[] = [];
    try {
      sent = interpolate(q.expr, stepMs, scrapeMs);
      metrics = selectorNames((await opts.api.parse(sent)) as AstNode);
    } catch (err) {
      answers.push({ ...base, sent, metrics, class: 'local', expected: true, unknownMetrics: [], error: (err as Error).message, problems: [`cannot be sent: ${(err as Error).message}`] });
      continue;
    }
    const cluster = clusterOnly.get(q.expr);
    const failure = onFailure.get(q.expr);
    const cls: QueryClass = cluster ? 'cluster-only' : failure ? 'on-failure' : 'local';
    let expected = cls === 'local';
    let evidence: QueryAnswer['evidence'];
    if (failure) {
      const ev = await opts.api.queryRange(failure.evidence, start, end, step);
      evidence = { expr: failure.evidence, series: ev.result.length };
      expected = ev.result.length > 0;
    }
    const answer: QueryAnswer = {
      ...base,
      sent,
      metrics,
      class: cls,
      ...(cluster ? { needs: `${cluster}: ${CLUSTER_SOURCES[cluster]}` } : failure ? { needs: failure.needs } : {}),
      expected,
      ...(evidence ? { evidence } : {}),
      unknownMetrics: metrics.filter((m) => !known.has(m) && !(m in CLUSTER_METRICS)),
    };
    try {
      const result = await opts.api.queryRange(sent, start, end, step);
      answer.resultType = result.resultType;
      answer.series = seriesOf(result, legend);
      if (result.warnings.length > 0) answer.warnings = result.warnings;
    } catch (err) {
      answer.error = (err as Error).message;
    }
    answers.push({ ...answer, problems: problemsOf(answer) });
  }
  return { window: opts.window, stepSeconds: step, rateInterval: goDuration(rateIntervalMs(stepMs, scrapeMs)), answers, metricNames: known.size };
}

/** What is wrong with an answer, one sentence each. */
export function problemsOf(a: Omit<QueryAnswer, 'problems'>): string[] {
  const out: string[] = [];
  if (a.error !== undefined) out.push(`Prometheus answered an error: ${a.error}`);
  if (a.class === 'cluster-only') {
    // Read nothing but cluster metrics, or the classification above is wrong.
    const local = a.metrics.filter((m) => !(m in CLUSTER_METRICS));
    if (local.length > 0) out.push(`listed as cluster-only but reads ${local.join(', ')}, which is not a cluster metric`);
    return out;
  }
  if (a.unknownMetrics.length > 0) out.push(`reads ${a.unknownMetrics.join(', ')}, which nothing exported to this Prometheus`);
  if (a.expected && a.error === undefined && a.series.length === 0) out.push(`returned no series${a.evidence ? ` although ${a.evidence.expr} had ${a.evidence.series}` : ''}`);
  const missing = a.series.filter((s) => s.missingLegendLabels.length > 0);
  if (missing.length > 0) out.push(`${missing.length} of ${a.series.length} series lack the legend's label(s) ${[...new Set(missing.flatMap((s) => s.missingLegendLabels))].join(', ')}`);
  return out;
}

/** The services' own latency per route over the run, ms, from their histograms (histogram_quantile of the buckets' increase). */
export interface ServiceLatency {
  /** The queries, by percentile. */
  exprs: Record<'p50' | 'p95' | 'p99', string>;
  /** Evaluated at the window's end over the whole window. */
  at: number;
  rangeSeconds: number;
  routes: Record<string, { p50: number | null; p95: number | null; p99: number | null }>;
}

const PERCENTILES = { p50: 0.5, p95: 0.95, p99: 0.99 } as const;

export async function serviceLatencyOverRun(api: PrometheusApi, window: Window): Promise<ServiceLatency> {
  const rangeSeconds = Math.max(1, Math.round((window.end - window.start) / 1000));
  const exprs = Object.fromEntries(Object.entries(PERCENTILES).map(([p, qn]) => [p, httpQuantileOverRun(qn, rangeSeconds)])) as ServiceLatency['exprs'];
  const routes: ServiceLatency['routes'] = {};
  for (const [p, expr] of Object.entries(exprs) as [keyof ServiceLatency['exprs'], string][]) {
    for (const s of (await api.query(expr, window.end / 1000)).result) {
      const route = s.metric.route ?? '(no route label)';
      routes[route] ??= { p50: null, p95: null, p99: null };
      const v = s.value ? num(s.value[1]) : null;
      routes[route][p] = v === null ? null : v * 1000;
    }
  }
  return { exprs, at: window.end, rangeSeconds, routes };
}
