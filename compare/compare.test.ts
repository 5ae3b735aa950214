// Where compareRuns takes each run's totals: its summary.json as the demo writes it (demo/summary.ts's
// buildSummary on a complete k6 summary.json literal), never the time series added up again; the time
// series only for a run without a summary, said so. stats.test.ts checks the tests themselves.
import t from 'tap';
import { TIMESERIES_SCHEMA, type TimeSeries } from '../contract/timeseries.js';
import { buildSummary, type DemoSummary } from '../demo/summary.js';
import { k6SummaryFixture } from '../reconcile/k6-summary-fixture.js';
import { costReport } from '../cost/cost.js';
import { parseCost } from '../report/sections/cost.js';
import { compareRuns, UNROUTED, type ComparisonRow } from './compare.js';
import { formatComparison } from './format.js';
import type { Run } from './runs.js';

const SECONDS = 20;

/** A time series whose totals say `requests` per route and whose seconds hold `ms` each. */
function series(requests: number, ms: number): TimeSeries {
  const routes: TimeSeries['routes'] = {};
  const totals: TimeSeries['totals'] = {};
  for (const r of ['grpc', 'redis']) {
    const v = Array.from({ length: SECONDS }, (_, i) => ms + (i % 5));
    const zeros = v.map(() => 0);
    routes[r] = { requests: v.map(() => requests / SECONDS), acks: v.map(() => requests / SECONDS), errors: zeros, retries: zeros, attempts: zeros, attemptsByStatus: {}, p50: v, p95: v, p99: v, max: v };
    totals[r] = { requests, acks: requests, errors: 0, retries: 0, attempts: requests, p50: ms, p95: ms, p99: ms };
  }
  return { schema: TIMESERIES_SCHEMA, intervalMs: 1000, t: routes.grpc!.p50.map((_, i) => i), routes, totals, source: { file: 'x', rows: 0, routeRows: 0, skipped: 0 } };
}

/** summary.json of a run with these per-route counts (and `unrouted` answers without a route). */
function summary(runId: string, grpc: { requests: number; acknowledged: number; p99: number }, redis: { requests: number; acknowledged: number; p99: number }, unrouted = 0): DemoSummary {
  const k6 = k6SummaryFixture(runId, { grpc, redis }, { unrouted, requests: grpc.requests + redis.requests + unrouted });
  return buildSummary({ runId, settings: {}, k6: { exitCode: 0, summary: k6 }, reconcile: undefined, crashed: [], checkErrors: [], interrupted: false, environment: { gitSha: 'abc', gitDirty: false, node: 'v20', k6: 'v2.2.0', redis: '7', mongo: 'ferretdb', os: 'linux', cpus: 2, cpuModel: 'x', memoryGiB: 24 }, files: {} });
}

const row = (rows: ComparisonRow[], route: string, figure: ComparisonRow['figure']): ComparisonRow | undefined => rows.find((r) => r.route === route && r.figure === figure);

t.test("a run's totals are its summary.json's, even beside a time series that says otherwise", async (t) => {
  // The time series' totals are planted wrong (1 request a route): a comparison reading them would show it.
  const a: Run = { name: 'a', dir: 'a', summary: summary('a', { requests: 1000, acknowledged: 990, p99: 30 }, { requests: 1000, acknowledged: 1000, p99: 20 }, 4), series: series(1, 10) };
  const b: Run = { name: 'b', dir: 'b', summary: summary('b', { requests: 900, acknowledged: 810, p99: 35 }, { requests: 1100, acknowledged: 1100, p99: 20 }), series: series(1, 10) };
  const c = compareRuns(a, b);
  t.same([c.a.totalsFrom, c.b.totalsFrom], ['summary.json', 'summary.json']);
  t.match(row(c.rows, 'grpc', 'requests'), { a: 1000, b: 900, diff: -100 });
  t.match(row(c.rows, 'grpc', 'error rate'), { a: 0.01, b: 0.1 }, "the summary's error rates");
  t.ok(row(c.rows, 'grpc', 'error rate')!.significant, '10 vs 90 errors of about 1000: beyond noise');
  t.match(row(c.rows, 'grpc', 'share of requests'), { a: 1000 / 2004, b: 900 / 2000 }, "of all the run's requests, the unrouted too (k6's own total)");
  t.match(row(c.rows, 'grpc', 'p99 ms'), { a: 30, b: 35 }, "the summary's p99");
  t.type(row(c.rows, 'grpc', 'p99 ms')!.pValue, 'number', 'tested on the per-second series');
  t.match(row(c.rows, UNROUTED, 'requests'), { a: 4, b: 0 }, 'answers without a route: a count of their own');
  t.notOk(row(c.rows, UNROUTED, 'error rate'), 'every one failed: no error rate to compare');
  t.notMatch(formatComparison(c), /totals from/, 'nothing to say when both totals are the runs\' own');
});

