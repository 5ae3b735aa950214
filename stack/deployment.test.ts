// A Deployment's replicas on real processes (sleep stands in for a service): scaling up into the lowest
// free slots, down from the top, a replica that crashes while the Deployment scales, and a clean stop.
import t from 'tap';
import { Deployment } from './deployment.js';
import { startProcess } from './process.js';
import type { SupervisorEvent } from './supervisor.js';

const make = (events: SupervisorEvent[]) =>
  Deployment.create({
    name: 'redis-writer',
    maxReplicas: 3,
    env: {},
    logFile: () => '/dev/null',
    onEvent: (e) => events.push(e),
    launch: async (slot) => startProcess({ name: slot.name, command: 'sleep', args: ['30'] }),
  });

t.test('scale up into free slots, down from the top; every slot has its own port', async (t) => {
  const events: SupervisorEvent[] = [];
  const dep = await make(events);
  t.teardown(() => dep.stop());
  t.equal(new Set(dep.slots.map((s) => s.port)).size, 3, 'three slots, three ports');
  t.same(dep.urls, dep.slots.map((s) => `http://127.0.0.1:${s.port}`));
  await dep.scale(1);
  t.same(dep.running.map((s) => s.name), ['redis-writer-1']);
  await dep.scale(3);
  t.same(dep.running.map((s) => s.name), ['redis-writer-1', 'redis-writer-2', 'redis-writer-3'], 'one to three at once');
  await dep.scale(1);
  t.same(dep.running.map((s) => s.name), ['redis-writer-1'], 'stopped from the top');
  t.same(events.filter((e) => e.kind === 'stopped').map((e) => e.process).sort(), ['redis-writer-2', 'redis-writer-3']);
  await t.rejects(dep.scale(4), RangeError, 'no more replicas than slots');
});

t.test('a replica that crashes while the Deployment scales is restarted; the count holds', async (t) => {
  const events: SupervisorEvent[] = [];
  const dep = await make(events);
  t.teardown(() => dep.stop());
  await dep.scale(2);
  const victim = dep.running[0]!;
  const back = victim.nextStart();
  process.kill(victim.pid!, 'SIGKILL');
  await dep.scale(3);
  await back;
  t.equal(dep.replicas, 3);
  t.equal(victim.restarts, 1, 'the crashed replica came back');
  t.ok(events.some((e) => e.process === victim.name && e.kind === 'exited' && e.expected === false), 'its exit is a crash');
  await dep.stop();
  t.equal(dep.replicas, 0);
});
