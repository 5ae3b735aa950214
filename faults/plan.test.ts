// The fault plan parser: the default plan and every kind of mistake, each with a clear message.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { DATA_FLOW } from '../contract/data-flow.js';
import { DEFAULT_FAULT_PLAN } from '../demo/cli.js';
import { REPO_ROOT } from '../stack/tools.js';
import { checkAgainstRun, FAULT_ACTIONS, FAULT_LINKS, FAULT_TARGETS, linksOf, parsePlan, PlanError, readPlan, runSecondsFor } from './plan.js';

t.test('the default plan: every target and every kind of fault, MongoDB killed, in order, and it fits its run', async (t) => {
  const plan = readPlan(DEFAULT_FAULT_PLAN);
  const processes = new Set(plan.flatMap((f) => ((FAULT_TARGETS as readonly string[]).includes(f.target) ? [f.target] : [])));
  t.same([...processes].sort(), [...FAULT_TARGETS].filter((x) => x !== 'grpc-client').sort(), 'every process target but grpc-client (its kill was the default before; links.yaml resets its link)');
  t.same([...new Set(plan.map((f) => f.action))].sort(), [...FAULT_ACTIONS].sort(), 'each kind of fault');
  t.ok(plan.some((f) => f.target === 'mongo' && f.action === 'kill'), 'MongoDB killed');
  t.same(plan.map((f) => f.at), [...plan.map((f) => f.at)].sort((a, b) => a - b), 'in time order');
  t.equal(runSecondsFor(plan), 125, 'the run lasts 20 s past the last fault');
  t.doesNotThrow(() => checkAgainstRun(plan, runSecondsFor(plan), 5));
});

t.test('faults/links.yaml breaks every link, and each link is a real connection of the data flow', async (t) => {
  const plan = readPlan(path.join(REPO_ROOT, 'faults', 'links.yaml'));
  t.same(linksOf(plan).sort(), [...FAULT_LINKS].sort(), 'every link');
  t.doesNotThrow(() => checkAgainstRun(plan, runSecondsFor(plan), 5));
  const storeName = (s: string): string => (s === 'mongo' ? 'mongodb' : s);
  for (const link of FAULT_LINKS) {
    const [from, to] = link.split('->') as [string, string];
    t.ok(DATA_FLOW.some((f) => f.from === from && f.to === storeName(to)), `${link} is a flow of contract/data-flow.ts`);
  }
});

t.test('network faults on links: the forms accepted and the mistakes named', async (t) => {
  t.same(parsePlan([{ at: '5s', target: 'redis-writer->mongo', action: 'latency', duration: '4s', latency: '200ms', jitter: 0.05e3 }]), [
    { index: 0, at: 5, target: 'redis-writer->mongo', action: 'latency', duration: 4, latencyMs: 200, jitterMs: 50 },
  ], 'latency in ms (a number is ms), jitter optional');
  t.same(parsePlan([{ at: 5, target: 'grpc-server->mongo', action: 'partition', duration: '0.5s' }])[0]?.duration, 0.5);
  const cases: [unknown, RegExp][] = [
    [[{ at: '5s', target: 'grpc-server', action: 'late', duration: '3s' }], /faults\[0\]: late is for a store \(mongo, redis\), not grpc-server/],
    [[{ at: '5s', target: 'mongo', action: 'late' }], /faults\[0\]\.duration is required for late/],
    [[{ at: '5s', target: 'redis-writer->mongo', action: 'kill' }], /faults\[0\]\.action \(on a link\) must be one of latency, partition, reset/],
    [[{ at: '5s', target: 'redis', action: 'partition', duration: '3s' }], /action \(on a process; latency, partition, reset go on a link such as redis-writer->mongo\) must be one of hang, kill, stop, restart/],
    [[{ at: '5s', target: 'redis-writer->mongo', action: 'reset' }], /duration is required for reset \(how long the link stays broken\)/],
    [[{ at: '5s', target: 'redis-writer->mongo', action: 'latency', duration: '3s' }], /latency is required for a latency fault/],
    [[{ at: '5s', target: 'redis-writer->mongo', action: 'partition', duration: '3s', latency: '9ms' }], /latency and jitter belong to a latency fault, not partition/],
    [[{ at: '5s', target: 'redis', action: 'hang', duration: '3s', jitter: '9ms' }], /latency and jitter belong to a latency fault on a link/],
    [[{ at: '5s', target: 'redis-writer->mongo', action: 'latency', duration: '3s', latency: 'slow' }], /latency must be a duration such as 200ms/],
    [[{ at: '5s', target: 'mongo->redis', action: 'reset', duration: '3s' }], /target must be one of .*redis-writer->redis, got "mongo->redis"/],
  ];
  for (const [doc, message] of cases) t.throws(() => parsePlan(doc), { name: 'PlanError', message }, JSON.stringify(doc));
});

