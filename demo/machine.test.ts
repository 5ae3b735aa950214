// Who used the CPU: this machine's real /proc files, and the attribution on recorded readings (literal
// /proc/stat lines and per-process CPU seconds, as the meter reads them on a 2-core machine).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import t from 'tap';
import { attribute, CpuMeter, machineLoad, parsePidCpu, parseProcStatCpu, readCpuTimes, type CpuSnapshot, type MeterReaders } from './machine.js';

t.test("this machine's /proc/stat and /proc/self/stat", async (t) => {
  const now = readCpuTimes();
  t.equal(now.cpus, os.cpus().length, 'one cpuN line per CPU Node sees');
  t.ok(now.total > now.busy && now.busy > 0);
  t.equal(now.total, now.busy + now.steal + now.idle);
  t.same(parseProcStatCpu(readFileSync('/proc/stat', 'utf8')).cpus, now.cpus);
  const self = parsePidCpu(readFileSync('/proc/self/stat', 'utf8'));
  t.ok(self.own > 0 && self.own < process.uptime() * os.cpus().length + 1, `own CPU ${self.own} s`);
});

t.test('/proc/stat: steal apart from busy, iowait with idle', async (t) => {
  //            user nice system idle iowait irq softirq steal
  const times = parseProcStatCpu('cpu  600 0 200 1000 50 0 20 30 0 0\ncpu0 1 2 3 4\ncpu1 1 2 3 4\nintr 1\n');
  t.same(times, { busy: 820, steal: 30, idle: 1050, total: 1900, cpus: 2 });
  t.throws(() => parseProcStatCpu('intr 1 2 3\n'), /unreadable/);
  t.same(parsePidCpu('42 (k6 (x)) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 30 20 20 0 12 0 100 1000 50'), { own: 3, children: 0.5 }, 'utime+stime, cutime+cstime; a name with spaces and parentheses');
});

/** 60 s on 2 CPUs: 12,000 jiffies. `busy`/`steal` in jiffies, processes in CPU seconds over the run. */
function run(busy: number, steal: number, processes: Record<string, number>): [CpuSnapshot, CpuSnapshot] {
  const before: CpuSnapshot = { busy: 1000, steal: 10, idle: 5000, total: 6010, cpus: 2, processes: Object.fromEntries(Object.keys(processes).map((p) => [p, 0])) };
  const after: CpuSnapshot = { busy: 1000 + busy, steal: 10 + steal, idle: 5000 + 12_000 - busy - steal, total: 6010 + 12_000, cpus: 2, processes };
  return [before, after];
}

t.test('the attribution: cores per stack process, k6, the demo, other, steal, idle', async (t) => {
  // The stack used 1.5 cores, k6 0.3, the demo 0.02; the machine was busy 1.9 cores: other 0.08.
  const [before, after] = run(11_400, 0, { mongo: 30, 'grpc-server-1': 24, 'grpc-client-1': 15, 'redis-writer-1': 12, redis: 3, ingress: 6, k6: 18, demo: 1.2 });
  const a = attribute(before, after);
  t.equal(a.seconds, 60);
  t.same(
    a.parts.map((p) => [p.part, p.kind, p.cores]),
    [
      ['mongo', 'stack', 0.5],
      ['grpc-server-1', 'stack', 0.4],
      ['grpc-client-1', 'stack', 0.25],
      ['redis-writer-1', 'stack', 0.2],
      ['ingress', 'stack', 0.1],
      ['redis', 'stack', 0.05],
      ['k6', 'k6', 0.3],
      ['demo', 'demo', 0.02],
      ['other', 'other', 0.08],
      ['steal', 'steal', 0],
      ['idle', 'idle', 0.1],
    ],
  );
  t.equal(a.parts.find((p) => p.part === 'mongo')!.share, 0.25, 'share of all CPUs');
  const m = machineLoad(before, after, 0);
  t.match(m, { busy: 0.95, cpus: 2, contended: false, signals: [] }, 'a busy machine whose CPU went to the stack: the system had it');
});

