// Every section of the run report on a literal run folder: summary.json built by the demo's own
// buildSummary, timeseries.json by timeseries/'s own aggregation of literal samples, and the files
// whose producers come later (faults.json, replicas.json, cost.json, capacity.json) in the shapes the
// sections document. Then the page of it in headless Chromium (fault windows, replica steps).
import t from 'tap';
import type { CapacityReport } from '../capacity/report.js';
import { costReport, type CostReport } from '../cost/cost.js';
import { fitOf as fitOfPoints, knots } from '../cost/curve.js';
import { buildCurves, type CostWindow } from '../cost/curves.js';
import { FAULTS_SCHEMA, type FaultOutcome } from '../faults/analysis.js';
import { REPLICAS_SCHEMA, type ReplicaTimeline } from '../stack/replica-timeline.js';
import type { Test } from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TIMESERIES_FILES } from '../contract/timeseries.js';
import { buildSummary } from '../demo/summary.js';
import { k6SummaryFixture } from '../reconcile/k6-summary-fixture.js';
import { splitTest } from '../reconcile/split-test.js';
import { SeriesBuilder } from '../timeseries/aggregate.js';
import type { RouteSample } from '../timeseries/k6-csv.js';
import type { PrometheusRecord } from '../demo/prometheus-run.js';
import { PROMETHEUS_SCHEMA } from '../grafana/prometheus-answers.js';
import { hasChromium, launch, openPage } from './browser.js';
import { buildReport, writeReport } from './build.js';
import { renderPage } from './page.js';
import { scatterColumns } from './sections/cost-curve.js';
import { splitOverTime } from './sections/split.js';

const T0 = 1795786469000;
const RUN = 'demo-fixture';

function samples(): RouteSample[] {
  const out: RouteSample[] = [];
  for (let s = 0; s < 20; s++) {
    for (let i = 0; i < 10; i++) {
      const route = i % 2 ? 'grpc' : 'redis'; // 5 grpc, 5 redis per second
      const t = T0 + s * 1000 + i * 90;
      const failed = route === 'redis' && s >= 5 && s < 8 && i < 6; // 3 errors a second during the fault
      const base = { t, route, status: '' };
      out.push({ ...base, metric: 'route_reqs', value: 1 }, { ...base, metric: 'route_req_duration', value: 5 + s + i }, { ...base, metric: 'route_errors', value: failed ? 1 : 0 });
      out.push({ ...base, metric: 'route_attempts', value: 1, status: failed ? '503' : '201' });
      if (!failed) out.push({ ...base, metric: 'route_acks', value: 1 });
      if (failed) out.push({ ...base, metric: 'route_retries', value: 1 });
    }
  }
  return out;
}

function fixtureRun(t: Test, extra: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-report-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const b = new SeriesBuilder();
  for (const s of samples()) b.add(s);
  const ts = b.build({ file: 'literal', rows: 0, routeRows: 0, skipped: 0 });
  writeFileSync(path.join(dir, TIMESERIES_FILES.series), JSON.stringify(ts));
  const k6 = k6SummaryFixture(RUN, { grpc: { requests: ts.totals.grpc!.requests, acknowledged: ts.totals.grpc!.acks }, redis: { requests: ts.totals.redis!.requests, acknowledged: ts.totals.redis!.acks } });
  const summary = buildSummary({
    runId: RUN,
    settings: { rate: 10, weights: { grpc: 0.5, redis: 0.5 } },
    k6: { exitCode: 0, summary: k6 },
    reconcile: undefined,
    crashed: [],
    checkErrors: [{ what: 'reconciliation', message: 'a <b>store</b> was down' }],
    interrupted: false,
    environment: { gitSha: 'abc', gitDirty: false, node: 'v20', k6: 'v2.2.0', redis: '7', mongo: 'ferretdb', os: 'linux', cpus: 2, cpuModel: 'x', memoryGiB: 24 },
    files: {},
  });
  summary.split = { ...splitTest({ grpc: ts.totals.grpc!.requests, redis: ts.totals.redis!.requests }, { grpc: 1, redis: 1 }), source: 'k6' };
  writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(summary));
  for (const [file, json] of Object.entries(extra)) writeFileSync(path.join(dir, file), typeof json === 'string' ? json : JSON.stringify(json));
  return dir;
}

