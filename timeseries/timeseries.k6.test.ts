// The time series of a real k6 run: the demo's own k6 invocation (demo/k6-run.ts, with its --out csv)
// against a node:http stub of the contract on 127.0.0.1, then timeseries/ on what k6 wrote. The stub
// counts what it answered, so every count is checked against the server's side, and the whole-run
// percentiles against k6's own summary of the same run. No assertion depends on timing.
import t from 'tap';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Writable } from 'node:stream';
import path from 'node:path';
import { TIMESERIES_FILES } from '../contract/timeseries.js';
import { runK6 } from '../demo/k6-run.js';
import { findBinary } from '../stack/tools.js';
import { buildTimeSeries } from './build.js';
import { startStub } from './stub.js';
import { summarizeWindows } from './windows.js';

const POOL = [{ curso: 'ANP', facultad: 'Ingenieria', carrera: 'Arte', region: 'METROPOLITANA' }];
const sum = (xs: number[]): number => xs.reduce((a, x) => a + x, 0);

t.test("a real k6 run's samples, per second and per window, agree with the server and with k6's summary", { skip: findBinary('k6') ? false : 'k6 not built: run npm run tools' }, async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-k6ts-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'pool.json'), JSON.stringify(POOL));
  // Every 10th redis answer is a 500 (final; k6 does not retry it): errors on one route only.
  const stub = await startStub({ failEvery: { redis: 10 } });
  t.teardown(() => stub.close());
  const progress = new Writable({ write: (_chunk, _enc, done) => done() });
  const k6 = await runK6({ baseUrl: stub.url, runId: `tap-ts-${process.pid}`, dataFile: path.join(dir, 'pool.json'), outDir: dir, scenario: 'load', rate: 40, duration: '4s', routes: ['grpc', 'redis'], thresholds: 'off', progress });
  // The counts are under test, not k6's judgement: thresholds off, so the 10% redis errors exit 0.
  t.ok(k6.summary, `k6 wrote its summary (exit ${k6.exitCode})`);
  t.ok(existsSync(path.join(dir, TIMESERIES_FILES.k6Samples)), 'k6 wrote k6-samples.csv.gz');

  const built = await buildTimeSeries(dir);
  if (!built || !k6.summary) return t.fail('time series built');
  const { series } = built;
  for (const route of ['grpc', 'redis'] as const) {
    const served = stub.answered[route];
    const tot = series.totals[route]!;
    const k6r = k6.summary.routes[route]!;
    t.equal(tot.requests, (served['201'] ?? 0) + (served['500'] ?? 0), `${route}: requests = what the stub answered`);
    t.equal(tot.acks, served['201'] ?? 0, `${route}: acks = the stub's 201s`);
    t.equal(tot.errors, served['500'] ?? 0, `${route}: errors = the stub's 500s`);
    t.same(Object.fromEntries(Object.entries(series.routes[route]!.attemptsByStatus).map(([s, xs]) => [s, sum(xs)])), served, `${route}: attempts by status = the stub's answers`);
    t.equal(sum(series.routes[route]!.requests), tot.requests, `${route}: the seconds add up to the total`);
    for (const p of ['p50', 'p95', 'p99'] as const) {
      // k6's summary.json rounds to 3 decimals of a ms (loadtest/summary.ts); the CSV holds 6.
      t.ok(Math.abs(tot[p]! - k6r[p]!) <= 0.0005 + 1e-6, `${route}: whole-run ${p} ${tot[p]} = k6's ${k6r[p]}`);
    }
  }
  t.ok(stub.answered.redis['500']! > 0, 'the redis route did answer some 500s');
  t.equal(series.source.skipped, 0, 'no row skipped');

  // Windows: one window over the middle of the run; inside + outside = the whole run, exactly.
  const mid = series.t[Math.floor(series.t.length / 2)]! * 1000;
  const w = await summarizeWindows(dir, [{ start: mid, end: mid + 1000 }]);
  for (const route of ['grpc', 'redis'] as const) {
    const { inside, outside } = w.routes[route]!;
    t.equal(inside.requests + outside.requests, series.totals[route]!.requests, `${route}: inside + outside = all requests`);
    t.equal(inside.attempts + outside.attempts, series.totals[route]!.attempts, `${route}: inside + outside = all attempts`);
    const second = series.t.indexOf(mid / 1000);
    t.equal(inside.requests, series.routes[route]!.requests[second], `${route}: a one-second window holds that second's requests`);
    t.equal(inside.p99, series.routes[route]!.p99[second], `${route}: and its exact p99`);
  }
});
