import t from 'tap';
import { buildSummary, formatSummary, type DemoInputs } from './summary.js';

const route = { requests: 50, acknowledged: 50, errors: 0, errorRate: 0, rps: 5, p50: 3, p95: 8, p99: 12 };
const base: DemoInputs = {
  runId: 'demo-1',
  settings: { rate: 10 },
  k6: {
    exitCode: 0,
    summary: { runId: 'demo-1', requests: 100, acknowledged: 100, replayed: 0, errorRate: 0, rps: 10, droppedIterations: 0, durationMs: 10_000, routes: { grpc: route, redis: route }, thresholds: { passed: true, failed: [] } },
  },
  reconciliation: { lost: 0, duplicated: 0, unacknowledged: 0, stored: { grpc: 50, redis: 50 }, acknowledged: { grpc: 50, redis: 50 }, reasons: [] },
  split: { expected: { grpc: 0.5, redis: 0.5 }, observed: { grpc: 0.5, redis: 0.5 }, counts: { grpc: 50, redis: 50 }, n: 100, pValue: 1, alpha: 0.001, pass: true, method: 'exact-binomial' },
  crashed: undefined,
  environment: { gitSha: 'abc', gitDirty: false, node: 'v20', k6: 'v2.2.0', redis: '7', mongo: 'ferretdb', os: 'linux', cpus: 2, cpuModel: 'x', memoryGiB: 24 },
  files: { summary: 'summary.json' },
};

t.test('a clean run passes, with the fields results/<run-id>/summary.json promises', async (t) => {
  const s = buildSummary(base);
  t.equal(s.verdict, 'PASS');
  t.same(s.reasons, []);
  t.match(s.routes.grpc, { acknowledged: 50, stored: 50, rps: 5, p50: 3, p95: 8, p99: 12, errorRate: 0 });
  t.match(s.split, { expected: { grpc: 0.5 }, observed: { grpc: 0.5 }, pValue: 1 });
  t.same(s.reconciliation, { lost: 0, duplicated: 0, unacknowledged: 0 });
  t.match(s.environment, { gitSha: 'abc', k6: 'v2.2.0', settings: { rate: 10 } });
  t.match(formatSummary(s), /verdict +PASS/);
});

t.test('each failure makes the verdict FAIL and says why', async (t) => {
  const cases: [string, Partial<DemoInputs>, RegExp][] = [
    ['lost write', { reconciliation: { ...base.reconciliation!, lost: 2 } }, /2 acknowledged write\(s\) lost/],
    ['duplicate', { reconciliation: { ...base.reconciliation!, duplicated: 1 } }, /1 write\(s\) counted twice/],
    ['split', { split: { ...base.split!, pass: false, pValue: 1e-9, observed: { grpc: 0.8, redis: 0.2 } } }, /split outside its test: observed grpc 80\.0%/],
    ['thresholds', { k6: { exitCode: 99, summary: { ...base.k6.summary!, thresholds: { passed: false, failed: ['route_errors{route:grpc} rate<=0.01'] } } } }, /threshold failed: route_errors/],
    ['no k6 summary', { k6: { exitCode: 108, summary: undefined } }, /k6 wrote no summary \(exit 108: the target was not ready/],
    ['crash', { crashed: 'redis-writer exited (1)' }, /a process crashed: redis-writer/],
    ['no reconciliation', { reconciliation: undefined }, /reconciliation did not run/],
  ];
  for (const [name, change, reason] of cases) {
    const s = buildSummary({ ...base, ...change });
    t.equal(s.verdict, 'FAIL', name);
    t.ok(s.reasons.some((r) => reason.test(r)), `${name}: ${s.reasons.join(' | ')}`);
  }
});

t.test('dropped iterations are a note, not a failure', async (t) => {
  const s = buildSummary({ ...base, k6: { exitCode: 0, summary: { ...base.k6.summary!, droppedIterations: 3 } } });
  t.equal(s.verdict, 'PASS');
  t.match(s.reasons[0], /^note: k6 dropped 3 iterations/);
});