// As the producers write them, typed by their own definitions: faults/analysis.ts (the demo writes its
// analysis without findings), stack/autoscaling.ts and cost/cost.ts.
const fault: FaultOutcome = {
  index: 0, at: 5, target: 'redis', action: 'kill', duration: 0, process: 'redis<script>', startedAt: T0 + 5000, endedAt: T0 + 8000, pidBefore: 1, pidAfter: 2,
  disruptionEnd: T0 + 5000, recoveredAt: { redis: T0 + 9200, grpc: null }, recoveryMs: { redis: 4200, grpc: null },
  settledAt: { redis: T0 + 9300, grpc: null }, settleMs: { redis: 4300, grpc: null }, recovered: false,
};
const FAULTS = { schema: FAULTS_SCHEMA, boundMs: 15_000, faults: [fault], windows: [{ start: T0 + 5000, end: T0 + 9500 }] };
// Shaped as a run under the real controller writes it (stack/autoscaling.ts); the events' texts are the controller's.
const REPLICAS: ReplicaTimeline = {
  schema: REPLICAS_SCHEMA,
  controller: {
    versions: { 'kube-controller-manager': 'Kubernetes v1.36.3' },
    flags: ['kube-controller-manager --horizontal-pod-autoscaler-sync-period=15s', 'metrics-server --metric-resolution=15s'],
    settings: { hpaSyncPeriodSeconds: 15, metricResolutionSeconds: 15 },
    feedPeriodMs: 5000,
    cpuWindowMs: 15_000,
    startSeconds: 12.8,
    buildSeconds: null,
  },
  hpas: [{ name: 'grpc-client', deployment: 'grpc-client', minReplicas: 1, maxReplicas: 3, targetCpuUtilizationPercent: 10, behavior: null }],
  series: [{ t: T0, replicas: { 'grpc-client': 1, 'redis-writer': 1 } }, { t: T0 + 9000, replicas: { 'grpc-client': 2, 'redis-writer': 1 } }],
  desired: [{ t: T0 + 8600, deployment: 'grpc-client', replicas: 2 }],
  changes: [{ t: T0 + 9000, deployment: 'grpc-client', from: 1, to: 2, doneAt: T0 + 11_500 }],
  events: [
    { t: T0 - 50_000, hpa: 'grpc-client', type: 'Warning', reason: 'FailedGetResourceMetric', message: 'failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API', count: 1 },
    { t: T0 - 50_000, hpa: 'grpc-client', type: 'Warning', reason: 'FailedComputeMetricsReplicas', message: 'invalid metrics (1 invalid out of 1)', count: 1 },
    { t: T0 - 20_000, hpa: 'grpc-client', type: 'Warning', reason: 'FailedGetResourceMetric', message: 'failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API', count: 3 },
    { t: T0 + 8000, hpa: 'grpc-client', type: 'Normal', reason: 'SuccessfulRescale', message: 'New size: 2; reason: cpu resource utilization (percentage of request) above target', count: 1 },
  ],
  status: [],
  cpu: [],
  apiErrors: { count: 0, first: [] },
};
const COST: CostReport = costReport(
  [
    { process: 'grpc-client-1', cpuMs: 400, peakRssBytes: 80 * 2 ** 20, samples: 3 },
    { process: 'ingress', cpuMs: 300, peakRssBytes: 60 * 2 ** 20, samples: 3 },
  ],
  { from: T0, to: T0 + 10_000 },
  { grpc: 100, redis: 94 },
  { grpc: 100, redis: 94 },
);
// As capacity/report.ts's capacityReport writes it, trimmed to one trial per target.
const trial = { index: 0, rateRps: 300, purpose: 'confirm' as const, result: { offeredRps: 300, achievedRps: 298, requests: 2980, p50Ms: 4, p95Ms: 30, p99Ms: 80, errorRate: 0, droppedIterations: 0 }, verdict: { pass: true, violations: [] } };
const CAPACITY: CapacityReport = {
  schema: 'splitbench.capacity/1',
  startedAt: new Date(T0).toISOString(),
  slo: { p99BelowMs: 100, maxErrorRate: 0.001, maxDroppedIterations: 0 },
  search: { startRps: 100, minRps: 10, maxRps: 300, growthFactor: 2, precision: 0.05, maxTrials: 20, trialDurationS: 20 },
  targets: [
    { name: 'grpc', replicas: 1, result: { outcome: { kind: 'reachedMaxRate', maxRps: 300 }, capacityRps: 300, confirmed: true, atCapacity: trial.result, bracket: { passRps: 300, failRps: null }, contradictions: [], trials: [trial, trial] } },
    { name: 'redis', replicas: 1, result: { outcome: { kind: 'neverMetSlo', minRps: 10, violations: [] }, capacityRps: null, confirmed: false, atCapacity: null, bracket: { passRps: null, failRps: 10 }, contradictions: [], trials: [] } },
  ],
};