t.test('INCONCLUSIVE only when the system could not get the CPU', async (t) => {
  // The stack at 0.77 cores, k6 at 0.2.
  const stack = { mongo: 15, 'grpc-server-1': 12, 'grpc-client-1': 8, 'redis-writer-1': 6, redis: 2, ingress: 3 };
  // Two CPU burners beside the stack: the machine's busy time far above what the stack, k6 and demo used.
  const [b1, a1] = run(11_900, 0, { ...stack, k6: 12, demo: 1 });
  const m1 = machineLoad(b1, a1, 0);
  t.same(m1.signals, ['other-work'], 'other work: 1 core, half the machine');
  t.match(m1.attribution.find((p) => p.part === 'other'), { cores: 1, share: 0.5 });
  // A neighbour on the host: steal.
  const [b2, a2] = run(6000, 1200, { ...stack, k6: 12, demo: 1 });
  t.same(machineLoad(b2, a2, 0).signals, ['steal'], 'steal: 10% of the machine');
  // k6 itself at a full core and dropping iterations: it could not offer the rate.
  const [b3, a3] = run(11_000, 0, { ...stack, k6: 54, demo: 1 });
  t.same(machineLoad(b3, a3, 120).signals, ['k6-starved']);
  t.same(machineLoad(b3, a3, 0).signals, [], 'a busy k6 that offered every request was not starved');
  t.same(machineLoad(b3, a3, 120, true).signals, [], 'under faults, held requests fill the VUs: dropped iterations say the system stalled');
  // The stack at 1.9 cores with k6 short of CPU and dropping: the system used the machine.
  const [b4, a4] = run(11_900, 0, { mongo: 40, 'grpc-server-1': 30, 'grpc-client-1': 20, 'redis-writer-1': 15, redis: 4, ingress: 5, k6: 12, demo: 1 });
  const m4 = machineLoad(b4, a4, 300);
  t.same(m4.signals, [], 'dropped iterations alone are no excuse');
  t.equal(m4.contended, false);
  t.equal(m4.busy, 0.992);
});

t.test("the meter: restarted processes, processes started in the run, and the run's end at k6's last reading", async (t) => {
  let machine = { busy: 0, steal: 0, idle: 0, total: 0, cpus: 2 };
  const cpu = new Map<number, number>();
  const readers: MeterReaders = { machine: () => machine, pid: (pid) => (cpu.has(pid) ? { own: cpu.get(pid)!, children: 0 } : undefined) };
  let targets = [
    { name: 'mongo', pid: 10 },
    { name: 'k6', pid: 20 },
  ];
  const meter = new CpuMeter(() => targets, 'k6', readers);
  const tick = (busy: number, idle: number): void => {
    machine = { ...machine, busy: machine.busy + busy, idle: machine.idle + idle, total: machine.total + busy + idle };
    meter.read();
  };
  cpu.set(10, 100).set(20, 5); // before the run: not counted
  tick(0, 0);
  cpu.set(10, 101).set(20, 5.5);
  tick(150, 50);
  // mongo killed by a fault (what it used after its last reading is lost); restarted as pid 11, 0.2 s since its start.
  cpu.delete(10);
  cpu.set(11, 0.2).set(20, 6);
  targets = [
    { name: 'mongo', pid: 11 },
    { name: 'k6', pid: 20 },
  ];
  tick(150, 50);
  cpu.set(11, 0.7).set(20, 6.5);
  tick(150, 50);
  // k6 ends: the reading after it is not the run's (k6's last CPU can no longer be read).
  cpu.delete(20);
  tick(150, 50);
  const run = meter.stop()!;
  t.same(run.before.processes, { mongo: 0, k6: 0 });
  t.same(run.after.processes, { mongo: 1.7, k6: 1.5 }, 'mongo: 1 s (pid 10 to its last reading) + 0.7 s (pid 11 from 0)');
  t.equal(run.after.total, 600, 'the machine to the last reading with k6 alive');
  t.same(attribute(run.before, run.after).parts.map((p) => [p.part, p.cores]), [['mongo', 0.567], ['k6', 0.5], ['other', 0.433], ['steal', 0], ['idle', 0.5]]);
});
