// A short REAL sweep over weights 0, 50, 100, as `npm run sweep` runs it: one real stack (Envoy, the
// services, Redis, the MongoDB-wire server), real k6 for every trial, the weights changed live over
// xDS between points. The sweep's mechanics are under test, not this shared machine's speed: the SLO's
// p99 is generous and the search short (3 s trials, max 40 req/s, 3 trials), so each point has a
// capacity on a busy machine too. Checked from outside: k6's own summary of each fixed-rate run counts
// no answer from a route outside the weights (X-Route), and each route that had weight answered.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseK6Summary } from '../contract/k6-summary.js';
import { SWEEP_FILE } from '../sweep/document.js';
import type { SweepReport } from '../sweep/types.js';
import { findBinary, REPO_ROOT } from '../stack/tools.js';
import { runTsx } from './run-cli.js';

const skip = findBinary('k6') ? false : 'k6 not built: run npm run tools';

t.test('npm run sweep over 0,50,100: a capacity and per-route figures at every point, on one stack', { skip }, async (t) => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'splitbench-sweep-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const res = await runTsx('sweep/main.ts', ['--weights', '0,50,100', '--rate', '20', '--trial', '3', '--start-rate', '20', '--max-rate', '40', '--max-trials', '3', '--precision', '0.5', '--p99', '2000', '--warmup', '100', '--out', out]);
  t.equal(res.code, 0, 'exit 0');
  if (res.code !== 0) t.comment(res.output.slice(-4000));
  t.equal((res.stderr.match(/starting one stack/g) ?? []).length, 1, 'one stack for all points');
  t.equal((res.stderr.match(/stack up/g) ?? []).length, 1, 'started once');
  const report = JSON.parse(readFileSync(path.join(out, SWEEP_FILE), 'utf8')) as SweepReport;
  t.same(report.points.map((p) => p.weightA), [0, 50, 100]);
  const expected: Record<number, string[]> = { 0: ['redis'], 50: ['grpc', 'redis'], 100: ['grpc'] };
  for (const p of report.points) {
    t.ok(p.capacity.median !== null && p.capacity.median >= 20, `A/B ${p.weightA}: capacity ${p.capacity.median} req/s`);
    const run = p.repeats[0]!.fixedRate;
    if (!t.ok(run, `A/B ${p.weightA}: the fixed-rate run`)) continue;
    t.same(Object.keys(run!.routes).sort(), expected[p.weightA], `A/B ${p.weightA}: figures for the routes with weight`);
    for (const [route, f] of Object.entries(run!.routes)) {
      t.ok(f.requests > 0 && f.p99Ms !== null && f.p50Ms !== null, `${route} at A/B ${p.weightA}: ${f.requests} requests, p99 ${f.p99Ms} ms`);
      t.ok(f.cpuMsPerRequest !== null && f.cpuMsPerRequest > 0, `${route} at A/B ${p.weightA}: ${f.cpuMsPerRequest} CPU ms/req`);
    }
    const k6 = parseK6Summary(JSON.parse(readFileSync(path.join(run!.runDir!, 'k6-summary.json'), 'utf8')), 'k6-summary.json');
    t.equal(k6.unrouted, 0, `A/B ${p.weightA}: no answer from a route outside the weights`);
  }
  t.equal(report.answer.models.kind, 'computed', 'both route capacities measured: the models computed');
  t.ok(report.answer.best !== null, `best weight ${report.answer.best?.weightA}`);
  t.match(res.stdout, /Best weight: A\/B \d+\/\d+/);
  t.ok(existsSync(path.join(out, 'index.html')), 'the page');
  t.comment(res.stdout);
});

t.test('SIGINT during the first search: no new trial starts, the stack stops, sweep.json says incomplete', { skip }, async (t) => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'splitbench-sweep-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'sweep/main.ts'), '--weights', '0,100', '--rate', '20', '--trial', '3', '--start-rate', '20', '--max-rate', '40', '--max-trials', '3', '--p99', '2000', '--warmup', '100', '--out', out], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let signalled = false;
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    // Once the first trial has ended the search would go on to the next: interrupt it there.
    if (!signalled && /trial 1 \(bracket\)/.test(stderr)) {
      signalled = true;
      child.kill('SIGINT');
    }
  });
  child.stdout.resume();
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  t.ok(signalled, 'interrupted after the first trial');
  t.equal(code, 130, 'exit 130: interrupted');
  if (code !== 130) t.comment(stderr.slice(-3000));
  const report = JSON.parse(readFileSync(path.join(out, SWEEP_FILE), 'utf8')) as SweepReport;
  t.equal(report.complete, false);
  t.same(report.points.map((p) => p.repeats.length), [1, 0], 'the point under way kept, the next never started');
  t.ok(report.points[0]!.repeats[0]!.capacity!.trials.length <= 2, `no trial after the interrupt but the one under way (${report.points[0]!.repeats[0]!.capacity!.trials.length})`);
  const stray = spawnSync('pgrep', ['-f', out], { encoding: 'utf8' }).stdout.trim();
  t.equal(stray, '', 'no process of the sweep left running');
});
