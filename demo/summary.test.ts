// The demo's verdict from literals: the reconciler's report built by its own pure functions from a
// literal ack log and store snapshot, k6's summary.json as k6 writes it.
import t from 'tap';
import { parseAcks } from '../reconcile/acks.js';
import { k6SummaryFixture } from '../reconcile/k6-summary-fixture.js';
import { reconcile, type StoreSnapshot } from '../reconcile/reconcile.js';
import { assembleReport, type ReconcileReport } from '../reconcile/run.js';
import { splitTest } from '../reconcile/split-test.js';
import { formatSummary } from './summary-text.js';
import { buildSummary, type DemoInputs } from './summary.js';

const RUN = 'demo-1';
const ids = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** A reconciler report for 50 + 50 acknowledged writes, optionally with planted problems. */
function report(opts: { lose?: number; excessCount?: number; split?: [number, number] } = {}): ReconcileReport {
  const g = ids('g', 50);
  const b = ids('b', 50);
  const acks = parseAcks([...g.map((id) => `splitbench.ack ${RUN} grpc ${id} 201`), ...b.map((id) => `splitbench.ack ${RUN} redis ${id} 201`)].join('\n'), RUN);
  const stored = new Map<string, string>([...g.slice(opts.lose ?? 0).map((id): [string, string] => [id, 'grpc']), ...b.map((id): [string, string] => [id, 'redis'])]);
  const stores: StoreSnapshot = { stored, storedElsewhere: new Map(), redisRunCount: 50 + (opts.excessCount ?? 0), seen: new Set(b) };
  const rec = reconcile(acks, stores, { expectedAcks: { grpc: 50, redis: 50 }, duplicatesFail: true });
  const [grpc, redis] = opts.split ?? [50, 50];
  return { ...assembleReport(RUN, rec, { ...splitTest({ grpc, redis }, { grpc: 1, redis: 1 }), source: 'k6' }, { setupCompleted: true }), ackFile: { file: 'k6.log', lines: 100, acks: 100, otherRuns: 0, otherRunIds: [], malformed: 0 }, inputs: { summaryFile: null, mongoDb: 'splitbench', weightsFrom: 'given' } };
}

const k6 = k6SummaryFixture(RUN, { grpc: { requests: 50, acknowledged: 50 }, redis: { requests: 50, acknowledged: 50 } });
const base: DemoInputs = {
  runId: RUN,
  settings: { rate: 10 },
  k6: { exitCode: 0, summary: k6 },
  reconcile: report(),
  crashed: [],
  checkErrors: [],
  interrupted: false,
  environment: { gitSha: 'abc', gitDirty: false, node: 'v20', k6: 'v2.2.0', redis: '7', mongo: 'ferretdb', os: 'linux', cpus: 2, cpuModel: 'x', memoryGiB: 24 },
  files: { summary: 'summary.json' },
};

t.test('a clean run passes, with the fields results/<run-id>/summary.json promises', async (t) => {
  const s = buildSummary(base);
  t.equal(s.verdict, 'PASS');
  t.same(s.findings.map((f) => f.severity), ['info'], 'only the split, as context');
  t.match(s.reasons[0], /^split: within the weights/);
  t.match(s.routes.grpc, { acknowledged: 50, stored: 50, rps: 5, p50: 1, p95: 2, p99: 3, errorRate: 0 });
  t.match(s.split, { expected: { grpc: 0.5 }, observed: { grpc: { share: 0.5 } }, pValue: 1 });
  t.same(s.reconciliation, { lost: 0, duplicated: 0, unacknowledged: 0 });
  t.match(s.environment, { gitSha: 'abc', k6: 'v2.2.0', settings: { rate: 10 } });
  t.match(formatSummary(s), /verdict +PASS/);
});

