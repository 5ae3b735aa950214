// The reconciliation's classification, from literals: each finding on its own, and the cases that must
// not be findings.
import t from 'tap';
import { parseAcks } from './acks.js';
import { describeFinding } from './format.js';
import { idsMissingFromRun, reconcile, redisIdsToCheck, type Reconciliation, type StoreSnapshot } from './reconcile.js';

/** The sentences a person reads (format.ts), failures only or all, in the order the findings came. */
const fails = (r: Reconciliation): string[] => r.findings.filter((f) => f.severity === 'fail').map(describeFinding);
const texts = (r: Reconciliation): string[] => r.findings.map(describeFinding);
const kinds = (r: Reconciliation): string[] => r.findings.map((f) => f.kind);

const RUN = 'r1';
const acksOf = (...lines: string[]) => parseAcks(lines.map((l) => `splitbench.ack ${RUN} ${l}`).join('\n'), RUN);
const snapshot = (s: Partial<Omit<StoreSnapshot, 'stored'>> & { stored: Record<string, string> }): StoreSnapshot => ({
  stored: new Map(Object.entries(s.stored)),
  storedElsewhere: s.storedElsewhere ?? new Map(),
  redisRunCount: s.redisRunCount ?? 0,
  seen: s.seen ?? new Set(),
});

/** A clean run: 2 grpc, 2 redis, all stored, the redis ones counted once. */
const cleanAcks = () => acksOf('grpc g1 201', 'grpc g2 201', 'redis b1 201', 'redis b2 201');
const cleanStores = (over: Partial<Omit<StoreSnapshot, 'stored'>> = {}, stored: Record<string, string> = {}) =>
  snapshot({ stored: { g1: 'grpc', g2: 'grpc', b1: 'redis', b2: 'redis', ...stored }, redisRunCount: 2, seen: new Set(['b1', 'b2']), ...over });

t.test('a clean run passes with no findings', async (t) => {
  const r = reconcile(cleanAcks(), cleanStores(), { expectedAcks: { grpc: 2, redis: 2 } });
  t.equal(r.pass, true);
  t.equal(r.lost.count, 0);
  t.equal(r.duplicated.count, 0);
  t.equal(r.unacknowledged.count, 0);
  t.same(r.findings, []);
  t.same(r.routes.grpc, { acknowledged: 2, ackLines: 2, stored: 2, countedInRedis: null, seenMarkers: null, lost: 0, unacknowledged: 0 });
  t.same(r.routes.redis, { acknowledged: 2, ackLines: 2, stored: 2, countedInRedis: 2, seenMarkers: 2, lost: 0, unacknowledged: 0 });
  t.same(r.ackLog, { checked: true, complete: true, expected: { grpc: 2, redis: 2 }, lines: { grpc: 2, redis: 2 } });
});

t.test('lost: acknowledged but not in MongoDB', async (t) => {
  const acks = acksOf('grpc g1 201', 'grpc g2 201', 'grpc g3 201', 'redis b1 201', 'redis b2 201', 'none u9 201');
  const r = reconcile(acks, cleanStores());
  t.equal(r.pass, false, 'any lost write fails the run');
  t.equal(r.lost.count, 2);
  t.same(r.lost.ids, ['g3', 'u9']);
  t.same(r.lost.notStored.grpc, { count: 1, ids: ['g3'] });
  t.same(r.lost.notStored.unrouted, { count: 1, ids: ['u9'] }, 'an ack without a route must be stored too');
  t.equal(r.routes.grpc.lost, 1);
  t.match(fails(r)[0], /^LOST: 1 write acknowledged by route grpc is not in MongoDB: g3$/);
  t.match(fails(r)[1], /^LOST: 1 write acknowledged by answers without a usable X-Route is not in MongoDB: u9$/);
});

t.test('lost: acknowledged by route redis, stored, but never counted in Redis', async (t) => {
  const r = reconcile(cleanAcks(), cleanStores({ redisRunCount: 1, seen: new Set(['b1']) }));
  t.equal(r.pass, false);
  t.same(r.lost.notCounted, { count: 1, ids: ['b2'] });
  t.same(r.lost.ids, ['b2']);
  t.equal(r.routes.redis.lost, 1);
  t.equal(r.routes.redis.seenMarkers, 1);
  t.equal(r.duplicated.runCountExcess, 0, 'runs = markers: no excess');
  t.match(fails(r)[0], /stored but never counted in Redis \(no seen marker\): b2/);
});

t.test('not lost: acknowledged and stored, but under another run id', async (t) => {
  const acks = acksOf('grpc g1 201', 'grpc g2 201', 'grpc g3 201', 'redis b1 201', 'redis b2 201');
  const r = reconcile(acks, cleanStores({ storedElsewhere: new Map([['g3', { runId: 'r0', route: 'grpc' }]]) }));
  t.equal(r.pass, true);
  t.equal(r.lost.count, 0);
  t.same(r.findings.filter((f) => f.severity !== 'info'), [{ kind: 'stored-under-other-run', severity: 'warn', count: 1, items: [{ id: 'g3', runId: 'r0', route: 'grpc' }] }]);
  t.match(texts(r).join('\n'), /ANOMALY: 1 acknowledged id stored under another run id \(durable, not lost\): g3 \(run r0\)/);
});