// As npm run capacity writes it: buildCurves over an idle window and trials of route A, route B and the
// split (one replica), with a repeat at 400 req/s; k6 measured in two windows only (two rates: no uncertainty).
const cpu = (grpc: number, redis: number, k6?: number): Record<string, number> => ({
  'grpc-client': 8 + 2.2 * grpc ** 0.9, 'grpc-server': 8 + 1.6 * grpc ** 0.9, 'redis-writer': 13 + 2 * redis ** 0.9, redis: 2 + 0.2 * redis,
  mongo: 2 + 0.9 * (grpc + redis), ingress: 10 + 0.5 * (grpc + redis), ...(k6 === undefined ? {} : { k6 }),
});
const window = (source: CostWindow['source'], grpc: number, redis: number, k6?: number): CostWindow => ({ source, windowS: source === 'idle' ? 30 : 15, replicas: 1, routeRps: { grpc, redis }, cpuMsPerS: cpu(grpc, redis, k6) });
const CURVES = buildCurves(
  [window('idle', 0, 0, 3), window('trial', 100, 0, 90), window('trial', 200, 0), window('trial', 399.8, 0), window('trial', 400.1, 0), window('trial', 0, 150), window('trial', 0, 300), window('trial', 200, 200)],
  'results/capacity-fixture',
);

t.test('every section, in order, from its own file', async (t) => {
  const dir = fixtureRun(t, { 'faults.json': FAULTS, 'replicas.json': REPLICAS, 'cost.json': COST, 'capacity.json': CAPACITY, 'cost-curve.json': CURVES });
  const r = buildReport(dir);
  t.same(r.sections, ['verdict', 'latency', 'throughput', 'split', 'faults', 'replicas', 'cost', 'capacity', 'cost-curve', 'files'], 'reconciliation left out: no reconcile.json');
  t.same(r.problems, []);
  t.same(r.charts.map((c) => c.id), ['chart-latency-p99', 'chart-latency-p95', 'chart-latency-p50', 'chart-throughput', 'chart-errors', 'chart-split', 'chart-replicas', 'chart-cost-curve-cpu', 'chart-cost-curve-per-request']);
  const html = r.html;
  t.notMatch(html, /<script[^>]+src=|<link[^>]+href=|<img|@import|url\(http/, 'nothing loaded from outside the file');
  t.match(html, /redis&lt;script&gt;/, 'text from the files is escaped');
  t.notMatch(html, /a <b>store<\/b>/, 'reasons are escaped');
  t.match(html, /<td class="num">4\.2<\/td>/, 'redis recovered 4.2 s after the disruption ended');
  t.match(html, /class="bad">not recovered</, 'grpc: not recovered');
  t.match(html, /<td class="num">4\.3<\/td>/, 'redis settled 4.3 s after the disruption ended');
  t.match(html, /class="bad">not settled</, 'grpc: not settled');
  t.match(html, /<td>9 \/ 9<\/td>/, 'redis errors / retries in the fault window: 3 seconds x 3');
  t.match(html, />≥ 300</, 'capacity reached the max rate: a lower bound');
  t.match(html, /none met the SLO/);
  t.match(html, /4\.00<\/span><\/td>/, 'CPU ms per ack of grpc-client');
  t.match(html, /These figures hold at 19\.4 req\/s achieved \(acknowledged, over 10 s\), 1 replica of each service\./, 'the cost figures say their rate: 194 acks in 10 s');
  const data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]!) as { marks: { start: number; end: number; label: string }[] };
  t.same(data.marks, [{ start: T0 + 5000, end: T0 + 9500, label: 'kill redis<script>' }], 'the fault window (until its backlog drained), marked for every time chart');
  const replicas = r.charts.find((c) => c.id === 'chart-replicas')!;
  t.same(replicas.x, [T0 / 1000, T0 / 1000 + 9, T0 / 1000 + 19], 'change times and the run\'s last second');
  t.same(replicas.series.map((s) => s.values), [[1, 2, 2], [1, 1, 1]], 'replicas carried forward to each of them');
  t.match(html, /<td class="num">8\.0<\/td><td>HPA grpc-client<\/td><td>Normal<\/td><td>SuccessfulRescale<\/td><td>New size: 2; reason: cpu resource utilization \(percentage of request\) above target<\/td>/, "the controller's rescale, 8 s into the load");
  t.match(html, /<td class="num">9\.0<\/td><td>local grpc-client<\/td><td>local<\/td><td>1 -&gt; 2 processes<\/td><td>done in 2\.5 s<\/td>/, 'the local processes following it');
  t.match(html, /<td class="num">-50\.0<\/td><td>HPA grpc-client<\/td><td class="bad">Warning<\/td><td>FailedGetResourceMetric<\/td><td>[^<]+ \(x3, the last at -20\.0 s\)<\/td>/, 'a warning before the load, its repeats folded into one row');
  t.equal(html.match(/FailedGetResourceMetric/g)?.length, 1, 'one row for them, though another warning came between');
  t.match(html, /Set for this run: kube-controller-manager --horizontal-pod-autoscaler-sync-period=15s, metrics-server --metric-resolution=15s/);
});

