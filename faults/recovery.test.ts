// Recovery and fault windows from literal client records: an ack line holds its request's start and
// duration; k6's request samples their answer time and duration.
import t from 'tap';
import { K6_METRICS as M } from '../contract/k6-metrics.js';
import type { RouteSample } from '../timeseries/k6-csv.js';
import { analyseFaults, faultWindows, outcomes } from './analysis.js';
import type { FaultRecord } from './injector.js';
import { disruptionEnd, RecoveryTracker, WindowWidener } from './recovery.js';

const T = 1_800_000_000_000;
const fault = (over: Partial<FaultRecord>): FaultRecord => ({ index: 0, at: 5, target: 'mongo', action: 'hang', duration: 3, process: 'mongo', startedAt: T, endedAt: T + 3000, pidBefore: 1, pidAfter: 1, ...over });
const ack = (route: string, startMs: number, durationMs: number) => ({ runId: 'r', route, id: `${route}-${startMs}`, status: 201, startMs, durationMs, attempts: 1 });

t.test("a hang's disruption ends with it; a kill's at its signal", async (t) => {
  t.equal(disruptionEnd(fault({})), T + 3000);
  t.equal(disruptionEnd(fault({ action: 'kill', duration: 0 })), T);
  t.equal(disruptionEnd(fault({ action: 'stop', duration: 2 })), T + 2000);
});

t.test('a route recovers when a fresh request is acknowledged, not an old one answered late', async (t) => {
  const tracker = new RecoveryTracker([fault({})], ['grpc', 'redis'], 100);
  tracker.add(ack('grpc', T - 500, 4000)); // began before the hang ended: answered late, says nothing
  tracker.add(ack('grpc', T + 3200, 40)); // fresh: recovered at T+3240
  tracker.add(ack('grpc', T + 3100, 900)); // fresh too, but answered later
  tracker.add({ runId: 'r', route: 'redis', id: 'old-format', status: 201 }); // an old log line: no timing, ignored
  const [r] = tracker.result();
  t.same(r, {
    disruptionEnd: T + 3000,
    recoveredAt: { grpc: T + 3240, redis: null },
    recoveryMs: { grpc: 240, redis: null },
    // The second from T+3000 held a 900 ms answer (its p99 over 100 ms): not settled in what the run saw.
    settledAt: { grpc: null, redis: null },
    settleMs: { grpc: null, redis: null },
  });
});

t.test('a route settles in the first second whose fresh requests were answered within the p99 threshold', async (t) => {
  const tracker = new RecoveryTracker([fault({})], ['grpc'], 100);
  tracker.add(ack('grpc', T + 3050, 30)); // recovered at T+3080 ...
  tracker.add(ack('grpc', T + 3500, 1200)); // ... but the second from T+3000 still drains a backlog
  tracker.add(ack('grpc', T + 4100, 2000)); // so does the next one
  for (let i = 0; i < 50; i++) tracker.add(ack('grpc', T + 5000 + i * 20, 20 + i)); // the third answers in time
  tracker.add(ack('grpc', T + 6100, 3000)); // a slow one later: the route had settled already
  const [r] = tracker.result();
  t.same(r!.recoveryMs, { grpc: 80 });
  t.same(r!.settleMs, { grpc: 2000 }, 'from the start of the first calm second');
  const [o] = outcomes([fault({})], [r!]);
  t.equal(o!.recovered, true);
  t.same(faultWindows([o!]), [{ start: T, end: T + 5001 }], 'the window runs to the last route settled');
});