t.test('a summary written before it recorded errors: the count from its rate, the same test', async (t) => {
  const now = summary('a', { requests: 1000, acknowledged: 993, p99: 30 }, { requests: 1000, acknowledged: 1000, p99: 20 });
  const older = structuredClone(now) as DemoSummary;
  for (const r of Object.values(older.routes)) delete (r as Partial<typeof r>).errors;
  const b: Run = { name: 'b', dir: 'b', summary: summary('b', { requests: 1000, acknowledged: 960, p99: 30 }, { requests: 1000, acknowledged: 1000, p99: 20 }), series: undefined };
  const fromCount = row(compareRuns({ name: 'a', dir: 'a', summary: now, series: undefined }, b).rows, 'grpc', 'error rate');
  const fromRate = row(compareRuns({ name: 'a', dir: 'a', summary: older, series: undefined }, b).rows, 'grpc', 'error rate');
  t.equal(now.routes.grpc.errors, 7);
  t.same(fromRate, fromCount, '7 errors in 1000 either way');
});

t.test('a run without a summary of its own: the time series\' totals, and the comparison says so', async (t) => {
  const a: Run = { name: 'a', dir: 'a', summary: undefined, series: series(500, 10) };
  const b: Run = { name: 'b', dir: 'b', summary: summary('b', { requests: 400, acknowledged: 400, p99: 10 }, { requests: 600, acknowledged: 600, p99: 10 }), series: series(1, 10) };
  const c = compareRuns(a, b);
  t.same([c.a.totalsFrom, c.b.totalsFrom], ['timeseries.json', 'summary.json']);
  t.match(row(c.rows, 'grpc', 'requests'), { a: 500, b: 400 });
  t.match(formatComparison(c), /^A: a \(no verdict; totals from timeseries\.json: the run has no summary of its own\)\nB: b \(PASS\)\n/);
  const noK6 = { ...b.summary!, k6: null };
  t.equal(compareRuns(a, { ...b, summary: noK6 }).b.totalsFrom, 'timeseries.json', 'nor does a summary without k6\'s figures (k6 wrote none)');
});

/** cost.json as the demo writes it (cost/cost.ts) and compare reads it: `acked` per route over 10 s, one process per replica. */
function cost(acked: number, cpuMs: number, replicas = 1): ReturnType<typeof parseCost> {
  const names = ['grpc-client', 'grpc-server', 'redis-writer'].flatMap((s) => Array.from({ length: replicas }, (_, i) => `${s}-${i + 1}`));
  const usage = [...names, 'redis', 'mongo'].map((process) => ({ process, cpuMs, peakRssBytes: 1, samples: 10 }));
  return parseCost(JSON.parse(JSON.stringify(costReport(usage, { from: 0, to: 10_000 }, { grpc: acked, redis: acked }, { grpc: acked, redis: acked }))), 'cost.json');
}

t.test('CPU per ack per route, untested, with the rates it holds at; a warning when they differ by more than 10% or in replicas', async (t) => {
  const s = summary('a', { requests: 1000, acknowledged: 1000, p99: 30 }, { requests: 1000, acknowledged: 1000, p99: 20 });
  const run = (name: string, c?: ReturnType<typeof cost>): Run => ({ name, dir: name, summary: s, series: undefined, ...(c ? { cost: c } : {}) });
  // A: 200 + 200 acks in 10 s = 40 req/s; B 41 req/s (+2.5%), and more CPU.
  const near = compareRuns(run('a', cost(200, 1000)), run('b', cost(205, 1500)));
  t.match(row(near.rows, 'grpc', 'CPU ms per ack'), { a: 12.5, b: 18.293, test: null, pValue: null, significant: false }, "(grpc-client + grpc-server + half of MongoDB) / acks: 2500 / 200, 3750 / 205");
  t.match(near.costRates, { rel: 0.025, differ: false });
  t.match(formatComparison(near), /\nCPU ms per ack holds A at 40\.0 req\/s achieved \(acknowledged, over 10 s\), 1 replica of each service, B at 41\.0 req\/s .*\(\+3%\): comparable/);
  t.notMatch(formatComparison(near), /WARNING/);

  const far = compareRuns(run('a', cost(200, 1000)), run('b', cost(500, 1500)));
  t.match(far.costRates, { rel: 1.5, differ: true });
  t.match(formatComparison(far), /\nWARNING: CPU ms per ack holds A at 40\.0 req\/s .*, B at 100\.0 req\/s .*\(\+150%\): rates more than 10% apart/);
  t.match(compareRuns(run('a', cost(200, 1000)), run('b', cost(200, 1000, 2))).costRates, { rel: 0, differ: true }, 'the same rate over other replicas is another rate per replica');

  const one = compareRuns(run('a', cost(200, 1000)), run('b'));
  t.match(row(one.rows, 'redis', 'CPU ms per ack'), { b: null, diff: null });
  t.match(one.costRates, { b: null, rel: null, differ: false });
  t.match(formatComparison(one), /B no cost\.json/);
  t.equal(compareRuns(run('a'), run('b')).costRates, null, 'neither run measured its cost: no rows, no note');
  t.notOk(row(compareRuns(run('a'), run('b')).rows, 'grpc', 'CPU ms per ack'));
});