t.test('duplicated: the runs hash counts more records than carry a seen marker', async (t) => {
  const r = reconcile(cleanAcks(), cleanStores({ redisRunCount: 3 }));
  t.equal(r.pass, true, 'duplicates alone do not fail the reconciliation');
  t.equal(reconcile(cleanAcks(), cleanStores({ redisRunCount: 3 }), { duplicatesFail: true }).pass, false, 'unless asked to');
  t.equal(r.duplicated.runCountExcess, 1);
  t.equal(r.duplicated.count, 1);
  t.equal(r.routes.redis.countedInRedis, 3);
  t.match(texts(r)[0], /^DUPLICATED: Redis counts 3 records for run r1 \(splitbench:runs\) but only 2 route-B records carry a seen marker: 1 count too many$/);

  const short = reconcile(cleanAcks(), cleanStores({ redisRunCount: 1 }));
  t.same(short.findings.filter((f) => f.kind === 'run-count-shortfall'), [{ kind: 'run-count-shortfall', severity: 'warn', runId: 'r1', counted: 1, markers: 2 }], 'fewer counts than markers is an anomaly, not a duplicate');
  t.equal(short.duplicated.count, 0);
});

t.test('duplicated: one id acknowledged by both routes', async (t) => {
  const acks = acksOf('grpc g1 201', 'grpc g2 201', 'redis b1 201', 'redis b2 201', 'redis g1 200');
  const r = reconcile(acks, cleanStores());
  t.same(r.duplicated.ackedOnTwoRoutes, { count: 1, ids: ['g1'] });
  t.same(r.duplicated.routeMismatch.items, [], 'its redis ack was a replay (200): not a second write');
  t.equal(r.duplicated.count, 1, 'one id, counted once');
  t.equal(r.lost.count, 0, 'g1 is stored as grpc and was rightly not counted in Redis: not lost');
  t.equal(r.pass, true);
  t.match(texts(r).join('\n'), /DUPLICATED: 1 id acknowledged by both routes: g1/);
});

t.test('a retry replayed by the other route is one write, not a duplicate', async (t) => {
  // The first attempt was stored by route A and its answer lost; the retry reached route B, which found
  // the record and answered 200 (a replay) with its own X-Route.
  const acks = acksOf('grpc g1 201', 'grpc g2 201', 'redis b1 201', 'redis b2 201', 'redis x1 200');
  const r = reconcile(acks, cleanStores({}, { x1: 'grpc' }), { duplicatesFail: true });
  t.equal(r.pass, true);
  t.equal(r.duplicated.count, 0);
  t.same(r.findings.filter((f) => f.kind === 'replayed-by-other-route'), [{ kind: 'replayed-by-other-route', severity: 'info', count: 1, items: [{ id: 'x1', acknowledgedBy: 'redis', storedAs: 'grpc' }] }]);
  t.match(texts(r).join('\n'), /RETRIED ELSEWHERE \(not a failure\): 1 request/);
});

t.test('duplicated: created (201) by one route, stored under the other', async (t) => {
  const acks = acksOf('grpc g1 201', 'grpc g2 201', 'redis b1 201', 'redis b2 201', 'redis x1 201');
  const r = reconcile(acks, cleanStores({}, { x1: 'grpc' }));
  t.same(r.duplicated.routeMismatch, { count: 1, items: [{ id: 'x1', acknowledgedBy: 'redis', storedAs: 'grpc' }] });
  t.equal(r.duplicated.ackedOnTwoRoutes.count, 0);
  t.equal(r.duplicated.count, 1);
  t.equal(r.lost.count, 0);
  t.match(texts(r).join('\n'), /came from a different route than the one that stored the record: x1 \(acked by redis, stored as grpc\)/);
});

t.test('unacknowledged: stored for the run, never acknowledged; reported, not a failure', async (t) => {
  const r = reconcile(cleanAcks(), cleanStores({}, { u1: 'grpc', u2: 'redis', u3: 'redis' }));
  t.equal(r.pass, true);
  t.same(r.unacknowledged, { count: 3, ids: ['u1', 'u2', 'u3'], byRoute: { grpc: 1, redis: 2 }, notCountedInRedis: 2 });
  t.equal(r.routes.grpc.unacknowledged, 1);
  t.equal(r.routes.redis.unacknowledged, 2);
  t.equal(r.routes.grpc.stored, 3);
  t.match(texts(r).join('\n'), /UNACKNOWLEDGED \(not a failure\): 3 records stored for the run were never acknowledged \(grpc 1, redis 2\)/);
  t.match(r.findings.find((f) => f.kind === 'stores-disagree'), { severity: 'warn', ids: { count: 2, ids: ['u2', 'u3'] } }, "route B's two uncounted records: the stores disagree");
  t.equal(reconcile(cleanAcks(), cleanStores({}, { u2: 'redis' }), { convergenceFails: true }).pass, false, 'a failure once the sweeper has had its time');

  // An unacknowledged route-B record that was counted adds a marker and a count: no duplicate.
  const counted = reconcile(cleanAcks(), cleanStores({ redisRunCount: 3, seen: new Set(['b1', 'b2', 'u2']) }, { u2: 'redis' }));
  t.equal(counted.duplicated.runCountExcess, 0);
  t.equal(counted.unacknowledged.notCountedInRedis, 0);
});

