// Recovery, settling and fault windows from literal client records: an ack line holds its request's
// start and duration; k6's request samples their answer time and duration, and route_errors says which failed.
import t from 'tap';
import { K6_METRICS as M } from '../contract/k6-metrics.js';
import type { RouteSample } from '../timeseries/k6-csv.js';
import { analyseFaults, faultWindows, MIN_OUTSIDE_SHARE, outcomes, outsideShare } from './analysis.js';
import type { FaultRecord } from './injector.js';
import { disruptionEnd, MIN_SETTLE_REQUESTS, minSettleRequests, RecoveryTracker, WindowWidener } from './recovery.js';

const T = 1_800_000_000_000;
const fault = (over: Partial<FaultRecord>): FaultRecord => ({ index: 0, at: 5, target: 'mongo', action: 'hang', duration: 3, process: 'mongo', startedAt: T, endedAt: T + 3000, pidBefore: 1, pidAfter: 1, ...over });
const ack = (route: string, startMs: number, durationMs: number) => ({ runId: 'r', route, id: `${route}-${startMs}`, status: 201, startMs, durationMs, attempts: 1 });

/** k6's samples of one request: its duration, stamped at its answer, and route_errors (1: it failed). */
function request(route: string, startMs: number, durationMs: number, failed = false): RouteSample[] {
  const t = startMs + durationMs;
  return [
    { metric: M.requestDuration, t, value: durationMs, route, status: '' },
    { metric: M.errors, t: t + (failed ? 1 : 0), value: failed ? 1 : 0, route, status: '' },
  ];
}
/** `n` requests of `route` spread over the second from `startMs`, each answered in `durationMs`. */
const second = (route: string, startMs: number, n: number, durationMs = 20): RouteSample[] => Array.from({ length: n }, (_, i) => request(route, startMs + Math.floor((i * 1000) / n), durationMs)).flat();
function tracker(faults: FaultRecord[], routes: string[], samples: RouteSample[], acks: ReturnType<typeof ack>[] = [], expectedPerSecond: Record<string, number> = {}, p99Ms: number | null = 100): RecoveryTracker {
  const tr = new RecoveryTracker(faults, routes, p99Ms, expectedPerSecond);
  for (const a of acks) tr.add(a);
  for (const s of samples) tr.addSample(s);
  return tr;
}

t.test('the disruption ends when the process can serve again: the SIGCONT of a hang, the restart of a kill, stop or restart', async (t) => {
  t.equal(disruptionEnd(fault({})), T + 3000);
  t.equal(disruptionEnd(fault({ action: 'kill', duration: 0, endedAt: T + 2500 })), T + 2500, 'the supervisor had it running again');
  t.equal(disruptionEnd(fault({ action: 'stop', duration: 2, endedAt: T + 3100 })), T + 3100);
  t.equal(disruptionEnd(fault({ action: 'restart', duration: 0, endedAt: null })), T, 'never running again: the planned end stands in');
});

t.test('a restart whose process came back 4 s after the signal: recovery and settling count from its return', async (t) => {
  // A MongoDB restart: SIGTERM at T, running again at T+4000. Requests in between stall or fail.
  const restart = fault({ action: 'restart', duration: 0, endedAt: T + 4000 });
  const samples = [
    ...request('grpc', T + 500, 3800, true), // began during the outage: not fresh
    ...request('grpc', T + 3900, 900), // began before the return: not fresh
    ...second('grpc', T + 4000, 40), // fresh and in time from the return
  ];
  const [r] = tracker([restart], ['grpc'], samples, [ack('grpc', T + 3900, 900), ack('grpc', T + 4050, 20)]).result();
  t.equal(r!.disruptionEnd, T + 4000);
  t.same(r!.recoveredAt, { grpc: T + 4070 }, 'the first fresh acknowledgement after the return; the older request answered at T+4800 is no evidence');
  t.same(r!.recoveryMs, { grpc: 70 }, 'from the return, not from the signal (which would say 4.1 s)');
  t.same(r!.settleMs, { grpc: 70 });
  const judged = outcomes([restart], [r!]);
  t.equal(judged.faults[0]!.recovered, true);
  t.same(faultWindows(judged), [{ start: T, end: T + 4071 }], 'the window covers the 4 s the process was gone');
});

t.test('a route recovers when a fresh request is acknowledged, not an old one answered late', async (t) => {
  const tr = tracker([fault({})], ['grpc', 'redis'], [], [
    ack('grpc', T - 500, 4000), // began before the hang ended: answered late, says nothing
    ack('grpc', T + 3200, 40), // fresh: recovered at T+3240
    ack('grpc', T + 3100, 900), // fresh too, but answered later
  ]);
  tr.add({ runId: 'r', route: 'redis', id: 'old-format', status: 201 }); // an old log line: no timing, ignored
  const [r] = tr.result();
  t.same(r, {
    disruptionEnd: T + 3000,
    recoveredAt: { grpc: T + 3240, redis: null },
    recoveryMs: { grpc: 240, redis: null },
    settledAt: { grpc: null, redis: null },
    settleMs: { grpc: null, redis: null },
  });
});

