// `npm run sweep -- --from <run folders>`: the sweep table from steps' summary.json files, each built by
// the demo's own buildSummary (as the demo and k8s/verdict write it) over a k6 summary, then run through
// the CLI as a person runs it. Weights come from the summary: split.expected locally, and the cluster
// route's `grpc-client=W redis-writer=W` when there is no split test (reconciliation failed).
import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSummary } from '../demo/summary.js';
import { k6SummaryFixture } from '../reconcile/k6-summary-fixture.js';
import { splitTest } from '../reconcile/split-test.js';
import { runTsx } from '../test/run-cli.js';
import { parseSweep, SWEEP_FILE } from './document.js';
import { readStep } from './from-steps.js';

const ENV = { gitSha: 'abc', gitDirty: false, node: 'v20', k6: 'v2.2.0', redis: '7', mongo: 'ferretdb', os: 'linux', cpus: 2, cpuModel: 'x', memoryGiB: 24 };

/** A step's folder: a run at `rate` with route A's weight `w` percent, judged `verdict`. */
function step(root: string, name: string, w: number, rate: number, verdict: 'PASS' | 'FAIL', opts: { clusterRoute?: boolean; p99?: number } = {}): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  const n = rate * 10;
  const routes: Record<string, { requests: number; acknowledged: number; p99?: number }> = {};
  if (w > 0) routes.grpc = { requests: Math.round((n * w) / 100), acknowledged: Math.round((n * w) / 100), p99: opts.p99 ?? 30 };
  if (w < 100) routes.redis = { requests: Math.round((n * (100 - w)) / 100), acknowledged: Math.round((n * (100 - w)) / 100), p99: (opts.p99 ?? 30) + 5 };
  const k6 = k6SummaryFixture(name, routes);
  const summary = buildSummary({ runId: name, settings: { ...k6.settings, rate }, k6: { exitCode: 0, summary: k6 }, reconcile: undefined, crashed: [], checkErrors: [], interrupted: false, environment: ENV, files: {} });
  if (opts.clusterRoute) {
    // As k8s/verdict writes it: the route the API server held, no split test when reconciliation failed.
    (summary.environment as unknown as Record<string, unknown>).route = { name: 'course-split', resourceVersion: '7', weights: `grpc-client=${w} redis-writer=${100 - w}` };
  } else {
    summary.split = { ...splitTest({ grpc: routes.grpc?.requests ?? 0, redis: routes.redis?.requests ?? 0 }, { grpc: w / 100, redis: (100 - w) / 100 }), source: 'k6' };
  }
  summary.verdict = verdict;
  writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(summary));
  return dir;
}

t.test('readStep: the weight, the rate, the verdict and figures only for the routes that got traffic', async (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'splitbench-steps-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const a = readStep(step(root, 'a', 0, 100, 'PASS'));
  t.equal(a.weightA, 0);
  t.same(Object.keys(a.run.routes), ['redis']);
  t.equal(a.run.rateRps, 100);
  t.equal(a.run.verdict, 'PASS');
  const b = readStep(step(root, 'b', 75, 50, 'FAIL', { clusterRoute: true }));
  t.equal(b.weightA, 75, "from the cluster route's weights");
  t.equal(b.run.routes.grpc?.p99Ms, 30);
  t.throws(() => readStep(path.join(root, 'nothing')), /holds no summary\.json/);
});

t.test('npm run sweep -- --from: the table from steps, the best weight among those that passed, the models from 0 and 100', async (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'splitbench-steps-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const dirs = [
    step(root, 's1', 0, 100, 'PASS'),
    step(root, 's2', 0, 200, 'FAIL'),
    step(root, 's3', 50, 100, 'PASS'),
    step(root, 's4', 50, 200, 'PASS', { clusterRoute: true }),
    step(root, 's5', 100, 100, 'PASS'),
    step(root, 's6', 100, 200, 'FAIL'),
  ];
  const out = path.join(root, 'sweep');
  const res = await runTsx('sweep/main.ts', ['--from', ...dirs, '--out', out]);
  t.equal(res.code, 0, res.stderr);
  const s = parseSweep(JSON.parse(readFileSync(path.join(out, SWEEP_FILE), 'utf8')), SWEEP_FILE);
  t.equal(s.source, 'steps');
  t.same(s.points.map((p) => [p.weightA, p.capacity.median]), [[0, 100], [50, 200], [100, 100]], 'the highest rate whose step passed, per weight');
  t.equal(s.answer.best?.weightA, 50);
  t.equal(s.fixedRateRps, null, 'steps at two rates');
  if (s.answer.models.kind !== 'computed') return t.fail('models');
  t.equal(s.answer.models.points.find((m) => m.weightA === 50)!.sharedCores, 100);
  t.equal(s.answer.models.points.find((m) => m.weightA === 50)!.ownPods, 200);
  t.match(res.stdout, /A\/B weight\s+passed at req\/s/);
  t.match(res.stdout, /Best weight: A\/B 50\/50, the highest rate whose step passed: 200 req\/s/);
  t.match(res.stdout, /50\/50 \+100\.0%/, 'measured against the shared-cores model');
  t.ok(existsSync(path.join(out, 'index.html')), 'the page too');

  const bad = await runTsx('sweep/main.ts', ['--from', path.join(root, 'nowhere'), '--out', out]);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /sweep: .*nowhere holds no summary\.json/);
});
