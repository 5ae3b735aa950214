// The reconciler against real servers: Debian's redis-server and a MongoDB-wire server (MONGO_URL,
// mongod, or the FerretDB build in .tools/bin). Records are written by the real stores the services
// use; the ack log and summary.json are written as k6 writes them. Then reconcileRun() and the CLI must
// name every planted finding.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { createClient } from 'redis';
import { REDIS_KEYS } from '../contract/stores.js';
import { startMongo } from '../stack/mongo.js';
import { startRedis } from '../stack/redis.js';
import { MongoGradeStore } from '../stores/mongo-grades.js';
import { RedisAggregates } from '../stores/redis-aggregates.js';
import { describeFinding } from './format.js';
import { k6SummaryFixture } from './k6-summary-fixture.js';
import { runTsx } from '../test/run-cli.js';
import { reconcileRun, type ReconcileReport } from './run.js';

const grade = { curso: 'SO1', facultad: 'Ingenieria', carrera: 'Sistemas', region: 'NORTE', nota: 75 };

const runCli = (args: string[], env: NodeJS.ProcessEnv = process.env) => runTsx('reconcile/main.ts', args, env);

const summaryJson = (runId: string, routes: Record<string, { requests: number; acknowledged: number }>) => JSON.stringify(k6SummaryFixture(runId, routes));

const HTTPROUTE_50_50 = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: course-split }
spec:
  parentRefs: [{ group: core, kind: Service, name: ingress, port: 8080 }]
  rules:
    - backendRefs:
        - { name: grpc-client, port: 8081, weight: 50 }
        - { name: redis-writer, port: 8082, weight: 50 }