// As demo/prometheus-run.ts writes it, trimmed to three answers: one right, one cluster-only, one wrong.
const answerOf = (panel: string, refId: string, over: Partial<PrometheusRecord['answers'][number]>): PrometheusRecord['answers'][number] => ({
  panel, refId, expr: 'x', legendFormat: '{{route}}', sent: 'x', legendLabels: ['route'], metrics: ['x'], class: 'local', expected: true, series: [], unknownMetrics: [], problems: [], ...over,
});
const seriesOf = (route: string) => ({ labels: { route }, points: 10, last: 1, min: 0, max: 2, missingLegendLabels: [] });
const PROMETHEUS: PrometheusRecord = {
  schema: PROMETHEUS_SCHEMA, version: '3.16.0', scrapeIntervalSeconds: 1, targets: [], window: { start: T0, end: T0 + 20_000 }, stepSeconds: 1, rateInterval: '4s', metricNames: 120,
  answers: [
    answerOf('Request rate per route (services)', 'A', { series: [seriesOf('grpc'), seriesOf('redis')] }),
    answerOf('Replicas per Deployment', 'A', { class: 'cluster-only', expected: false, needs: 'kube-state-metrics: only in the cluster' }),
    answerOf('Event loop lag p99', 'A', { problems: ['returned <no> series'] }),
  ],
  serviceLatency: { exprs: { p50: 'a', p95: 'b', p99: 'c' }, at: T0 + 20_000, rangeSeconds: 21, routes: { grpc: { p50: 0.5, p95: 1.25, p99: 2.5 }, redis: { p50: 0.75, p95: null, p99: 2.75 } } },
};

t.test("Prometheus's answers: the services' latency beside k6's, and every dashboard query", async (t) => {
  const r = buildReport(fixtureRun(t, { 'prometheus.json': PROMETHEUS }));
  t.same(r.sections.slice(0, 3), ['verdict', 'latency', 'prometheus'], 'after the latency over time');
  t.same(r.problems, []);
  const section = /<section id="prometheus">(.*?)<\/section>/s.exec(r.html)?.[1] ?? '';
  // k6's fixture figures are 1, 2 and 3 ms per route (reconcile/k6-summary-fixture.ts).
  t.match(section, /<td>grpc<\/td><td class="num">1\.0<\/td><td class="num">0\.5<\/td><td class="num">0\.5<\/td><td class="num">2\.0<\/td><td class="num">1\.3<\/td><td class="num">0\.8<\/td>/, 'grpc: k6, services, difference');
  t.match(section, /<td>redis<\/td><td class="num">1\.0<\/td><td class="num">0\.8<\/td><td class="num">0\.3<\/td><td class="num">2\.0<\/td><td>-<\/td><td>-<\/td>/, 'no services figure: no difference');
  t.match(section, /3 queries, 1 answered with series, <span class="bad">1 answered wrongly<\/span>/);
  t.match(section, /kube-state-metrics: only in the cluster/);
  t.match(section, /<span class="bad">returned &lt;no&gt; series<\/span>/, 'the problem shown, escaped');
  const bad = buildReport(fixtureRun(t, { 'prometheus.json': { ...PROMETHEUS, serviceLatency: { ...PROMETHEUS.serviceLatency, routes: { grpc: { p50: 'fast' } } } } }));
  t.match(bad.problems, [{ file: 'prometheus.json', message: /grpc\.p50 must be a number or null/ }]);
  t.notOk(bad.sections.includes('prometheus'));
});