t.test('forms that are accepted', async (t) => {
  t.same(parsePlan([{ at: '1m30s', target: 'redis', action: 'stop', duration: '2.5s' }]), [{ index: 0, at: 90, target: 'redis', action: 'stop', duration: 2.5 }]);
  t.same(parsePlan({ faults: [{ at: 3, target: 'mongo', action: 'kill' }] }), [{ index: 0, at: 3, target: 'mongo', action: 'kill', duration: 0 }], 'a number is seconds; kill needs no duration');
  const two = parsePlan([{ at: '20s', target: 'redis', action: 'restart' }, { at: '5s', target: 'redis', action: 'hang', duration: '3s' }]);
  t.same(two.map((f) => f.index), [1, 0], 'sorted by time; index keeps the plan position');
});

t.test('every mistake is a PlanError that names the entry and the field', async (t) => {
  const cases: [unknown, RegExp][] = [
    [{}, /a list of faults, or a mapping with a `faults:` list/],
    [[], /has no faults/],
    [['x'], /faults\[0\] must be a mapping/],
    [[{ target: 'redis', action: 'kill' }], /faults\[0\]\.at is required/],
    [[{ at: '5s', target: 'postgres', action: 'kill' }], /faults\[0\]\.target must be one of mongo, redis, grpc-server, grpc-client, redis-writer, grpc-client->grpc-server, .*, got "postgres"/],
    [[{ at: '5s', target: 'redis', action: 'reboot' }], /faults\[0\]\.action \(on a process; .*\) must be one of hang, kill, stop, restart, late, got "reboot"/],
    [[{ at: 'soon', target: 'redis', action: 'kill' }], /faults\[0\]\.at must be a duration such as 8s/],
    [[{ at: '5s', target: 'redis', action: 'hang' }], /faults\[0\]\.duration is required for hang/],
    [[{ at: '5s', target: 'redis', action: 'stop' }], /duration is required for stop \(how long it stays down\)/],
    [[{ at: '5s', target: 'redis', action: 'restart', duration: '2s' }], /a restart starts again at once; use stop with a duration/],
    [[{ at: '5s', target: 'redis', action: 'hang', duration: '0s' }], /duration must be more than 0/],
    [[{ at: '5s', target: 'redis', action: 'kill', when: 'now' }], /faults\[0\]\.when is not a field of a fault/],
    [[{ at: '5s', target: 'redis', action: 'hang', duration: '4s' }, { at: '10s', target: 'redis', action: 'kill' }], /faults\[1\] \(redis at 10s\) overlaps faults\[0\] \(redis at 5s for 4s\): leave at least 5s/],
  ];
  for (const [doc, message] of cases) t.throws(() => parsePlan(doc), { name: 'PlanError', message }, JSON.stringify(doc));
  t.doesNotThrow(() => parsePlan([{ at: '5s', target: 'redis', action: 'hang', duration: '4s' }, { at: '10s', target: 'mongo', action: 'kill' }]), 'other targets may overlap');
});

t.test('a plan against its run, and plan files', async (t) => {
  const plan = parsePlan([{ at: '25s', target: 'mongo', action: 'hang', duration: '3s' }]);
  t.throws(() => checkAgainstRun(plan, 30, 5), /ends too late for a 30s run: leave 5s to recover, or run longer \(--duration\)/);
  t.doesNotThrow(() => checkAgainstRun(plan, 33, 5));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-plan-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.throws(() => readPlan(path.join(dir, 'missing.yaml')), /cannot read the fault plan .*missing\.yaml: ENOENT/);
  writeFileSync(path.join(dir, 'bad.yaml'), 'faults: [ {at: 5s');
  t.throws(() => readPlan(path.join(dir, 'bad.yaml')), /bad\.yaml is not YAML/);
  writeFileSync(path.join(dir, 'wrong.yaml'), 'faults:\n  - { at: 5s, target: disk, action: kill }\n');
  t.throws(() => readPlan(path.join(dir, 'wrong.yaml')), /wrong\.yaml: faults\[0\]\.target must be one of/);
  t.type(new PlanError('x'), Error);
});
