// The CSV reader, the per-second aggregation, the percentile and the window split, on literal rows in
// the exact shape k6 v2.2's `--out csv` writes them (copied from a real run's file: header, an
// http_req_* row we skip, route_* rows with the route in extra_tags and the attempt status in status).
// timeseries.k6.test.ts runs the real k6 for the same pipeline end to end.
import t from 'tap';
import type { Test } from 'tap';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { parseTimeSeries, TimeSeriesError, TIMESERIES_FILES } from '../contract/timeseries.js';
import { buildTimeSeries } from './build.js';
import { K6CsvError, readRouteSamples, timestampMs, type RouteSample } from './k6-csv.js';
import { quantileSorted, sortedValues } from './percentile.js';
import { summarizeWindows, WindowError } from './windows.js';

const HEADER = 'metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata';
const T0 = 1795786469000;
/** The rows k6 writes for one request answered by `route` with `status` after `ms`, at T0 + `at`. */
function request(at: number, route: string, status: number, ms: number): string[] {
  const ts = T0 + at;
  const ack = status === 201 ? 1 : 0;
  const rows = [
    `http_req_duration,${ts},${ms.toFixed(6)},,,,true,,POST,POST /course,HTTP/1.1,load,,${status},,,POST /course,,`,
    `route_attempts,${ts},1.000000,,,,,,,,,load,,${status},,,,route=${route},`,
    `route_attempt_duration,${ts},${ms.toFixed(6)},,,,,,,,,load,,,,,,route=${route},`,
    `route_reqs,${ts},1.000000,,,,,,,,,load,,,,,,route=${route},`,
    `route_req_duration,${ts},${ms.toFixed(6)},,,,,,,,,load,,,,,,route=${route},`,
    `route_errors,${ts},${(1 - ack).toFixed(6)},,,,,,,,,load,,,,,,route=${route},`,
  ];
  if (ack) rows.push(`route_acks,${ts},1.000000,,,,,,,,,load,,,,,,route=${route},`);
  rows.push(`checks,${ts},1.000000,"acknowledged id, is the key",,,,,,,,load,,,,,,,`);
  return rows;
}

function fixture(t: Test, rows: string[], gzip = true): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-ts-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const text = [HEADER, ...rows].join('\n') + '\n';
  // k6 gzips when the name ends in .gz, and so does the reader.
  writeFileSync(path.join(dir, gzip ? TIMESERIES_FILES.k6Samples : 'k6-samples.csv'), gzip ? gzipSync(text) : text);
  return dir;
}

t.test('timestamps in every format k6 writes become epoch ms', async (t) => {
  t.equal(timestampMs('1795786469'), 1795786469000);
  t.equal(timestampMs('1795786469451'), 1795786469451);
  t.equal(timestampMs('1795786469451123'), 1795786469451.123);
  t.equal(timestampMs('1795786469451123456'), 1795786469451.1235);
  t.equal(timestampMs('2026-11-27T13:34:29.451Z'), Date.parse('2026-11-27T13:34:29.451Z'));
});

t.test("percentiles are k6's: linear between closest ranks (R type 7)", async (t) => {
  t.equal(quantileSorted(sortedValues([4, 1, 3, 2]), 0.5), 2.5, 'R: quantile(1:4, .5) = 2.5');
  const hundred = sortedValues(Array.from({ length: 100 }, (_, i) => 100 - i));
  t.ok(Math.abs(quantileSorted(hundred, 0.99)! - 99.01) < 1e-9, 'R: quantile(1:100, .99) = 99.01');
  t.equal(quantileSorted(sortedValues([7]), 0.99), 7, 'one sample is every percentile');
  t.equal(quantileSorted(sortedValues([]), 0.5), null, 'none: null, never 0');
  t.equal(quantileSorted(sortedValues([10, 9, 100]), 0.5), 10, 'numeric sort, not string sort');
});

t.test('per second per route: counts, attempts by status, exact percentiles, gaps filled', async (t) => {
  const rows = [
    ...request(100, 'grpc', 201, 10),
    ...request(200, 'grpc', 201, 30),
    ...request(300, 'redis', 503, 5),
    ...request(2500, 'redis', 201, 20), // second 2: second 1 has nothing and must still be on the axis
    ...request(400, 'grpc', 201, 20), // out of order, as k6's batched flushes write them
    `route_retries,${T0 + 300},1.000000,,,,,,,,,load,,,,,,route=redis,`,
  ];
  const dir = fixture(t, rows);
  const built = await buildTimeSeries(dir);
  if (!built) return t.fail('built');
  const s = built.series;
  t.same(s.t, [T0 / 1000, T0 / 1000 + 1, T0 / 1000 + 2], 'one bucket per second, no gap');
  t.same(s.routes.grpc!.requests, [3, 0, 0]);
  t.same(s.routes.grpc!.p50, [20, null, null], 'p50 of 10, 30, 20 ms');
  t.same(s.routes.grpc!.max, [30, null, null]);
  t.same(s.routes.redis!.errors, [1, 0, 0]);
  t.same(s.routes.redis!.acks, [0, 0, 1]);
  t.same(s.routes.redis!.retries, [1, 0, 0]);
  t.same(s.routes.redis!.attemptsByStatus, { '201': [0, 0, 1], '503': [1, 0, 0] });
  t.match(s.totals.grpc, { requests: 3, acks: 3, errors: 0, attempts: 3, p50: 20 });
  t.match(s.source, { file: TIMESERIES_FILES.k6Samples, routeRows: 30, skipped: 0 });
  t.same(parseTimeSeries(JSON.parse(readFileSync(built.file, 'utf8'))), s, 'timeseries.json parses back to the same series');

  t.notOk(existsSync(path.join(dir, TIMESERIES_FILES.k6Samples)), "k6's full CSV is deleted once aggregated");
  t.ok(existsSync(path.join(dir, TIMESERIES_FILES.routeSamples)), 'its route_* rows are kept');
  const again = await buildTimeSeries(dir);
  t.same({ ...again!.series, source: null }, { ...s, source: null }, 'rebuilt from the kept route rows: the same series');
  t.equal(again!.series.source.rows, 30, 'the kept file holds only route_* rows');
});

