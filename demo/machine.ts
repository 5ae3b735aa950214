/**
 * Who used the machine's CPU during the measured run, and could the system under test get what it
 * needed? On two cores most of the CPU is the stack's and k6's, so "the machine was busy" says nothing:
 * a service that gets twice as expensive makes the machine busy by itself. So the run's CPU is
 * attributed, from /proc, over the same interval: each process of the stack, k6, the demo itself, work
 * outside all of them ("other": the machine's busy time minus theirs), CPU steal (another guest on the
 * host) and idle.
 *
 * The verdict may excuse a latency threshold (INCONCLUSIVE, not FAIL) only when the system under test
 * could not get the CPU: other work took more than OTHER_MAX_SHARE of the machine, steal more than
 * STEAL_MAX_SHARE, or k6 itself was starved (busy near a full core and dropping iterations, so it could
 * not offer the rate). When the stack used the machine, the rate was not held by the system on this
 * machine: that fails. Error rates, lost or duplicated writes and the split are never excused.
 */
import { readFileSync } from 'node:fs';

/** Work outside the stack, k6 and the demo above this share of all CPUs took CPU the system needed. */
export const OTHER_MAX_SHARE = 0.15;
/** CPU steal (the hypervisor ran another guest) above this share of all CPUs. */
export const STEAL_MAX_SHARE = 0.05;
/** k6 busy at least this many cores while it dropped iterations: the load generator ran out itself. */
export const K6_STARVED_CORES = 0.85;
/** How often the meter reads /proc while the load runs (a process killed by a fault loses at most this). */
export const METER_EVERY_MS = 1000;

const CLOCK_TICKS = 100; // getconf CLK_TCK on Linux x86-64 and arm64

export interface CpuTimes {
  /** jiffies, all CPUs: work this guest did (user nice system irq softirq; guest time is inside user). */
  busy: number;
  /** jiffies the hypervisor gave to someone else while this guest wanted to run. */
  steal: number;
  /** idle + iowait */
  idle: number;
  total: number;
  cpus: number;
}

/** CpuTimes, and the CPU seconds each process used since the meter began (by stack name). */
export interface CpuSnapshot extends CpuTimes {
  processes?: Record<string, number>;
}

/** The aggregate `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal ... */
export function parseProcStatCpu(text: string): CpuTimes {
  const lines = text.split('\n');
  const fields = lines.find((l) => l.startsWith('cpu '))?.trim().split(/\s+/).slice(1).map(Number);
  if (!fields || fields.length < 4 || fields.some((n) => !Number.isFinite(n))) throw new Error('unreadable /proc/stat');
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const busy = user + nice + system + irq + softirq;
  return { busy, steal, idle: idle + iowait, total: busy + steal + idle + iowait, cpus: lines.filter((l) => /^cpu\d+ /.test(l)).length };
}

export const readCpuTimes = (): CpuTimes => parseProcStatCpu(readFileSync('/proc/stat', 'utf8'));

/**
 * CPU seconds of /proc/<pid>/stat: its own (utime + stime, fields 14-15) and its reaped children's
 * (cutime + cstime, 16-17: Redis's AOF-rewrite fork, say). The name in field 2 may hold spaces.
 */
export function parsePidCpu(text: string): { own: number; children: number } {
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const [utime, stime, cutime, cstime] = [rest[11], rest[12], rest[13], rest[14]].map(Number);
  if (![utime, stime, cutime, cstime].every(Number.isFinite)) throw new Error(`unreadable /proc stat: ${text.slice(0, 80)}`);
  return { own: (utime! + stime!) / CLOCK_TICKS, children: (cutime! + cstime!) / CLOCK_TICKS };
}

/** A process to meter. `ownOnly`: leave out its reaped children (the demo's children are the stack and k6, metered themselves). */
export interface MeterTarget {
  name: string;
  pid: number;
  ownOnly?: boolean;
}

export interface MeterReaders {
  machine: () => CpuTimes;
  /** undefined: the process is gone */
  pid: (pid: number) => { own: number; children: number } | undefined;
}

const procReaders: MeterReaders = {
  machine: readCpuTimes,
  pid: (pid) => {
    try {
      return parsePidCpu(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return undefined;
    }
  },
};

/**
 * Reads the machine's CPU times and every target's CPU seconds together, every METER_EVERY_MS, so both
 * cover the same interval. A process restarted during the run (a fault, the autoscaler) has several
 * pids: each instance counts from its first reading (from 0 when it started during the run), and one
 * that died keeps what it had used by its last reading. The run ends at the last reading at which
 * `anchor` (k6) was still running: after it, k6's CPU can no longer be read.
 */
export class CpuMeter {
  private readonly instances = new Map<string, { name: string; base: number; last: number }>();
  private first: CpuSnapshot | undefined;
  private last: CpuSnapshot | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly targets: () => MeterTarget[],
    private readonly anchor: string | undefined,
    private readonly readers: MeterReaders = procReaders,
  ) {}

  /** One reading of everything now. */
  read(): void {
    const machine = this.readers.machine();
    const starting = this.first === undefined;
    let anchorAlive = false;
    for (const target of this.targets()) {
      const got = this.readers.pid(target.pid);
      if (got === undefined) continue;
      const used = target.ownOnly ? got.own : got.own + got.children;
      const key = `${target.name}\u0000${target.pid}`;
      const inst = this.instances.get(key);
      if (inst) inst.last = used;
      else this.instances.set(key, { name: target.name, base: starting ? used : 0, last: used });
      if (target.name === this.anchor) anchorAlive = true;
    }
    const processes: Record<string, number> = {};
    for (const i of this.instances.values()) processes[i.name] = (processes[i.name] ?? 0) + Math.max(0, i.last - i.base);
    const snap = { ...machine, processes };
    if (starting) this.first = { ...machine, processes: Object.fromEntries(Object.keys(processes).map((p) => [p, 0])) };
    if (starting || anchorAlive || this.anchor === undefined) this.last = snap;
  }

  start(everyMs = METER_EVERY_MS): void {
    this.read();
    this.timer = setInterval(() => this.read(), everyMs).unref();
  }

  /** A last reading, then the run's first and last snapshots. */
  stop(): { before: CpuSnapshot; after: CpuSnapshot } | undefined {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.first === undefined) return undefined;
    this.read();
    return { before: this.first, after: this.last! };
  }
}