t.test('a route settles in the first second of enough fresh requests, none failed, answered within the p99 threshold', async (t) => {
  const samples = [
    ...request('grpc', T + 3050, 30), // recovered at T+3080 ...
    ...request('grpc', T + 3500, 1200), // ... but the second from T+3000 still drains a backlog
    ...request('grpc', T + 4100, 2000), // so does the next one
    ...second('grpc', T + 5000, 50), // the third answers in time
    ...request('grpc', T + 6100, 3000), // a slow one later: the route had settled already
  ];
  const [r] = tracker([fault({})], ['grpc'], samples, [ack('grpc', T + 3050, 30)]).result();
  t.same(r!.recoveryMs, { grpc: 80 });
  t.same(r!.settleMs, { grpc: 2000 }, 'from the start of the first calm second');
  const judged = outcomes([fault({})], [r!]);
  t.equal(judged.faults[0]!.recovered, true);
  t.same(faultWindows(judged), [{ start: T, end: T + 5001 }], 'the window runs to the last route settled');
  // Five more slow requests in the first second: enough of them, none failed, all late.
  const slowFirst = [...samples, ...Array.from({ length: 5 }, (_, i) => request('grpc', T + 3100 + i * 100, 1500)).flat()];
  const [judgedByP99] = tracker([fault({})], ['grpc'], slowFirst, [ack('grpc', T + 3050, 30)]).result();
  t.same(judgedByP99!.settleMs, { grpc: 2000 }, 'with a p99 threshold the slow first second has not settled');
  const [noThreshold] = tracker([fault({})], ['grpc'], slowFirst, [ack('grpc', T + 3050, 30)], {}, null).result();
  t.same(noThreshold!.settleMs, { grpc: 80 }, 'without one, the first second of enough fresh requests without errors has, however slow (no earlier than the recovery)');
});

t.test('a second with a failed request has not settled', async (t) => {
  const samples = [
    ...second('grpc', T + 3000, 30),
    ...request('grpc', T + 3400, 15, true), // a fast 503 in the first second: fast, but not settled
    ...second('grpc', T + 4000, 30),
    ...request('none', T + 4500, 5, true), // the ingress's own error (no route): counts against every route
    ...second('grpc', T + 5000, 30),
  ];
  const [r] = tracker([fault({})], ['grpc'], samples, [ack('grpc', T + 3000, 20)]).result();
  t.same(r!.settleMs, { grpc: 2000 }, 'neither the second with the 503 nor the one with the unrouted failure');
  const [clean] = tracker([fault({})], ['grpc'], samples.filter((s) => s.metric !== M.errors), [ack('grpc', T + 3000, 20)]).result();
  t.same(clean!.settleMs, { grpc: 20 }, 'without the failures the first second settles (no earlier than the recovery)');
  const [older] = tracker([fault({})], ['grpc'], [...request('grpc', T + 2000, 1500, true), ...second('grpc', T + 3000, 30)], [ack('grpc', T + 3000, 20)]).result();
  t.same(older!.settleMs, { grpc: 20 }, 'a request begun before the end and failing after it is not fresh: it does not hold up the first second');
  // A held request failing in the same millisecond as a fresh one is answered: k6's CSV cannot tell which
  // failed, so both count as failed (settling later, never earlier).
  const same = [...request('grpc', T + 2000, 1500, true), ...request('grpc', T + 3480, 20), ...second('grpc', T + 3000, 30), ...second('grpc', T + 4000, 30)];
  const [tied] = tracker([fault({})], ['grpc'], same, [ack('grpc', T + 3000, 20)]).result();
  t.same(tied!.settleMs, { grpc: 1000 });
});

t.test('a second with too few fresh requests says nothing: at least 5, and half the expected rate', async (t) => {
  t.equal(minSettleRequests(0), MIN_SETTLE_REQUESTS);
  t.equal(minSettleRequests(50), 25);
  const samples = [...second('grpc', T + 3000, 4), ...second('grpc', T + 4000, 20), ...second('grpc', T + 5000, 30)];
  const [r] = tracker([fault({})], ['grpc'], samples, [ack('grpc', T + 3000, 20)]).result();
  t.same(r!.settleMs, { grpc: 1000 }, 'four requests in the first second are not enough');
  const [at50] = tracker([fault({})], ['grpc'], samples, [ack('grpc', T + 3000, 20)], { grpc: 50 }).result();
  t.same(at50!.settleMs, { grpc: 2000 }, 'at 50 req/s expected, 20 are not enough either');
});