t.test('each failure makes the verdict FAIL and says why', async (t) => {
  const failedK6 = { ...k6, thresholds: { passed: false, failed: ['route_errors{route:grpc} rate<=0.01'], all: [] } };
  const cases: [string, Partial<DemoInputs>, string, RegExp][] = [
    ['lost write', { reconcile: report({ lose: 2 }) }, 'lost-not-stored', /LOST: 2 writes acknowledged by route grpc are not in MongoDB/],
    ['duplicate', { reconcile: report({ excessCount: 1 }) }, 'counted-twice', /DUPLICATED: Redis counts 51 records/],
    ['split', { reconcile: report({ split: [80, 20] }) }, 'split', /split: OUTSIDE the weights: observed grpc 80\.00%/],
    ['thresholds', { k6: { exitCode: 99, summary: failedK6 } }, 'threshold-failed', /threshold failed: route_errors/],
    ['no k6 summary', { k6: { exitCode: 108, summary: undefined } }, 'k6-no-summary', /k6 wrote no summary \(exit 108: the target was not ready/],
    ['crash', { crashed: ['redis-writer exited (1)'] }, 'crashed', /a process crashed: redis-writer/],
    ['no reconciliation', { reconcile: undefined, checkErrors: [{ what: 'reconciliation', message: 'Redis down' }] }, 'check-error', /reconciliation failed: Redis down/],
  ];
  for (const [name, change, kind, reason] of cases) {
    const s = buildSummary({ ...base, ...change });
    t.equal(s.verdict, 'FAIL', name);
    t.ok(s.findings.some((f) => f.kind === kind && f.severity === 'fail'), `${name}: a ${kind} finding fails it`);
    t.ok(s.reasons.some((r) => reason.test(r)), `${name}: ${s.reasons.join(' | ')}`);
  }
});

t.test('the printed verdict lists what decided it; information follows as notes', async (t) => {
  const failedK6 = { ...k6, thresholds: { passed: false, failed: ['route_req_duration{route:grpc} p(99)<100'], all: [] } };
  const text = formatSummary(buildSummary({ ...base, k6: { exitCode: 99, summary: failedK6 } }));
  const verdictBlock = text.slice(text.indexOf('verdict'), text.indexOf('\nnotes'));
  t.match(verdictBlock, /verdict +FAIL\n {2}- k6 exited 99[^\n]*\n {2}- threshold failed: route_req_duration/, 'the failures under the verdict');
  t.notMatch(verdictBlock, /within the weights/, 'not the split that held');
  t.match(text, /\nnotes\n {2}- split: within the weights/, 'the split as a note');
});

t.test('dropped iterations and an interrupted run are notes, not failures', async (t) => {
  const s = buildSummary({ ...base, interrupted: true, k6: { exitCode: 0, summary: { ...k6, droppedIterations: 3 } } });
  t.equal(s.verdict, 'PASS');
  t.same(s.findings.filter((f) => f.severity === 'warn').map((f) => f.kind), ['dropped-iterations', 'interrupted']);
  t.match(s.reasons.join('\n'), /note: k6 dropped 3 iterations/);
});

t.test('a saturated machine: speed findings are reported, not judged; correctness still fails', async (t) => {
  const machine = { busy: 0.97, cpus: 2, droppedIterations: 0, saturated: true, signals: ['cpu' as const] };
  const failedK6 = { ...k6, thresholds: { passed: false, failed: ['route_req_duration{route:grpc} p(99)<100'], all: [] } };
  const slow = buildSummary({ ...base, machine, k6: { exitCode: 99, summary: failedK6 } });
  t.equal(slow.verdict, 'INCONCLUSIVE', 'a threshold crossed on a saturated machine says nothing about the system');
  t.match(slow.findings[0], { kind: 'machine-saturated', excused: ['k6-exit', 'threshold-failed'] });
  t.match(slow.reasons[0], /^INCONCLUSIVE: the machine ran out/);
  t.equal(buildSummary({ ...base, machine, k6: { exitCode: 99, summary: failedK6 }, reconcile: report({ lose: 1 }) }).verdict, 'FAIL', 'a lost write fails whatever the load');
  t.equal(buildSummary({ ...base, machine }).verdict, 'PASS', 'a busy machine on which everything held: PASS');
  t.equal(buildSummary({ ...base, k6: { exitCode: 99, summary: failedK6 } }).verdict, 'FAIL', 'a quiet machine: the threshold fails the run');
  const dropped = { ...machine, busy: 0.5, droppedIterations: 40, signals: ['dropped-iterations' as const] };
  t.equal(buildSummary({ ...base, machine: dropped, k6: { exitCode: 0, summary: { ...k6, droppedIterations: 40 } } }).verdict, 'INCONCLUSIVE', 'the load asked for was not offered');
});
