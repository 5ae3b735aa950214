/**
 * What the run's Prometheus answered (prometheus.json, demo/prometheus-run.ts, schema
 * splitbench.prometheus/1): the services' own latency per route over the run beside k6's (summary.json),
 * and every Benchmark dashboard query with how many series came back. Read field by field.
 */
import { LATENCY_BUCKETS } from '../../contract/metrics.js';
import type { DemoSummary } from '../../demo/summary.js';
import { PROMETHEUS_SCHEMA } from '../../grafana/prometheus-answers.js';
import { esc, fixed, table, type Cell } from '../html.js';
import { section } from '../section.js';
import { reader } from './inputs.js';
import { checkSummary, SUMMARY_FILE } from './verdict.js';

const PERCENTILES = ['p50', 'p95', 'p99'] as const;
type Figures = Record<(typeof PERCENTILES)[number], number | null>;

export interface PrometheusData {
  version: string;
  scrapeIntervalSeconds: number;
  rateInterval: string;
  rangeSeconds: number;
  services: Record<string, Figures>;
  answers: { panel: string; refId: string; class: string; series: number; needs: string | null; problems: string[] }[];
  /** k6's figures per route, from summary.json (absent when it is). */
  k6: DemoSummary['routes'] | undefined;
}

export function parsePrometheus(json: unknown, source: string): Omit<PrometheusData, 'k6'> {
  const r = reader(source);
  const o = r.obj(json, 'the document');
  r.schema(o, PROMETHEUS_SCHEMA);
  const latency = r.obj(o.serviceLatency, 'serviceLatency');
  const services: Record<string, Figures> = {};
  for (const [route, raw] of Object.entries(r.obj(latency.routes, 'serviceLatency.routes'))) {
    const x = r.obj(raw, `serviceLatency.routes.${route}`);
    services[route] = { p50: r.numOrNull(x.p50, `${route}.p50`), p95: r.numOrNull(x.p95, `${route}.p95`), p99: r.numOrNull(x.p99, `${route}.p99`) };
  }
  const answers = r.arr(o.answers, 'answers').map((raw, i) => {
    const at = `answers[${i}]`;
    const a = r.obj(raw, at);
    return {
      panel: r.str(a.panel, `${at}.panel`),
      refId: r.str(a.refId, `${at}.refId`),
      class: r.str(a.class, `${at}.class`),
      series: r.arr(a.series, `${at}.series`).length,
      needs: a.needs === undefined ? null : r.str(a.needs, `${at}.needs`),
      problems: r.arr(a.problems, `${at}.problems`).map((p, j) => r.str(p, `${at}.problems[${j}]`)),
    };
  });
  return {
    version: r.str(o.version, 'version'),
    scrapeIntervalSeconds: r.num(o.scrapeIntervalSeconds, 'scrapeIntervalSeconds'),
    rateInterval: r.str(o.rateInterval, 'rateInterval'),
    rangeSeconds: r.num(latency.rangeSeconds, 'serviceLatency.rangeSeconds'),
    services,
    answers,
  };
}

const diff = (k6: number | null | undefined, svc: number | null | undefined): string | null => (k6 === null || k6 === undefined || svc === null || svc === undefined ? null : (k6 - svc).toFixed(1));

export default section<PrometheusData>({
  id: 'prometheus',
  title: "Prometheus: the services' latency and the dashboard's answers",
  load: (run) => {
    const p = run.json('prometheus.json', parsePrometheus);
    return p && { ...p, k6: run.json(SUMMARY_FILE, checkSummary)?.routes };
  },
  render(d) {
    const routes = [...new Set([...Object.keys(d.k6 ?? {}), ...Object.keys(d.services)])].sort();
    const latency = table(
      ['route', ...PERCENTILES.flatMap((p) => [`${p} k6 ms`, `${p} services ms`, 'difference'])],
      routes.map((route) => {
        const k = d.k6?.[route as keyof DemoSummary['routes']];
        const s = d.services[route];
        return [route, ...PERCENTILES.flatMap((p): Cell[] => [fixed(k?.[p]), fixed(s?.[p]), diff(k?.[p], s?.[p])])];
      }),
    );
    const cls = (a: PrometheusData['answers'][number]): Cell => (a.problems.length > 0 ? { html: `<span class="bad">${esc(a.problems.join('; '))}</span>` } : a.needs);
    const answers = table(
      ['panel', 'query', 'kind', 'series', 'needs / problems'],
      d.answers.map((a) => [a.panel, a.refId, a.class, a.series, cls(a)]),
    );
    const wrong = d.answers.filter((a) => a.problems.length > 0).length;
    return {
      html:
        `<p>Prometheus ${esc(d.version)} scraped every service replica every ${d.scrapeIntervalSeconds} s during the run, and k6 pushed its own metrics to it. ` +
        `k6 times each request from its first attempt to its final answer (retries included); each service times each request it answers. ` +
        `The difference is the network, the ingress (the proxy) and k6's retries. The services' figures are <code>histogram_quantile</code> over the ` +
        `${d.rangeSeconds} s of the run, interpolated inside the histogram's buckets (bounds ${esc(LATENCY_BUCKETS.map((b) => b * 1000).join(', '))} ms): ` +
        `as fine as the bucket a figure falls in.</p>` +
        latency +
        `<h3>The Benchmark dashboard's queries</h3><p>Each query of the dashboard, asked over the run as Grafana would ask it ($__rate_interval = ${esc(d.rateInterval)}): ` +
        `${d.answers.length} queries, ${d.answers.filter((a) => a.series > 0).length} answered with series, ` +
        `${wrong === 0 ? 'none answered wrongly' : `<span class="bad">${wrong} answered wrongly</span>`}. Cluster-only queries need what only the cluster runs.</p>` +
        answers,
      charts: [],
    };
  },
});