t.test('the window runs to the last answer of a request in flight before the recovery', async (t) => {
  const judged = outcomes([fault({})], [{ disruptionEnd: T + 3000, recoveredAt: { grpc: T + 3240, redis: T + 3100 }, recoveryMs: { grpc: 240, redis: 100 }, settledAt: { grpc: T + 3240, redis: T + 3100 }, settleMs: { grpc: 240, redis: 100 } }]);
  t.equal(judged.faults[0]!.recovered, true);
  const [w] = faultWindows(judged);
  t.same(w, { start: T, end: T + 3241 }, 'start to the last route settled');
  const widener = new WindowWidener([w!]);
  const sample = (t: number, value: number, metric: string = M.requestDuration): RouteSample => ({ metric: metric as RouteSample['metric'], t, value, route: 'grpc', status: '' });
  widener.add(sample(T + 9000, 7000)); // began at T+2000, inside: its answer at T+9000 ends the window
  widener.add(sample(T + 12_000, 4000)); // began at T+8000, after the recovery: steady state
  widener.add(sample(T - 10, 500)); // began and ended before the fault: steady state
  widener.add(sample(T + 20_000, 1, M.acks)); // not a request duration
  t.same(widener.result(), [{ start: T, end: T + 9001 }]);

  const early = new WindowWidener([w!]);
  early.add(sample(T + 9500, 9700)); // began 200 ms before the fault, held by it: its answer is the fault's
  t.same(early.result(), [{ start: T, end: T + 9501 }]);
});

const figures = (errorRate: number, p99: number) => ({ requests: 100, acks: 100, errors: 0, errorRate, p50: 1, p95: 2, p99, attempts: 100, attemptsByStatus: {}, retries: 0 });
const th = { maxErrorRate: 0.01, p95Ms: 50, p99Ms: 100 };
const kinds = (a: { findings: { kind: string }[] }) => a.findings.map((f) => [f.kind, 'route' in f ? f.route : '', 'what' in f ? f.what : '']);

t.test('verdict: a route that never recovers, thresholds apply outside the windows only', async (t) => {
  const judged = outcomes([fault({})], [{ disruptionEnd: T + 3000, recoveredAt: { grpc: null, redis: T + 3100 }, recoveryMs: { grpc: null, redis: 100 }, settledAt: { grpc: null, redis: T + 3100 }, settleMs: { grpc: null, redis: 100 } }]);
  t.equal(judged.faults[0]!.recovered, false);
  t.same(judged.problems, [{ grpc: 'not-back' }], 'decided once, in outcomes()');
  t.same(faultWindows(judged), [{ start: T, end: T + 3000 + 30_000 + 1 }], 'to the settle bound when a route never recovers');
  const a = analyseFaults(judged, [], { windows: [], routes: { grpc: { inside: figures(0.9, 9000), outside: figures(0, 20) }, redis: { inside: figures(0.5, 9000), outside: figures(0.02, 150) } } }, ['grpc', 'redis'], th);
  t.same(
    kinds(a),
    [
      ['fault-not-recovered', 'grpc', ''],
      ['threshold-outside-faults', 'redis', 'errorRate'],
      ['threshold-outside-faults', 'redis', 'p99'],
    ],
    "the grpc route's outage and redis's figures outside the faults; nothing about inside",
  );
});

t.test('verdict: a route that answers again but is not in time within the settle bound has not recovered', async (t) => {
  const judged = outcomes([fault({})], [{ disruptionEnd: T + 3000, recoveredAt: { grpc: T + 3100, redis: T + 3100 }, recoveryMs: { grpc: 100, redis: 100 }, settledAt: { grpc: T + 3100, redis: T + 34_000 }, settleMs: { grpc: 100, redis: 31_000 } }]);
  t.equal(judged.faults[0]!.recovered, false, 'redis settled after the 30 s settle bound');
  t.same(faultWindows(judged), [{ start: T, end: T + 3000 + 30_000 + 1 }], 'to the settle bound when a route settles after it');
  const same = figures(0, 20);
  const a = analyseFaults(judged, [], { windows: [], routes: { grpc: { inside: same, outside: same }, redis: { inside: same, outside: same } } }, ['grpc', 'redis'], th);
  t.same(a.findings.map((f) => [f.kind, 'route' in f ? f.route : '']), [['fault-not-settled', 'redis']]);
  t.match(a, { boundMs: 15_000, settleBoundMs: 30_000 });
  const strict = analyseFaults(outcomes([fault({})], [judged.faults[0]!], { backMs: 50, settleMs: 30_000 }), [], { windows: [], routes: {} }, ['grpc', 'redis'], th);
  t.same(strict.findings.map((f) => [f.kind, 'route' in f ? f.route : '']), [['fault-not-recovered', 'grpc'], ['fault-not-recovered', 'redis']], 'the bounds given to outcomes() are the ones the findings report');
  t.match(strict, { boundMs: 50 });
});