t.test('the cost curves: a line per process through its rates, its points marked, its uncertainty in the legend and the table', async (t) => {
  const r = buildReport(fixtureRun(t, { 'cost-curve.json': CURVES }));
  t.same(r.problems, []);
  const [cpuChart, perReq] = [r.charts.find((c) => c.id === 'chart-cost-curve-cpu')!, r.charts.find((c) => c.id === 'chart-cost-curve-per-request')!];
  t.match(cpuChart, { xTime: false, xLabel: 'req/s per replica', yLabel: 'CPU ms/s per replica' });
  t.same([...cpuChart.x].sort((a, b) => a - b), cpuChart.x, 'x sorted, as uPlot needs');
  const fitOf = (p: string) => CURVES.processes.find((c) => c.process === p)!.fit;
  const u = (p: string): string => `±${(fitOf(p).uncertainty! * 100).toFixed(0)}%`;
  t.ok(fitOf('grpc-client').uncertainty! > 0, `grpc-client: an uncertainty measured (${fitOf('grpc-client').uncertainty})`);
  const lines = cpuChart.series.filter((s) => !s.markers);
  t.same(lines.map((s) => s.label), CURVES.processes.map((c) => (c.process === 'k6' ? 'k6 ± unknown (2 rates)' : `${c.process} ${u(c.process)}`)), 'one line per process, its uncertainty in the legend');
  const series = (label: string) => cpuChart.series.find((s) => s.label === label)!;
  const at = (label: string) => cpuChart.x.flatMap((x, i) => (series(label).values[i] === null ? [] : [[x, series(label).values[i], series(label).markers?.[i] ?? null]]));
  const gc = CURVES.processes.find((c) => c.process === 'grpc-client')!;
  // grpc-client served route A in four trials and the split (x 0, 100, 200, ~400 twice) and sat idle.
  t.same(at('grpc-client measured'), gc.points.map((p) => [p.rps, p.cpuMsPerS, p.source === 'idle' ? 'square' : 'dot']), 'every measured point marked: the idle one a square, trials dots');
  const line = at(`grpc-client ${u('grpc-client')}`);
  t.same(line.map((p) => [p[0], p[1]]), knots(gc.points).map((k) => [k.rps, k.cpuMsPerS]), 'the line through the curve\'s knots (as npm run cost reads it)');
  t.equal(line.length, 4, 'the repeats at ~400 averaged into one');
  t.ok(lines.every((s) => s.spanGaps), 'lines join across the other processes\' x');
  t.notOk(at('redis-writer measured').some((p) => p[0] === 100), "route A's trials are no point of route B's processes");
  const perReqAt = (label: string) => perReq.x.flatMap((x, i) => (perReq.series.find((s) => s.label === label)!.values[i] === null ? [] : [[x, perReq.series.find((s) => s.label === label)!.values[i]]]));
  t.same(perReqAt('grpc-client measured'), gc.points.filter((p) => p.rps > 0).map((p) => [p.rps, p.cpuMsPerS / p.rps]), 'CPU per request: each trial\'s CPU over its rate; the idle point has none');
  t.ok(perReqAt('grpc-client measured')[0]![1]! > perReqAt('grpc-client measured').at(-1)![1]!, 'and it falls as the rate rises');
  const html = r.html;
  t.match(html, /<section id="cost-curve"><h2>CPU against the rate<\/h2>/);
  t.match(html, /From results\/capacity-fixture:/);
  const row = (p: string): string => new RegExp(`<tr><td><span[^>]*>■</span> ${p}</td>(.*?)</tr>`).exec(html)![1]!;
  t.match(row('grpc-client'), new RegExp(`<td class="num">4</td><td>100 \\.\\. 400</td><td class="num">8\\.0</td>.*<td>${u('grpc-client')}</td>.*<td>1 core</td><td>\\d+ \\(extrapolated\\)</td>`), 'grpc-client: 4 rates, idle 8 ms/s, its uncertainty, one core reached beyond the measured rates');
  t.match(row('mongo'), /<td>the machine&#39;s<\/td><td>-<\/td>/, 'MongoDB-wire: only the machine bounds it');
  t.match(row('k6'), /<td>± unknown \(2 rates\)<\/td><td>-<\/td><td>-<\/td>/, 'two rates: no leave-one-out, no repeats, uncertainty unknown');
  const idleOnly = gc.points.filter((p) => p.source === 'idle');
  const single = buildReport(fixtureRun(t, { 'cost-curve.json': { ...CURVES, processes: [{ ...gc, points: idleOnly, fit: fitOfPoints(idleOnly) }] } })).html;
  t.match(single, /<td>± unknown \(1 rate\)<\/td><td>-<\/td><td>-<\/td><td>1 core<\/td><td>-<\/td>/, 'one rate: no slope, so no rate at the ceiling either');
  const bad = buildReport(fixtureRun(t, { 'cost-curve.json': { ...CURVES, processes: [{ ...gc, points: [{ ...gc.points[0], source: 'guess' }] }] } }));
  t.match(bad.problems, [{ file: 'cost-curve.json', message: /processes\[0\]\.points\[0\]\.source must be one of idle, trial, run, got "guess"/ }], 'a bad file is named, not drawn');
});

t.test('scatterColumns: one x axis for points at different x, two slots where a series repeats an x', async (t) => {
  t.same(scatterColumns([[{ x: 0, y: 1 }, { x: 2, y: 3 }], [{ x: 1, y: 5, marker: 'dot' }, { x: 1, y: 6, marker: 'dot' }]]), {
    x: [0, 1, 1, 2],
    values: [[1, null, null, 3], [null, 5, 6, null]],
    markers: [[null, null, null, null], [null, 'dot', 'dot', null]],
  });
});

t.test('capacity searched at several replica counts: a replicas column', async (t) => {
  const grpc = CAPACITY.targets[0]!;
  const scaling = { ...CAPACITY, targets: [grpc, { ...grpc, replicas: 2 }] };
  const html = buildReport(fixtureRun(t, { 'capacity.json': scaling })).html;
  t.match(html, /<th>target<\/th><th>replicas<\/th><th>capacity req\/s<\/th>/);
  t.notMatch(buildReport(fixtureRun(t, { 'capacity.json': CAPACITY })).html, /<th>replicas<\/th>/, 'one count: no column');
});

t.test("the split over time ends at the verdict's own test", async (t) => {
  const dir = fixtureRun(t, {});
  const r = buildReport(dir);
  const split = r.charts.find((c) => c.id === 'chart-split')!;
  t.ok(split, 'split chart');
  const { SECTIONS } = await import('./sections/index.js');
  const { RunFolder } = await import('./run-folder.js');
  const data = SECTIONS.find((s) => s.id === 'split')!.load(new RunFolder(dir)) as Parameters<typeof splitOverTime>[0];
  const over = splitOverTime(data);
  const final = splitTest({ grpc: 100, redis: 100 }, { grpc: 1, redis: 1 });
  t.equal(over.grpc.share.at(-1), final.observed.grpc.share);
  t.equal(over.grpc.lo.at(-1), final.observed.grpc.interval![0]);
  t.equal(over.redis.hi.at(-1), final.observed.redis.interval![1]);
  t.ok(over.grpc.hi[0]! - over.grpc.lo[0]! > over.grpc.hi.at(-1)! - over.grpc.lo.at(-1)!, 'the band narrows as requests add up');
});

t.test('a file that is there but bad: listed at the top, its section left out, the rest of the page built', async (t) => {
  const dir = fixtureRun(t, { 'faults.json': { schema: 'splitbench.faults/1', faults: [{ ...fault, startedAt: 'yesterday' }] }, 'cost.json': '{not json', 'replicas.json': { schema: 'splitbench.replicas/9' } });
  const r = buildReport(dir);
  t.same(r.problems.map((p) => p.file).sort(), ['cost.json', 'faults.json', 'replicas.json']);
  t.match(r.problems.find((p) => p.file === 'faults.json')!.message, /faults\[0\]\.startedAt must be a time/);
  t.notOk(r.sections.includes('faults'));
  t.ok(r.sections.includes('latency'), 'the other sections are still there');
  t.match(r.html, /Unreadable inputs/);
});

t.test('a run folder with nothing in it: a page, not a crash', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-report-empty-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.same(buildReport(dir).sections, ['files']);
});

