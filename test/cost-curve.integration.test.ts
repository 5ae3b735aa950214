// The cost curves on the real stack (Envoy, the services, Redis, the MongoDB-wire server, k6): trials
// of route A at four rates, each twice, and the idle stack make the curves; a separate run at a rate the
// curves were not fitted on is then predicted from them. CPU comes from /proc, as in every run.
// Timings here are noisy (other tests share the cores, and contention raises CPU per request): the check
// is against the uncertainty the curves state about themselves (their leave-one-out miss and their
// repeats' spread), never a fixed margin, and the runs are interleaved (fitted rates up, the check, the
// fitted rates down, the check again) so a change in contention falls on the curve and the check alike.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { CAPACITY_TARGETS, startTarget } from '../capacity/local-trials.js';
import { buildCurves, checkPrediction, predict, type CostWindow } from '../cost/curves.js';
import { formatCheck, formatCurves, formatPrediction } from '../cost/curve-format.js';
import { ensurePool } from '../generator/pool-file.js';

const FITTED = [40, 80, 160, 240];
const UNFITTED = 120;
/** Route A's own processes (MongoDB serves it alone in these trials). */
const ROUTE_A = ['grpc-client', 'grpc-server', 'mongo'];

t.test(`curves fitted at ${FITTED.join(', ')} req/s predict route A's CPU at ${UNFITTED} req/s within their stated uncertainty`, async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-curve-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const target = CAPACITY_TARGETS.find((x) => x.name === 'grpc')!;
  const session = await startTarget(target, { dir, dataFile: ensurePool(42, 20_000, () => {}), replicas: 1, say: (m) => t.comment(m) });
  t.teardown(() => session.stop());
  t.ok(session.idle, 'the stack at rest was measured');
  const windows: CostWindow[] = session.idle ? [session.idle] : [];
  const checks: CostWindow[] = [];
  let index = 0;
  for (const rate of [...FITTED, UNFITTED, ...[...FITTED].reverse(), UNFITTED]) {
    const r = await session.runTrial(rate, { index: index++, durationS: 6, purpose: rate === UNFITTED ? 'confirm' : 'bracket' });
    if (r.cost) (rate === UNFITTED ? checks : windows).push(r.cost);
  }
  t.equal(windows.length + checks.length, 3 + 2 * FITTED.length, 'every trial measured its cost');
  const curves = buildCurves(windows, 'test');
  t.comment(formatCurves(curves));
  for (const p of ROUTE_A) {
    const c = curves.processes.find((x) => x.process === p);
    // A loaded machine may not reach every offered rate: the curve has the rates achieved.
    t.ok(c && c.fit.rates >= 3, `${p}: a curve over the idle stack and the rates achieved (${c?.fit.rates} in all)`);
    t.ok(c?.fit.uncertainty !== null, `${p}: states its uncertainty (${c?.fit.uncertainty})`);
  }
  t.notOk(curves.processes.some((x) => x.process === 'redis-writer' && x.points.some((p) => p.rps > 0)), "route B's writer served nothing: only its idle point");

  // The two check runs together: their CPU and their rate averaged.
  const measured: CostWindow = {
    ...checks[0]!,
    routeRps: { grpc: checks.reduce((s, c) => s + c.routeRps.grpc, 0) / checks.length, redis: 0 },
    cpuMsPerS: Object.fromEntries(Object.keys(checks[0]!.cpuMsPerS).map((p) => [p, checks.reduce((s, c) => s + (c.cpuMsPerS[p] ?? 0), 0) / checks.length])),
  };
  const rate = measured.routeRps.grpc;
  const prediction = predict(curves, rate, { grpc: 1, redis: 0 }, 1);
  t.comment(formatPrediction(prediction));
  const rows = checkPrediction(prediction, measured).filter((r) => ROUTE_A.includes(r.process));
  t.comment(formatCheck(rows));
  t.notOk(prediction.processes.some((p) => ROUTE_A.includes(p.process) && p.extrapolated), `${rate.toFixed(0)} req/s lies inside the fitted rates: interpolated`);
  // Route A's CPU in all: the sum of its processes, judged against the largest uncertainty among them.
  const predicted = rows.reduce((s, r) => s + r.predictedMsPerS, 0);
  const actual = rows.reduce((s, r) => s + r.measuredMsPerS, 0);
  const stated = Math.max(...prediction.processes.filter((p) => ROUTE_A.includes(p.process)).map((p) => p.uncertainty ?? 0));
  const off = Math.abs(predicted - actual) / actual;
  t.ok(off <= stated, `route A at ${rate.toFixed(0)} req/s: predicted ${predicted.toFixed(0)} ms/s, measured ${actual.toFixed(0)} ms/s, off by ${(off * 100).toFixed(1)}% (stated ±${(stated * 100).toFixed(0)}%)`);
});