t.test('the window runs to the last answer of a request in flight before the recovery', async (t) => {
  const [o] = outcomes([fault({})], [{ disruptionEnd: T + 3000, recoveredAt: { grpc: T + 3240, redis: T + 3100 }, recoveryMs: { grpc: 240, redis: 100 }, settledAt: { grpc: T + 3240, redis: T + 3100 }, settleMs: { grpc: 240, redis: 100 } }]);
  t.equal(o!.recovered, true);
  const [w] = faultWindows([o!]);
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

t.test('verdict: a route that never recovers, thresholds apply outside the windows only', async (t) => {
  const [o] = outcomes([fault({})], [{ disruptionEnd: T + 3000, recoveredAt: { grpc: null, redis: T + 3100 }, recoveryMs: { grpc: null, redis: 100 }, settledAt: { grpc: null, redis: T + 3100 }, settleMs: { grpc: null, redis: 100 } }]);
  t.equal(o!.recovered, false);
  t.same(faultWindows([o!]), [{ start: T, end: T + 3000 + 30_000 + 1 }], 'to the settle bound when a route never recovers');
  const figures = (errorRate: number, p99: number) => ({ requests: 100, acks: 100, errors: 0, errorRate, p50: 1, p95: 2, p99, attempts: 100, attemptsByStatus: {}, retries: 0 });
  const a = analyseFaults([o!], [], { windows: [], routes: { grpc: { inside: figures(0.9, 9000), outside: figures(0, 20) }, redis: { inside: figures(0.5, 9000), outside: figures(0.02, 150) } } }, ['grpc', 'redis'], { maxErrorRate: 0.01, p95Ms: 50, p99Ms: 100 });
  t.same(
    a.findings.map((f) => [f.kind, 'route' in f ? f.route : '', 'what' in f ? f.what : '']),
    [
      ['fault-not-recovered', 'grpc', ''],
      ['threshold-outside-faults', 'redis', 'errorRate'],
      ['threshold-outside-faults', 'redis', 'p99'],
    ],
    "the grpc route's outage and redis's figures outside the faults; nothing about inside",
  );
});

t.test('verdict: a route that answers again but is not in time within the settle bound has not recovered', async (t) => {
  const [o] = outcomes([fault({})], [{ disruptionEnd: T + 3000, recoveredAt: { grpc: T + 3100, redis: T + 3100 }, recoveryMs: { grpc: 100, redis: 100 }, settledAt: { grpc: T + 3100, redis: T + 34_000 }, settleMs: { grpc: 100, redis: 31_000 } }]);
  t.equal(o!.recovered, false, 'redis settled after the 30 s settle bound');
  t.same(faultWindows([o!]), [{ start: T, end: T + 3000 + 30_000 + 1 }], 'to the settle bound when a route settles after it');
  const figures = { requests: 100, acks: 100, errors: 0, errorRate: 0, p50: 1, p95: 2, p99: 20, attempts: 100, attemptsByStatus: {}, retries: 0 };
  const a = analyseFaults([o!], [], { windows: [], routes: { grpc: { inside: figures, outside: figures }, redis: { inside: figures, outside: figures } } }, ['grpc', 'redis'], { maxErrorRate: 0.01, p95Ms: 50, p99Ms: 100 });
  t.same(a.findings.map((f) => [f.kind, 'route' in f ? f.route : '']), [['fault-not-settled', 'redis']]);
  t.match(a, { boundMs: 15_000, settleBoundMs: 30_000 });
});

t.test('verdict: a backlog that drains after the recovery bound but within the settle bound has recovered', async (t) => {
  // Seen on a real run: a 3 s hang of MongoDB at 100 req/s, back after 1.4 s, in time again after 18 s.
  const [o] = outcomes([fault({})], [{ disruptionEnd: T + 3000, recoveredAt: { grpc: T + 4400, redis: T + 4000 }, recoveryMs: { grpc: 1400, redis: 1000 }, settledAt: { grpc: T + 21_000, redis: T + 20_000 }, settleMs: { grpc: 18_000, redis: 17_000 } }]);
  t.equal(o!.recovered, true);
  t.same(faultWindows([o!]), [{ start: T, end: T + 21_001 }], 'the window runs until the backlog drained, so the thresholds outside it judge steady state');
  t.equal(outcomes([fault({})], [{ disruptionEnd: T + 3000, recoveredAt: { grpc: T + 19_000, redis: T + 4000 }, recoveryMs: { grpc: 16_000, redis: 1000 }, settledAt: { grpc: T + 21_000, redis: T + 20_000 }, settleMs: { grpc: 18_000, redis: 17_000 } }])[0]!.recovered, false, 'but answering 2xx again still has 15 s');
});
