// The demo's verdict from literals: the reconciler's report built by its own pure functions from a
// literal ack log and store snapshot, k6's summary.json as k6 writes it.
import t from 'tap';
import { parseAcks } from '../reconcile/acks.js';
import { k6SummaryFixture } from '../reconcile/k6-summary-fixture.js';
import { reconcile, type StoreSnapshot } from '../reconcile/reconcile.js';
import { assembleReport, type ReconcileReport } from '../reconcile/run.js';
import { splitTest } from '../reconcile/split-test.js';
import { costReport } from '../cost/cost.js';
import type { FaultAnalysis } from '../faults/analysis.js';
import type { CpuPart, MachineLoad } from './machine.js';
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
    ['dashboard query', { dashboard: [{ panel: 'Event loop lag p99', refId: 'A', problem: 'returned no series' }] }, 'dashboard-query', /Benchmark dashboard, "Event loop lag p99" query A: returned no series/],
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

t.test('dropped iterations are a note; an interrupted run is never PASS', async (t) => {
  const dropped = buildSummary({ ...base, k6: { exitCode: 0, summary: { ...k6, droppedIterations: 3 } } });
  t.equal(dropped.verdict, 'PASS');
  t.same(dropped.findings.filter((f) => f.severity === 'warn').map((f) => f.kind), ['dropped-iterations']);
  t.match(dropped.reasons.join('\n'), /note: k6 dropped 3 iterations/);
  const cut = buildSummary({ ...base, interrupted: true });
  t.equal(cut.verdict, 'INCONCLUSIVE', 'everything held, but for less than asked');
  t.match(cut.reasons[0], /^INCONCLUSIVE: interrupted/);
  t.equal(buildSummary({ ...base, interrupted: true, reconcile: report({ lose: 1 }) }).verdict, 'FAIL', 'a lost write still fails it');
});

t.test('a run without thresholds never reads as having passed them', async (t) => {
  const none = { ...k6, thresholds: null, failedChecks: 0 };
  const s = buildSummary({ ...base, thresholdsOff: true, k6: { exitCode: 0, summary: none } });
  t.equal(s.verdict, 'PASS', 'everything judged held');
  t.equal(s.k6?.thresholdsFailed, null, 'no list of failed thresholds, not an empty one');
  t.match(s.findings.find((f) => f.kind === 'thresholds-off'), { severity: 'warn' });
  t.match(formatSummary(s), /verdict +PASS\n {2}- note: thresholds off \(--no-thresholds\): latency and error rates were measured, not judged/, 'said under the verdict');
  const wrongIds = buildSummary({ ...base, thresholdsOff: true, k6: { exitCode: 0, summary: { ...none, failedChecks: 3 } } });
  t.equal(wrongIds.verdict, 'FAIL', 'a failed check still fails the run when no threshold reports it');
  t.ok(wrongIds.reasons.includes('check failed: 3 acknowledged answers did not name their Idempotency-Key as id'), wrongIds.reasons.join(' | '));
  const judged = { ...k6, failedChecks: 2, thresholds: { passed: false, failed: ['checks rate==1'], all: [] } };
  t.same(buildSummary({ ...base, k6: { exitCode: 99, summary: judged } }).findings.filter((f) => f.severity === 'fail').map((f) => f.kind), ['k6-exit', 'threshold-failed'], 'with thresholds on, the failed checks threshold says it once');
});

t.test('an interrupted fault run records the planned faults the interrupt cancelled', async (t) => {
  const plan = [0, 1, 2].map((index) => ({ index, at: 5 + 10 * index, target: 'mongo', action: 'hang', duration: 3 }));
  const ran = { ...plan[0]!, process: 'mongo', startedAt: 1, endedAt: 3001, pidBefore: 1, pidAfter: 1, disruptionEnd: 3001, recoveredAt: {}, recoveryMs: {}, settledAt: {}, settleMs: {}, recovered: true };
  const faults = { boundMs: 15_000, settleBoundMs: 30_000, faults: [ran], windows: [], outsideShare: 0.8, routes: {}, findings: [] } as unknown as FaultAnalysis;
  const s = buildSummary({ ...base, interrupted: true, settings: { rate: 10, faultPlan: plan }, faults });
  t.equal(s.verdict, 'INCONCLUSIVE');
  t.same(s.faultsNotRun?.map((f) => f.index), [1, 2]);
  t.match(formatSummary(s), /outside the fault windows: 80% of the run/);
  t.match(s.findings.find((f) => f.kind === 'faults-not-run'), { severity: 'inconclusive' });
  t.ok(s.reasons.some((r) => /2 planned faults never ran: 2 \(hang mongo at 15s\), 3 \(hang mongo at 25s\)/.test(r)), s.reasons.join(' | '));
  t.notOk(buildSummary({ ...base, settings: { rate: 10, faultPlan: plan }, checkErrors: [{ what: 'analysing the faults', message: 'no samples' }] }).faultsNotRun, 'unknown when the analysis failed');
});

