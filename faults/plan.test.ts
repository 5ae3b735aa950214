// The fault plan parser: the default plan and every kind of mistake, each with a clear message.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { DEFAULT_FAULT_PLAN } from '../demo/cli.js';
import { checkAgainstRun, FAULT_TARGETS, parsePlan, PlanError, readPlan } from './plan.js';

t.test('the default plan: every target once, in order, and it fits its 75 s run', async (t) => {
  const plan = readPlan(DEFAULT_FAULT_PLAN);
  t.same([...new Set(plan.map((f) => f.target))].sort(), [...FAULT_TARGETS].sort(), 'each target at least once');
  t.same(plan.map((f) => f.at), [...plan.map((f) => f.at)].sort((a, b) => a - b), 'in time order');
  t.doesNotThrow(() => checkAgainstRun(plan, 75, 5));
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
    [[{ at: '5s', target: 'postgres', action: 'kill' }], /faults\[0\]\.target must be one of mongo, redis, grpc-server, grpc-client, redis-writer, got "postgres"/],
    [[{ at: '5s', target: 'redis', action: 'reboot' }], /faults\[0\]\.action must be one of hang, kill, stop, restart/],
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