t.test('the ack log against summary.json: a cut log fails the run', async (t) => {
  const r = reconcile(cleanAcks(), cleanStores(), { expectedAcks: { grpc: 3, redis: 2 } });
  t.equal(r.pass, false);
  t.equal(r.ackLog.complete, false);
  t.match(fails(r)[0], /^ACK LOG: summary.json says route grpc acknowledged 3 writes but the log has 2 ack lines: the log was cut/);
  t.match(texts(reconcile(cleanAcks(), cleanStores())).join('\n'), /no summary.json counts given/);
  t.equal(reconcile(cleanAcks(), cleanStores(), { expectedAcks: { redis: 2 } }).pass, true, 'a route absent from the summary is not checked');
});

t.test('counts only (ACK_LOG=0): a shortfall of records is a lower bound of lost writes', async (t) => {
  const none = parseAcks('', RUN);
  const ok = reconcile(none, cleanStores(), { ackLogEnabled: false, expectedAcks: { grpc: 2, redis: 2 } });
  t.equal(ok.pass, true);
  t.equal(ok.countsOnly, true);
  t.equal(ok.routes.grpc.acknowledged, 2);
  t.match(texts(ok).join('\n'), /ack log was off/);

  const short = reconcile(none, cleanStores({ redisRunCount: 1 }), { ackLogEnabled: false, expectedAcks: { grpc: 3, redis: 2 } });
  t.equal(short.pass, false);
  t.equal(short.routes.grpc.lost, 1, 'grpc: 3 acknowledged, 2 stored');
  t.equal(short.routes.redis.lost, 1, 'redis: 2 stored, 1 counted');
  t.equal(short.lost.count, 2);
  t.same(short.lost.ids, [], 'no ids without the log');
});

t.test('lists are capped, counts are not; ids are sorted', async (t) => {
  const lines: string[] = [];
  for (let i = 30; i > 0; i--) lines.push(`grpc g${String(i).padStart(2, '0')} 201`);
  const r = reconcile(acksOf(...lines), snapshot({ stored: {} }), { maxIds: 3 });
  t.same(r.lost.notStored.grpc, { count: 30, ids: ['g01', 'g02', 'g03'] });
  t.equal(r.lost.count, 30);
  t.match(fails(r)[0], /g01, g02, g03, \.\.\. \(27 more\)/);
});

t.test('what the reader must look up', async (t) => {
  const acks = acksOf('grpc g1 201', 'redis b1 201', 'redis g1 200', 'none n1 201', 'redis b9 201');
  const stored = new Map([
    ['g1', 'grpc'],
    ['b1', 'redis'],
    ['s1', 'redis'],
  ]);
  t.same([...redisIdsToCheck(acks, stored)].sort(), ['b1', 'b9', 'g1', 's1'], 'redis acks and redis records');
  t.same(idsMissingFromRun(acks, stored).sort(), ['b9', 'n1'], 'each acknowledged id not among the run records, once');
});

t.test('anomalies of the log and the store are reported', async (t) => {
  const acks = parseAcks(
    ['splitbench.ack r1 grpc g1 201', 'splitbench.ack r1 grpc g1 201', 'splitbench.ack r1 grpc', 'splitbench.ack r1 grpc g2 201', 'splitbench.ack r1 redis b1 201', 'splitbench.ack r1 redis b2 201'].join('\n'),
    RUN,
  );
  const r = reconcile(acks, cleanStores({}, { w1: 'weird' }));
  t.same(kinds(r), ['unacknowledged', 'unknown-route-stored', 'malformed-ack-lines', 'repeated-acks', 'ack-log-unchecked']);
  t.match(r.findings.slice(1), [{ ids: { count: 1, ids: ['w1'] } }, { count: 1, lines: [3] }, { count: 1 }]);
  const text = texts(r).join('\n');
  t.match(text, /1 malformed ack line ignored \(line 3\)/);
  t.match(text, /1 ack line repeated an id/);
  t.match(text, /stored with a route other than grpc or redis: w1/);

  const other = reconcile(parseAcks('splitbench.ack r2 grpc x 201', RUN), snapshot({ stored: {} }));
  t.match(texts(other).join('\n'), /no ack lines for run r1 in the log; the log has lines of other runs: r2/);
});