/** A fault as the analysis reports it: a hang of MongoDB that came back and never settled. */
const oneFault = (index: number) => ({
  index, at: 5, target: 'mongo', action: 'hang', duration: 3, process: 'mongo', startedAt: 0, endedAt: 3000, pidBefore: 1, pidAfter: 1,
  disruptionEnd: 3000, recoveredAt: { grpc: 3100, redis: null }, recoveryMs: { grpc: 100, redis: null }, settledAt: { grpc: null, redis: null }, settleMs: { grpc: null, redis: null }, recovered: false,
});

/** Cores per part as machine.ts attributes them, 60 s on 2 CPUs. */
function machine(parts: Record<string, number>, signals: MachineLoad['signals'] = [], droppedIterations = 0): MachineLoad {
  const kind = (p: string): CpuPart['kind'] => (['k6', 'demo', 'other', 'steal', 'idle'].includes(p) ? (p as CpuPart['kind']) : 'stack');
  return {
    busy: 0.97,
    cpus: 2,
    seconds: 60,
    droppedIterations,
    attribution: Object.entries(parts).map(([part, cores]) => ({ part, kind: kind(part), cores, share: cores / 2 })),
    bounds: { otherMaxShare: 0.15, stealMaxShare: 0.05, k6StarvedCores: 0.85 },
    contended: signals.length > 0,
    signals,
  };
}

