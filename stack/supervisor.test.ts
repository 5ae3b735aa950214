// The supervisor and the fault injector on real processes (sleep): restarts after an unasked exit, the
// back-off, holds, expected exits, SIGSTOP/SIGCONT, and a clean stop.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { FaultInjector } from '../faults/injector.js';
import { parsePlan } from '../faults/plan.js';
import { startProcess } from './process.js';
import { Supervisor, type SupervisorEvent } from './supervisor.js';

const state = (pid: number): string => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.charAt(0);
const sleeper = (name: string, events: SupervisorEvent[], backoff = { initialMs: 50, maxMs: 200, resetAfterMs: 60_000 }) =>
  new Supervisor({ name, launch: async () => startProcess({ name, command: 'sleep', args: ['30'] }), backoff, onEvent: (e) => events.push(e) });

t.test('a process that dies is started again, with a doubling back-off, and counted', async (t) => {
  const events: SupervisorEvent[] = [];
  const sup = sleeper('s1', events);
  await sup.start();
  t.teardown(() => sup.stop(1000));
  const first = sup.pid!;
  let back = sup.nextStart();
  process.kill(first, 'SIGKILL');
  t.equal(await back, true, 'restarted');
  t.not(sup.pid, first, 'a new process');
  back = sup.nextStart();
  process.kill(sup.pid!, 'SIGKILL');
  await back;
  t.equal(sup.restarts, 2);
  const exits = events.filter((e) => e.kind === 'exited');
  t.equal(exits.length, 2);
  t.ok(exits.every((e) => e.expected === false), 'nobody asked for these exits: crashes');
  t.same(events.filter((e) => e.kind === 'restarting').map((e) => e.detail), ['in 50 ms', 'in 100 ms'], 'the back-off doubles');
});

t.test('an expected exit says so; a hold keeps it down; stop ends supervision and waiters', async (t) => {
  const events: SupervisorEvent[] = [];
  const sup = sleeper('s2', events);
  await sup.start();
  const back = sup.nextStart();
  sup.expectExit();
  sup.holdFor(300);
  const killedAt = Date.now();
  sup.signal('SIGTERM');
  await back;
  t.ok(Date.now() - killedAt >= 300, 'down for at least the hold');
  t.match(events.find((e) => e.kind === 'exited'), { expected: true, detail: /signal SIGTERM/ });
  const never = sup.nextStart();
  await sup.stop(1000);
  t.equal(await never, false, 'a waiter learns supervision stopped');
  t.equal(events.at(-1)?.kind, 'stopped');
});

t.test('the injector hangs, kills and restarts on its clock and records what happened', async (t) => {
  const events: SupervisorEvent[] = [];
  const redis = sleeper('redis', events);
  const mongo = sleeper('mongo', events);
  await Promise.all([redis.start(), mongo.start()]);
  t.teardown(() => Promise.all([redis.stop(1000), mongo.stop(1000)]));
  const plan = parsePlan([
    { at: 0.1, target: 'mongo', action: 'hang', duration: 0.5 },
    { at: 0.2, target: 'redis', action: 'kill' },
    { at: 0.3, target: 'grpc-server', action: 'restart' },
  ]);
  const lookup = (target: string) => ({ redis, mongo })[target as 'redis' | 'mongo'];
  const mongoPid = mongo.pid!;
  const injector = new FaultInjector({ faults: plan, startAt: Date.now(), lookup });
  const running = injector.run();
  await new Promise((r) => setTimeout(r, 350));
  t.equal(state(mongoPid), 'T', 'mongo is stopped (SIGSTOP) during its hang');
  const records = await running;
  t.not(state(mongoPid), 'T', 'and running again after (SIGCONT)');
  const [hang, kill, missing] = records;
  t.match(hang, { target: 'mongo', action: 'hang', pidBefore: mongoPid, pidAfter: mongoPid });
  t.ok(hang!.endedAt! - hang!.startedAt >= 500, 'the hang lasted its duration');
  t.match(kill, { target: 'redis', action: 'kill' });
  t.not(kill!.pidAfter, kill!.pidBefore, 'killed and started again');
  t.match(missing, { target: 'grpc-server', error: 'no running grpc-server process to restart', endedAt: null });
  t.ok(events.some((e) => e.process === 'redis' && e.kind === 'exited' && e.expected === true), 'the kill was expected');
});

t.test('stop() during a back-off ends it at once: nothing is started after, and no restart is waited out', { timeout: 20_000 }, async (t) => {
  const events: SupervisorEvent[] = [];
  // A 10-minute back-off: were stop() to wait it out, this test would hit its 20 s timeout.
  const sup = sleeper('s-backoff', events, { initialMs: 600_000, maxMs: 600_000, resetAfterMs: 60_000 });
  await sup.start();
  process.kill(sup.pid!, 'SIGKILL');
  while (!events.some((e) => e.kind === 'restarting')) await new Promise((r) => setTimeout(r, 20));
  await sup.stop(1000);
  t.same(events.map((e) => e.kind).filter((k) => k === 'started' || k === 'stopped'), ['started', 'stopped'], 'the first start, then stopped: no relaunch');
  t.equal(sup.restarts, 0);
});