/** One row of the attribution: cores used on average over the run, and the share of every CPU. */
export interface CpuPart {
  part: string;
  kind: 'stack' | 'k6' | 'demo' | 'other' | 'steal' | 'idle';
  cores: number;
  share: number;
}

/** The processes of the measuring rig, not the system under test (with --autoscale, its Kubernetes control plane too). */
const RIG: Record<string, CpuPart['kind']> = { k6: 'k6', demo: 'demo', 'control-plane': 'demo' };

const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Cores each part used between two snapshots, from the machine's own clock (jiffies over all CPUs). */
export function attribute(before: CpuSnapshot, after: CpuSnapshot): { seconds: number; parts: CpuPart[] } {
  const total = after.total - before.total;
  const cpus = after.cpus || 1;
  // Wall seconds of the interval, as the kernel counted them (every CPU accrues CLOCK_TICKS a second).
  const seconds = total / CLOCK_TICKS / cpus;
  if (seconds <= 0) return { seconds: 0, parts: [] };
  const cores = (cpuSeconds: number): number => cpuSeconds / seconds;
  const part = (name: string, kind: CpuPart['kind'], c: number): CpuPart => ({ part: name, kind, cores: round(c), share: round(c / cpus) });
  const procs = Object.keys(after.processes ?? {}).map((name) => part(name, RIG[name] ?? 'stack', cores((after.processes?.[name] ?? 0) - (before.processes?.[name] ?? 0))));
  const stack = procs.filter((p) => p.kind === 'stack').sort((a, b) => b.cores - a.cores || a.part.localeCompare(b.part));
  const rig = procs.filter((p) => p.kind !== 'stack').sort((a, b) => (a.kind === 'k6' ? -1 : b.kind === 'k6' ? 1 : a.part.localeCompare(b.part)));
  const busy = cores((after.busy - before.busy) / CLOCK_TICKS);
  const known = procs.reduce((a, p) => a + p.cores, 0);
  return {
    seconds: round(seconds, 1),
    parts: [
      ...stack,
      ...rig,
      // Sampling edges can leave the processes a hair above the machine's busy time: never below 0.
      part('other', 'other', Math.max(0, busy - known)),
      part('steal', 'steal', cores((after.steal - before.steal) / CLOCK_TICKS)),
      part('idle', 'idle', cores((after.idle - before.idle) / CLOCK_TICKS)),
    ],
  };
}

export type ContentionSignal = 'other-work' | 'steal' | 'k6-starved';

export interface MachineLoad {
  /** Busy share of every CPU over the run (steal included), 0..1. */
  busy: number;
  cpus: number;
  /** Seconds the attribution covers. */
  seconds: number;
  droppedIterations: number;
  /** Cores per part: each stack process, k6, the demo, other, steal, idle. */
  attribution: CpuPart[];
  /** The bounds the signals were judged by. */
  bounds: { otherMaxShare: number; stealMaxShare: number; k6StarvedCores: number };
  /** The system under test could not get the CPU it needed: a latency finding may be excused. */
  contended: boolean;
  /** Why, as data: which signal said so. */
  signals: ContentionSignal[];
}

/** `underFaults`: requests held through a fault fill every VU, so dropped iterations there say the system stalled, never that k6 was starved. */
export function machineLoad(before: CpuSnapshot, after: CpuSnapshot, droppedIterations: number, underFaults = false): MachineLoad {
  const { seconds, parts } = attribute(before, after);
  const of = (kind: CpuPart['kind']): CpuPart | undefined => parts.find((p) => p.kind === kind);
  const signals: ContentionSignal[] = [];
  if ((of('other')?.share ?? 0) > OTHER_MAX_SHARE) signals.push('other-work');
  if ((of('steal')?.share ?? 0) > STEAL_MAX_SHARE) signals.push('steal');
  if (!underFaults && droppedIterations > 0 && (of('k6')?.cores ?? 0) >= K6_STARVED_CORES) signals.push('k6-starved');
  const total = after.total - before.total;
  return {
    busy: total > 0 ? round((after.busy + after.steal - before.busy - before.steal) / total) : 0,
    cpus: after.cpus,
    seconds,
    droppedIterations,
    attribution: parts,
    bounds: { otherMaxShare: OTHER_MAX_SHARE, stealMaxShare: STEAL_MAX_SHARE, k6StarvedCores: K6_STARVED_CORES },
    contended: signals.length > 0,
    signals,
  };
}

/** The stack's cores, summed (the system under test). */
export const stackCores = (m: MachineLoad): number => round(m.attribution.filter((p) => p.kind === 'stack').reduce((a, p) => a + p.cores, 0));