t.test('a machine the stack used: a failed threshold is the system not holding the rate (FAIL), with the cores each part used', async (t) => {
  const busy = machine({ mongo: 0.6, 'grpc-server-1': 0.5, 'grpc-client-1': 0.3, 'redis-writer-1': 0.2, redis: 0.05, ingress: 0.1, k6: 0.2, demo: 0.01, other: 0.02, steal: 0, idle: 0.02 });
  const failedK6 = { ...k6, thresholds: { passed: false, failed: ['route_req_duration{route:grpc} p(99)<100'], all: [] } };
  const s = buildSummary({ ...base, machine: busy, k6: { exitCode: 99, summary: failedK6 } });
  t.equal(s.verdict, 'FAIL', 'the stack, not other work, had the CPU');
  const reason = s.reasons.find((r) => r.startsWith('the system did not hold'));
  t.match(reason, /^the system did not hold 10 req\/s on this machine: the stack used 1\.75 of 2 cores \(mongo 0\.60, grpc-server-1 0\.50, .*\); k6 0\.20, demo 0\.01, other 0\.02, steal 0\.00, idle 0\.02/);
  t.match(reason, /more CPU per request, or more cores, would be needed for this rate$/, 'a machine busy all along: the cores ran out');
  const halfIdle = machine({ mongo: 0.2, 'grpc-server-1': 0.2, 'grpc-client-1': 0.2, 'redis-writer-1': 0.3, ingress: 0.1, k6: 0.2, demo: 0.05, other: 0, steal: 0, idle: 0.65 });
  const bursty = buildSummary({ ...base, machine: halfIdle, k6: { exitCode: 99, summary: failedK6 } });
  t.equal(bursty.verdict, 'FAIL', 'a third of the machine idle: still the system that missed the threshold');
  t.match(bursty.reasons.find((r) => r.startsWith('the system did not hold')), /33% of the machine was idle on average: the latency came from the system itself/, 'but not for want of cores over the run');
  t.same(s.machine?.attribution.length, 11, 'the attribution is kept in summary.json');
  const text = formatSummary(s);
  t.match(text, /CPU over the run \(60 s on 2 CPUs/);
  t.match(text, /\nmongo +0\.60 +30\.0%\n/);
  t.match(text, /\nstack, all +1\.75 +87\.5%\n/);
  t.match(text, /\nother +0\.02 +1\.0%\nsteal +0\.00 +0\.0%\nidle +0\.02 +1\.0%\n/);
  t.equal(buildSummary({ ...base, machine: busy }).verdict, 'PASS', 'a busy machine on which everything held: PASS');
  const dropped = buildSummary({ ...base, machine: { ...busy, droppedIterations: 40 }, k6: { exitCode: 0, summary: { ...k6, droppedIterations: 40 } } });
  t.equal(dropped.verdict, 'PASS', 'dropped iterations alone are no excuse, and no failure either (a note)');
});

t.test('a machine the system could not get: latency findings reported, not judged; error rates and correctness still fail', async (t) => {
  const burners = machine({ mongo: 0.3, 'grpc-server-1': 0.2, k6: 0.15, demo: 0.01, other: 1.3, steal: 0, idle: 0.04 }, ['other-work']);
  const latency = { ...k6, thresholds: { passed: false, failed: ['route_req_duration{route:grpc} p(99)<100', 'route_req_duration{route:redis} p(95)<50'], all: [] } };
  const slow = buildSummary({ ...base, machine: burners, k6: { exitCode: 99, summary: latency } });
  t.equal(slow.verdict, 'INCONCLUSIVE');
  t.match(slow.findings[0], { kind: 'machine-contended', excused: ['k6-exit', 'threshold-failed'] });
  t.match(slow.reasons[0], /^CPU SHORT: the system under test could not get the CPU it needed: work outside the stack and k6 used 1\.30 cores \(65% of 2 CPUs, bound 15%\)/);
  const errors = { ...k6, thresholds: { passed: false, failed: ['route_req_duration{route:grpc} p(99)<100', 'route_errors{route:grpc} rate<=0.01'], all: [] } };
  const failing = buildSummary({ ...base, machine: burners, k6: { exitCode: 99, summary: errors } });
  t.equal(failing.verdict, 'FAIL', 'an error rate is never excused');
  t.same(failing.findings.filter((f) => f.severity === 'fail').map((f) => f.kind), ['k6-exit', 'threshold-failed'], "the error threshold and k6's exit 99 (it says no more than its thresholds)");
  t.equal(buildSummary({ ...base, machine: burners, k6: { exitCode: 99, summary: latency }, reconcile: report({ lose: 1 }) }).verdict, 'FAIL', 'a lost write fails whatever the load');
  t.equal(buildSummary({ ...base, machine: burners, k6: { exitCode: 107, summary: latency } }).verdict, 'FAIL', 'a k6 exit other than thresholds crossed is not about speed');
  const outside = { boundMs: 15_000, settleBoundMs: 30_000, faults: [], windows: [], outsideShare: 0.7, routes: {}, findings: [
    { kind: 'threshold-outside-faults', severity: 'fail', route: 'grpc', what: 'p99', value: 180, limit: 100 },
    { kind: 'threshold-outside-faults', severity: 'fail', route: 'redis', what: 'errorRate', value: 0.05, limit: 0.01 },
  ] } as unknown as FaultAnalysis;
  const f = buildSummary({ ...base, machine: burners, faults: outside });
  t.equal(f.verdict, 'FAIL');
  t.same(f.findings.map((x) => [x.kind, x.severity]).filter(([k]) => k === 'threshold-outside-faults'), [['threshold-outside-faults', 'fail'], ['threshold-outside-faults', 'warn']], 'outside the faults too: the error rate judged (first), p99 excused');
  t.equal(f.findings[0]!.kind, 'threshold-outside-faults', 'what decides the verdict comes first');
  const backlog = { ...outside, findings: [
    { kind: 'fault-not-settled', severity: 'fail', fault: oneFault(0), route: 'grpc', boundMs: 30_000, p99Ms: 100 },
    { kind: 'fault-not-recovered', severity: 'fail', fault: oneFault(1), route: 'redis', boundMs: 15_000 },
  ] } as unknown as FaultAnalysis;
  const drained = buildSummary({ ...base, machine: burners, faults: backlog });
  t.same(drained.findings.filter((x) => x.kind.startsWith('fault-not')).map((x) => [x.kind, x.severity]), [['fault-not-recovered', 'fail'], ['fault-not-settled', 'warn']], 'a backlog not drained in time is excused (it drains at the spare capacity other work took); a route that never answered again is not');
  const starved = machine({ mongo: 0.5, k6: 0.95, demo: 0.01, other: 0.04, steal: 0, idle: 0.5 }, ['k6-starved'], 300);
  t.match(buildSummary({ ...base, machine: starved, k6: { exitCode: 99, summary: latency } }).reasons[0], /k6 was starved: busy 0\.95 cores \(bound 0\.85\) and it dropped 300 iterations/);
});

t.test('the cost table says at which rate and replicas its figures hold', async (t) => {
  // 20 s, 400 + 400 acknowledged: 40 req/s; two replicas of each service.
  const usage = ['grpc-client-1', 'grpc-client-2', 'grpc-server-1', 'grpc-server-2', 'redis-writer-1', 'redis-writer-2', 'redis', 'mongo', 'k6'].map((process) => ({ process, cpuMs: 1000, peakRssBytes: 2 ** 26, samples: 20 }));
  const cost = costReport(usage, { from: 0, to: 20_000 }, { grpc: 400, redis: 400 }, { grpc: 400, redis: 400 });
  const text = formatSummary(buildSummary({ ...base, cost }));
  t.match(text, /cost \(CPU ms per acknowledged request;.*\n\s*these figures hold at 40\.0 req\/s achieved \(acknowledged, over 20 s\), 2 replicas of each service; at another rate they differ/);
  const uneven = costReport(usage.filter((u) => u.process !== 'redis-writer-2'), { from: 0, to: 20_000 }, { grpc: 400, redis: 400 }, { grpc: 400, redis: 400 });
  t.match(formatSummary(buildSummary({ ...base, cost: uneven })), /replicas grpc-client 2, grpc-server 2, redis-writer 1;/, 'unequal replicas: each service named');
});