t.test('a quoted route row takes the CSV parser; a cut last line is skipped, not guessed', async (t) => {
  const rows = [`route_reqs,${T0},1.000000,,"a, quoted",,,,,,,load,,,,,,route=grpc,`, `route_reqs,${T0 + 10},1.0`, `route_reqs,${T0 + 20},`];
  const dir = fixture(t, rows, false);
  const got: RouteSample[] = [];
  const stats = await readRouteSamples(path.join(dir, 'k6-samples.csv'), (s) => got.push(s));
  t.same(got.map((s) => [s.route, s.value]), [['grpc', 1], ['', 1]], 'the quoted row parsed; a row without the route tag has route ""');
  t.equal(stats.skipped, 1, 'the row without a value is counted as skipped');
});

t.test('bad input: a clear error, nothing written', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-ts-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  await t.rejects(readRouteSamples(path.join(dir, 'missing.csv.gz'), () => {}), { name: 'K6CsvError', message: /cannot read k6 samples .*ENOENT/ });
  writeFileSync(path.join(dir, TIMESERIES_FILES.k6Samples), 'not gzip at all');
  await t.rejects(buildTimeSeries(dir), K6CsvError);
  t.notOk(existsSync(path.join(dir, TIMESERIES_FILES.routeSamples)), 'no half-written route samples');
  t.notOk(existsSync(path.join(dir, `${TIMESERIES_FILES.routeSamples}.tmp`)), 'no temp file left');
  writeFileSync(path.join(dir, 'other.csv'), 'a,b,c\n1,2,3\n');
  await t.rejects(readRouteSamples(path.join(dir, 'other.csv'), () => {}), { message: /no metric_name column/ });
  t.equal(await buildTimeSeries(mkdtempSync(path.join(dir, 'empty-'))), undefined, 'a run without samples: undefined, not a throw');
  t.throws(() => parseTimeSeries({ schema: 'splitbench.timeseries/1', t: [1, 2], routes: { grpc: { requests: [1] } }, totals: {}, source: {} }), TimeSeriesError);
});

t.test('windows: inside vs outside by the time of the answer, [start, end)', async (t) => {
  const rows = [...request(100, 'grpc', 201, 10), ...request(1000, 'grpc', 503, 900), ...request(1999, 'grpc', 201, 50), ...request(2000, 'redis', 201, 7)];
  const dir = fixture(t, rows);
  const w = await summarizeWindows(dir, [{ start: T0 + 1000, end: T0 + 2000 }]);
  t.match(w.routes.grpc!.inside, { requests: 2, acks: 1, errors: 1, errorRate: 0.5, p50: 475, attempts: 2, attemptsByStatus: { '201': 1, '503': 1 } });
  t.match(w.routes.grpc!.outside, { requests: 1, errors: 0, errorRate: 0, p99: 10 });
  t.match(w.routes.redis!, { inside: { requests: 0, errorRate: null, p50: null }, outside: { requests: 1 } }, 'the end is exclusive');
  const none = await summarizeWindows(dir, []);
  t.equal(none.routes.grpc!.outside.requests, 3, 'no windows: everything outside');
  await t.rejects(summarizeWindows(dir, [{ start: 5, end: 1 }]), WindowError);
  rmSync(path.join(dir, TIMESERIES_FILES.k6Samples));
  await t.rejects(summarizeWindows(dir, []), { message: /holds no k6 samples/ });
});

t.test('the series and the windows count the same samples the same way', async (t) => {
  const rows = [
    ...request(100, 'grpc', 201, 10),
    ...request(900, 'grpc', 503, 900),
    ...request(1500, 'redis', 201, 7),
    `route_retries,${T0 + 900},1.000000,,,,,,,,,load,,,,,,route=grpc,`,
    `route_reqs,${T0 + 1200},1.000000,,,,,,,,,load,,,,,,,`, // no route tag: counted under "none"
  ];
  const samples: RouteSample[] = [];
  await readRouteSamples(path.join(fixture(t, rows), TIMESERIES_FILES.k6Samples), (s) => samples.push(s));
  const dir = fixture(t, rows);
  const series = (await buildTimeSeries(dir))!.series;
  const whole = await summarizeWindows(samples, [{ start: T0, end: T0 + 10_000 }]);
  t.same(Object.keys(whole.routes), Object.keys(series.totals), 'the same routes, the untagged row under none in both');
  for (const [route, tot] of Object.entries(series.totals)) {
    const { inside } = whole.routes[route]!;
    const byStatus = Object.fromEntries(Object.entries(series.routes[route]!.attemptsByStatus).map(([st, xs]) => [st, xs.reduce((a, x) => a + x, 0)]));
    t.same(
      { requests: inside.requests, acks: inside.acks, errors: inside.errors, retries: inside.retries, attempts: inside.attempts, attemptsByStatus: inside.attemptsByStatus, p50: inside.p50, p95: inside.p95, p99: inside.p99 },
      { ...tot, attemptsByStatus: byStatus },
      `${route}: a window over the whole run = the series' totals`,
    );
  }
  t.equal(whole.routes.grpc!.inside.retries, 1, 'retries counted in the windows too');
});