t.test('the fixture page in headless Chromium: fault windows shaded, replica steps and cost curves drawn', { skip: hasChromium() ? false : 'no /usr/bin/chromium: run bash scripts/install-browser.sh' }, async (t) => {
  const dir = fixtureRun(t, { 'faults.json': FAULTS, 'replicas.json': REPLICAS, 'cost.json': COST, 'capacity.json': CAPACITY, 'cost-curve.json': CURVES });
  const { file } = writeReport(dir);
  const browser = await launch();
  t.teardown(() => browser.close());
  const seen = await openPage(browser, file);
  t.same(seen.consoleErrors, []);
  t.same(seen.requests, [`file://${file}`]);
  for (const c of seen.charts) t.ok(c.points > 0 && c.seriesPixels > 20, `${c.id}: ${c.points} points, ${c.seriesPixels} pixels`);
  // The shading is a translucent red behind the series: count reddish pixels on the p99 chart.
  const shaded = (await seen.page.evaluate(`(() => {
    const c = document.querySelector('#chart-latency-p99 canvas');
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 0 && px[i] > px[i + 1] + 15 && px[i] > px[i + 2] + 15) n++;
    return n;
  })()`)) as number;
  t.ok(shaded > 1000, `the fault window is shaded on the latency chart (${shaded} pixels)`);
  t.ok(seen.charts.some((c) => c.id === 'chart-cost-curve-cpu'), 'the cost curve chart is on the page');
  t.equal(await seen.page.locator('#chart-cost-curve-cpu .u-legend .u-series:visible', { hasText: 'grpc-client ±' }).count(), 1, "the legend names grpc-client's uncertainty; its marks' series is not listed");

  // Marks alone, on a page of their own: three points of one series in one colour, far apart. A dot of
  // radius 4 px is ~50 pixels; a line across the chart would be hundreds more.
  const marks = path.join(dir, 'marks.html');
  writeFileSync(marks, renderPage({ title: 'marks', subtitle: '', marks: [], problems: [], sections: [{ id: 'm', title: 'm', html: '<div class="chart" id="chart-marks"></div><div class="chart" id="chart-square"></div>' }], charts: [
    { id: 'chart-marks', title: 'marks', yLabel: 'y', x: [0, 50, 100], xTime: false, xLabel: 'x', series: [{ label: 'p', color: '#16a34a', values: [1, 5, 2], markers: ['dot', 'dot', 'dot'] }] },
    { id: 'chart-square', title: 'square', yLabel: 'y', x: [0, 50, 100], xTime: false, series: [{ label: 'p', color: '#16a34a', values: [1, 5, 2], markers: ['square', null, null] }] },
  ] }));
  const m = await openPage(browser, marks, { width: 1280, height: 900 });
  t.same(m.consoleErrors, []);
  const [dots, square] = m.charts;
  t.ok(dots!.seriesPixels >= 3 * 30 && dots!.seriesPixels <= 3 * 120, `three dots drawn, no line between them (${dots!.seriesPixels} pixels)`);
  t.ok(square!.seriesPixels >= 20 && square!.seriesPixels < dots!.seriesPixels, `one hollow square, the unmarked values not drawn (${square!.seriesPixels} pixels)`);
});

t.test('npm run report: rebuilds index.html of a run folder; a wrong folder is a usage error', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const { existsSync } = await import('node:fs');
  const dir = fixtureRun(t, {});
  const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'main.ts'), ...args], { encoding: 'utf8' });
  const ok = cli([dir]);
  t.equal(ok.status, 0, ok.stderr);
  t.equal(ok.stdout.trim(), path.join(dir, 'index.html'), 'prints the page it wrote');
  t.ok(existsSync(path.join(dir, 'index.html')));
  t.match(ok.stderr, /report: .*index\.html \(5 sections, 6 charts\)/, "verdict, latency, throughput, split, files");
  const bad = cli([path.join(dir, 'missing')]);
  t.equal(bad.status, 2, 'a folder that is not there: exit 2');
  t.match(bad.stderr, /is not a folder: pass a results\/<run-id>\/ folder/);
});