`;

t.test('reconcileRun and the CLI name each finding in real stores', async (t) => {
  const [redis, mongo] = await Promise.all([startRedis(), startMongo()]);
  const dbName = `t_${process.pid}_rec`;
  const store = new MongoGradeStore({ url: mongo.url, dbName, timeoutMs: 2000 });
  const agg = new RedisAggregates({ url: redis.url, timeoutMs: 2000 });
  const rc = createClient({ url: redis.url });
  // Clients first, then the servers they talk to.
  t.teardown(async () => {
    await Promise.allSettled([store.close(), agg.close(), rc.isOpen ? rc.close() : Promise.resolve(rc.destroy())]);
    await Promise.allSettled([redis.stop(), mongo.stop()]);
  });
  await rc.connect();

  const RUN = `it-${process.pid}`;
  const id = (s: string): string => `${RUN}-${s}`;
  const saveGrpc = (key: string, runId = RUN) => store.save({ id: key, runId, grade, instance: 'i1' }, 'grpc');
  const saveRedis = async (key: string, count = true) => {
    const stored = await store.save({ id: key, runId: RUN, grade, instance: 'i2' }, 'redis');
    if (count) await agg.apply({ id: key, runId: RUN, route: 'redis', receivedAt: stored.receivedAt, grade });
  };

  // Acknowledged and fine.
  await saveGrpc(id('g1'));
  await saveGrpc(id('g2'));
  await saveRedis(id('b1'));
  await saveRedis(id('b2'));
  // Stored as grpc, but created (201) according to route redis: two writes where there should be one.
  await saveGrpc(id('x1'));
  // Stored as grpc, then a retry replayed (200) by route redis: one write, retried elsewhere.
  await saveGrpc(id('y1'));
  // Stored, never acknowledged (k6 gave up, or got 503/504, after the write landed).
  await saveGrpc(id('u1'));
  // Acknowledged by route redis, stored, but never counted in Redis: lost from the aggregates.
  await saveRedis(id('b3'), false);
  // Acknowledged, stored, but tagged with another run: durable, not lost.
  await saveGrpc(id('e1'), 'another-run');
  // Another run's record: not this run's business.
  await saveGrpc('another-run-1', 'another-run');
  // One record counted twice in the runs hash.
  await rc.hIncrBy(REDIS_KEYS.runs, RUN, 1);
  // id('g3') is acknowledged below but never written: a lost write.

  const dir = t.testdir();
  const log = path.join(dir, 'k6.log');
  const ack = (route: string, key: string, status = 201) =>
    `time="2026-08-15T14:30:05Z" level=info msg="splitbench.ack ${RUN} ${route} ${key} ${status}" source=console`;
  writeFileSync(
    log,
    [
      '     execution: local',
      ack('grpc', id('g1')),
      ack('grpc', id('g2')),
      ack('grpc', id('g3')),
      ack('grpc', id('e1')),
      ack('redis', id('b1')),
      ack('redis', id('b2')),
      ack('redis', id('b3')),
      ack('redis', id('x1'), 201),
      ack('redis', id('y1'), 200),
      'time="2026-08-15T14:30:05Z" level=info msg="splitbench.ack another-run grpc another-run-1 201" source=console',
      'splitbench.ack broken',
      '',
    ].join('\n'),
  );
  const summary = path.join(dir, 'summary.json');
  writeFileSync(summary, summaryJson(RUN, { grpc: { requests: 5, acknowledged: 4 }, redis: { requests: 5, acknowledged: 5 } }));

  const report: ReconcileReport = await reconcileRun({
    runId: RUN,
    acksFile: log,
    summaryFile: summary,
    mongoUrl: mongo.url,
    mongoDb: dbName,
    redisUrl: redis.url,
    weights: { grpc: 50, redis: 50 },
    batchSize: 2, // several EXISTS and $in batches even with a handful of ids
  });

  t.equal(report.verdict, 'FAIL', 'lost writes fail the run');
  const rec = report.reconciliation;
  t.equal(rec.lost.count, 2);
  t.same(rec.lost.notStored.grpc, { count: 1, ids: [id('g3')] }, 'the write missing from MongoDB');
  t.same(rec.lost.notCounted, { count: 1, ids: [id('b3')] }, 'the route-B write Redis never counted');
  t.equal(rec.duplicated.runCountExcess, 1, 'the manual HINCRBY: counted twice');
  t.same(rec.duplicated.routeMismatch.items, [{ id: id('x1'), acknowledgedBy: 'redis', storedAs: 'grpc' }]);
  t.match(report.findings.find((f) => f.kind === 'replayed-by-other-route'), { severity: 'info', items: [{ id: id('y1'), acknowledgedBy: 'redis', storedAs: 'grpc' }] }, 'the replay is one write, not a duplicate');
  t.same(rec.unacknowledged, { count: 1, ids: [id('u1')], byRoute: { grpc: 1 }, notCountedInRedis: 0 });
  t.match(report.findings.find((f) => f.kind === 'stored-under-other-run'), { items: [{ id: id('e1'), runId: 'another-run', route: 'grpc' }] });
  t.match(report.findings.find((f) => f.kind === 'malformed-ack-lines'), { count: 1 });
  t.equal(report.ackFile.otherRuns, 1);
  t.equal(rec.ackLog.complete, true);
  t.same(report.routes.grpc, { acknowledged: 4, ackLines: 4, stored: 5, countedInRedis: null, seenMarkers: null, lost: 1, unacknowledged: 1 });
  t.same(report.routes.redis, { acknowledged: 5, ackLines: 5, stored: 3, countedInRedis: 3, seenMarkers: 2, lost: 1, unacknowledged: 0 });

  t.equal(report.split.source, 'k6', "the split is tested on k6's per-route answers");
  t.match(report.split.observed, { grpc: { count: 5, share: 5 / 10 }, redis: { count: 5, share: 5 / 10 } });
  t.equal(report.split.pass, true, '5/5 is within 50/50');
  t.equal(report.split.method, 'exact-binomial');

  const sentences = report.findings.map(describeFinding);
  const text = sentences.join('\n');
  t.match(sentences[0], /^LOST: 1 write acknowledged by route grpc is not in MongoDB/);
  t.match(text, /LOST: 1 write acknowledged by route redis is stored but never counted in Redis/);
  t.match(text, /DUPLICATED: Redis counts 3 records/);
  t.match(text, /UNACKNOWLEDGED \(not a failure\)/);

  t.same(report.findings.filter((f) => f.severity === 'fail').map((f) => f.kind), ['lost-not-stored', 'lost-not-counted'], 'the two lost writes are what failed it');
  const strict = await reconcileRun({ runId: RUN, acksFile: log, summaryFile: summary, mongoUrl: mongo.url, mongoDb: dbName, redisUrl: redis.url, weights: { grpc: 1, redis: 1 }, duplicatesFail: true });
  t.same(strict.findings.filter((f) => f.severity === 'fail').map((f) => f.kind), ['lost-not-stored', 'lost-not-counted', 'counted-twice', 'route-mismatch'], 'duplicatesFail: the excess count and the route mismatch fail it too');

  // The CLI: same findings, a table for a person, JSON for a machine, exit 1.
  const routeFile = path.join(dir, 'httproute.yaml');
  writeFileSync(routeFile, HTTPROUTE_50_50);
  const jsonFile = path.join(dir, 'out.json');
  const common = ['--mongo-url', mongo.url, '--mongo-db', dbName, '--redis-url', redis.url, '--route-file', routeFile];
  const cli = await runCli(['--run-id', RUN, '--acks', log, '--summary', summary, ...common, '--json', jsonFile]);
  t.equal(cli.code, 1, `exit 1 on lost writes (stderr: ${cli.stderr})`);
  t.match(cli.stdout, new RegExp(`reconcile run ${RUN}: FAIL`));
  t.match(cli.stdout, /LOST: 1 write acknowledged by route grpc is not in MongoDB/);
  const fromCli = JSON.parse(readFileSync(jsonFile, 'utf8')) as ReconcileReport;
  t.same(fromCli.reconciliation, JSON.parse(JSON.stringify(report.reconciliation)), 'the JSON holds the same reconciliation');
  t.equal(fromCli.inputs.weightsFrom, routeFile);

  // A clean run of its own passes: exit 0, JSON on stdout.
  const CLEAN = `${RUN}-clean`;
  await saveGrpc(`${CLEAN}-g1`, CLEAN);
  const stored = await store.save({ id: `${CLEAN}-b1`, runId: CLEAN, grade, instance: 'i2' }, 'redis');
  await agg.apply({ id: `${CLEAN}-b1`, runId: CLEAN, route: 'redis', receivedAt: stored.receivedAt, grade });
  const cleanLog = path.join(dir, 'clean.log');
  writeFileSync(cleanLog, `splitbench.ack ${CLEAN} grpc ${CLEAN}-g1 201\nsplitbench.ack ${CLEAN} redis ${CLEAN}-b1 201\n`);
  const ok = await runCli(['--run-id', CLEAN, '--acks', cleanLog, ...common, '--json', '-']);
  t.equal(ok.code, 0, `exit 0 on a clean run (stderr: ${ok.stderr})`);
  const okReport = JSON.parse(ok.stdout) as ReconcileReport;
  t.equal(okReport.verdict, 'PASS');
  t.equal(okReport.split.source, 'acks', 'without summary.json the split is tested on the acknowledged ids');
  t.same(okReport.reconciliation.lost, { count: 0, ids: [], notStored: { grpc: { count: 0, ids: [] }, redis: { count: 0, ids: [] }, unrouted: { count: 0, ids: [] } }, notCounted: { count: 0, ids: [] } });

  // A store that does not answer: exit 2, naming it.
  const down = await runCli(['--run-id', CLEAN, '--acks', cleanLog, '--mongo-url', mongo.url, '--mongo-db', dbName, '--redis-url', 'redis://127.0.0.1:1', '--timeout-ms', '1000']);
  t.equal(down.code, 2);
  t.match(down.stderr, /cannot connect to Redis at redis:\/\/127\.0\.0\.1:1/);
});

t.test('CLI usage: --help, and exit 2 with a message on bad usage', async (t) => {
  const help = await runCli(['--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /Usage: reconcile \[options\]/);
  t.match(help.stdout, /--run-id <id>/);
  t.match(help.stdout, /Exit status: 0 PASS/);

  const cases: [string[], RegExp][] = [
    [[], /^reconcile: required option '--run-id <id>' not specified/],
    [['--run-id', 'r1'], /required option '--acks <file>' not specified/],
    [['--run-id', 'bad id!', '--acks', 'x'], /option '--run-id <id>' argument 'bad id!' is invalid\. must match/],
    [['--run-id', 'r1', '--acks', 'x', '--mongo-url', 'mongodb://h', '--redis-url', 'redis://h', '--alpha', '2'], /'--alpha <a>' argument '2' is invalid\. must be a number between 0 and 1/],
    [['--run-id', 'r1', '--acks', 'x', '--nope'], /unknown option '--nope'/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args);
    t.equal(r.code, 2, `exit 2: ${args.join(' ')}`);
    t.match(r.stderr, message);
  }
  // A k6 summary of another run is a usage error (the flags do not fit together), not a failed reconciliation.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-reconcile-usage-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const otherSummary = path.join(dir, 'other-summary.json');
  writeFileSync(otherSummary, summaryJson('someone-else', { grpc: { requests: 1, acknowledged: 1 }, redis: { requests: 1, acknowledged: 1 } }));
  const mixed = await runCli(['--run-id', 'r1', '--acks', 'x', '--summary', otherSummary, '--mongo-url', 'mongodb://h', '--redis-url', 'redis://h']);
  t.equal(mixed.code, 2);
  t.match(mixed.stderr, /is for run someone-else, not r1\n\(run with --help for usage\)/);
  const noStore = await runCli(['--run-id', 'r1', '--acks', 'x'], { ...process.env, MONGO_URL: '', REDIS_URL: '' });
  t.equal(noStore.code, 2);
  t.match(noStore.stderr, /no MongoDB: give --mongo-url, --endpoints, or set MONGO_URL/);
});