t.test('verdict: a backlog that drains after the recovery bound but within the settle bound has recovered', async (t) => {
  // Seen on a real run: a 3 s hang of MongoDB at 100 req/s, back after 1.4 s, in time again after 18 s.
  const judged = outcomes([fault({})], [{ disruptionEnd: T + 3000, recoveredAt: { grpc: T + 4400, redis: T + 4000 }, recoveryMs: { grpc: 1400, redis: 1000 }, settledAt: { grpc: T + 21_000, redis: T + 20_000 }, settleMs: { grpc: 18_000, redis: 17_000 } }]);
  t.equal(judged.faults[0]!.recovered, true);
  t.same(faultWindows(judged), [{ start: T, end: T + 21_001 }], 'the window runs until the backlog drained, so the thresholds outside it judge steady state');
  t.equal(outcomes([fault({})], [{ disruptionEnd: T + 3000, recoveredAt: { grpc: T + 19_000, redis: T + 4000 }, recoveryMs: { grpc: 16_000, redis: 1000 }, settledAt: { grpc: T + 21_000, redis: T + 20_000 }, settleMs: { grpc: 18_000, redis: 17_000 } }]).faults[0]!.recovered, false, 'but answering 2xx again still has 15 s');
});

t.test('verdict: a run without thresholds judges nothing outside the windows, and says so of settling', async (t) => {
  const judged = outcomes([fault({})], [{ disruptionEnd: T + 3000, recoveredAt: { grpc: T + 3100, redis: T + 3100 }, recoveryMs: { grpc: 100, redis: 100 }, settledAt: { grpc: T + 3100, redis: null }, settleMs: { grpc: 100, redis: null } }]);
  const a = analyseFaults(judged, [], { windows: [], routes: { grpc: { inside: figures(0.9, 9000), outside: figures(0.5, 9000) }, redis: { inside: figures(0, 20), outside: figures(0, 20) } } }, ['grpc', 'redis'], null);
  t.same(kinds(a), [['fault-not-settled', 'redis', '']], 'the 50% errors and 9 s p99 outside the windows are figures, not findings');
  t.match(a.findings[0], { p99Ms: null }, 'settling was judged by errors alone');
});

t.test('verdict: a process that never ran again fails its fault', async (t) => {
  const gone = fault({ action: 'kill', duration: 0, endedAt: null });
  const judged = outcomes([gone], [{ disruptionEnd: T, recoveredAt: { grpc: T + 100 }, recoveryMs: { grpc: 100 }, settledAt: { grpc: T + 100 }, settleMs: { grpc: 100 } }]);
  t.equal(judged.faults[0]!.recovered, false);
  t.same(kinds(analyseFaults(judged, [], { windows: [], routes: {} }, ['grpc'], th)), [['fault-not-ended', '', '']]);
});

t.test('fault windows that cover most of the run leave too little steady state to judge: INCONCLUSIVE', async (t) => {
  const span = { start: T - 5000, end: T + 45_000 }; // a 50 s run
  t.equal(outsideShare([{ start: T, end: T + 10_000 }], span), 0.8);
  t.equal(outsideShare([{ start: T, end: T + 10_000 }, { start: T + 5000, end: T + 20_000 }, { start: T + 40_000, end: T + 60_000 }], span), 0.5, 'overlapping windows count once; a window past the end is clipped');
  t.equal(outsideShare([{ start: T - 9000, end: T + 50_000 }], span), 0);
  const judged = outcomes([fault({})], [{ disruptionEnd: T + 3000, recoveredAt: { grpc: T + 3100 }, recoveryMs: { grpc: 100 }, settledAt: { grpc: T + 3100 }, settleMs: { grpc: 100 } }]);
  const dense = analyseFaults(judged, [{ start: T - 4000, end: T + 35_000 }], { windows: [], routes: {} }, ['grpc'], th, span);
  t.equal(dense.outsideShare, 0.22);
  t.match(dense.findings.at(-1), { kind: 'too-little-outside-faults', severity: 'inconclusive', outsideShare: 0.22, minShare: MIN_OUTSIDE_SHARE });
  const sparse = analyseFaults(judged, [{ start: T, end: T + 10_000 }], { windows: [], routes: {} }, ['grpc'], th, span);
  t.notOk(sparse.findings.some((f) => f.kind === 'too-little-outside-faults'), '80% outside: enough');
});
