// The pure parts of asking Prometheus the dashboard's queries: Grafana's $__rate_interval, the legend's
// labels, which queries a local run cannot answer, and the problems an answer can have. The answers
// themselves come from the real Prometheus in prometheus.integration.test.ts.
import t from 'tap';
import { dashboardQueries, goDuration, interpolate, legendLabels, problemsOf, rateIntervalMs, stepFor, type QueryAnswer } from './prometheus-answers.js';
import { CLUSTER_METRICS, CLUSTER_ONLY, ON_FAILURE } from './query-needs.js';

t.test("$__rate_interval as Grafana computes and writes it", async (t) => {
  // Grafana's own example (its 7.2 blog post): 15 s scrapes, a 15 s step -> max(30 s, 60 s) = 1m0s, Go's Duration.String().
  t.equal(goDuration(rateIntervalMs(15_000, 15_000)), '1m0s');
  t.equal(goDuration(rateIntervalMs(60_000, 15_000)), '1m15s', 'a wide panel: step + scrape interval');
  t.equal(goDuration(rateIntervalMs(1000, 1000)), '4s', 'the local run: 1 s scrapes, 1 s step');
  t.equal(goDuration(3_600_000), '1h0m0s');
  t.equal(goDuration(1500), '1.5s');
  t.equal(goDuration(500), '500ms');
  t.equal(interpolate('rate(x[$__rate_interval]) / rate(y[${__rate_interval}])', 1000, 1000), 'rate(x[4s]) / rate(y[4s])');
  t.throws(() => interpolate('rate(x[$__interval])', 1000, 1000), /uses \$__interval/, 'a variable it does not set is an error, not sent as is');
  t.equal(stepFor(60_000, 1000), 1000, 'a minute at 1 s steps');
  t.equal(stepFor(3_600_000, 1000), 4000, 'an hour: 1000 points, whole seconds');
});

t.test('the labels a legend uses', async (t) => {
  t.same(legendLabels('p95 {{route}}'), ['route']);
  t.same(legendLabels('{{store}} {{ operation }} {{store}}'), ['store', 'operation']);
  t.same(legendLabels('k6 http_req_failed'), []);
});

t.test('the lists of what a local run cannot answer name dashboard queries, and cluster-only ones read only cluster metrics', async (t) => {
  const exprs = new Set(dashboardQueries().map((q) => q.expr));
  for (const c of CLUSTER_ONLY) t.ok(exprs.has(c.query.expr), `cluster-only ${c.query.refId} is on the dashboard`);
  for (const f of ON_FAILURE) t.ok(exprs.has(f.query.expr), `on-failure ${f.query.refId} is on the dashboard`);
  t.ok(dashboardQueries().some((q) => q.panel.startsWith('Observed split') && q.refId === 'D'), 'a query built outside PROM_QUERIES (the configured weight) is asked too');
  for (const c of CLUSTER_ONLY) {
    const names = Object.keys(CLUSTER_METRICS).filter((m) => c.query.expr.includes(m));
    t.ok(names.length > 0 && names.every((m) => CLUSTER_METRICS[m] === c.needs), `${c.query.expr} reads ${names.join(', ')} (${c.needs})`);
  }
});

const answer = (over: Partial<QueryAnswer>): Omit<QueryAnswer, 'problems'> => ({
  panel: 'p', refId: 'A', expr: 'x', legendFormat: '{{route}}', sent: 'x', legendLabels: ['route'], metrics: ['x'], class: 'local', expected: true, series: [], unknownMetrics: [], ...over,
});
const series = (labels: Record<string, string>, missing: string[] = []) => ({ labels, points: 3, last: 1, min: 0, max: 1, missingLegendLabels: missing });

t.test('what makes an answer wrong', async (t) => {
  t.same(problemsOf(answer({ series: [series({ route: 'grpc' })] })), [], 'series with the legend label: right');
  t.match(problemsOf(answer({})), [/returned no series/], 'a local query with nothing');
  t.match(problemsOf(answer({ series: [series({ route: 'grpc' }), series({}, ['route'])] })), [/1 of 2 series lack the legend's label\(s\) route/]);
  t.match(problemsOf(answer({ unknownMetrics: ['x'], series: [series({ route: 'a' })] })), [/reads x, which nothing exported/]);
  t.match(problemsOf(answer({ error: 'bad_data', series: [] })), [/answered an error: bad_data/]);
  t.same(problemsOf(answer({ class: 'on-failure', expected: false, evidence: { expr: 'e', series: 0 } })), [], 'no failure, no series: right');
  t.match(problemsOf(answer({ class: 'on-failure', expected: true, evidence: { expr: 'e', series: 2 } })), [/no series although e had 2/]);
  t.same(problemsOf(answer({ class: 'cluster-only', expected: false, metrics: ['kube_deployment_status_replicas'] })), []);
  t.match(problemsOf(answer({ class: 'cluster-only', expected: false, metrics: ['splitbench_records_total'] })), [/listed as cluster-only but reads splitbench_records_total/]);
});
