/**
 * Was the machine itself the bottleneck? The whole machine's CPU over the measured run (/proc/stat),
 * and the load k6 could not offer (dropped iterations). When either says the box ran out, a latency or
 * error-rate threshold that failed says nothing about the system under test: the verdict is
 * INCONCLUSIVE, not FAIL. (Lost, duplicated or misrouted writes still fail: no load excuses those.)
 */
import { readFileSync } from 'node:fs';

/** Busy share of all CPUs at or above which the machine counts as saturated. */
export const SATURATED_BUSY = 0.9;

export interface CpuTimes {
  /** jiffies, all CPUs */
  busy: number;
  total: number;
  cpus: number;
}

/** The aggregate `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal ... */
export function parseProcStatCpu(text: string): CpuTimes {
  const lines = text.split('\n');
  const fields = lines.find((l) => l.startsWith('cpu '))?.trim().split(/\s+/).slice(1).map(Number);
  if (!fields || fields.length < 4 || fields.some((n) => !Number.isFinite(n))) throw new Error('unreadable /proc/stat');
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait, cpus: lines.filter((l) => /^cpu\d+ /.test(l)).length };
}

export const readCpuTimes = (): CpuTimes => parseProcStatCpu(readFileSync('/proc/stat', 'utf8'));

export interface MachineLoad {
  /** Busy share of every CPU over the run, 0..1. */
  busy: number;
  cpus: number;
  droppedIterations: number;
  saturated: boolean;
  /** Why, as data: which signal said so. */
  signals: ('cpu' | 'dropped-iterations')[];
}

/**
 * `underFaults`: dropped iterations then say the system stalled (requests held through a fault occupy
 * every VU), not that k6 ran short of CPU, so they are no sign of a saturated machine.
 */
export function machineLoad(before: CpuTimes, after: CpuTimes, droppedIterations: number, underFaults = false): MachineLoad {
  const total = after.total - before.total;
  const busy = total > 0 ? (after.busy - before.busy) / total : 0;
  const signals: MachineLoad['signals'] = [];
  if (busy >= SATURATED_BUSY) signals.push('cpu');
  if (droppedIterations > 0 && !underFaults) signals.push('dropped-iterations');
  return { busy: Math.round(busy * 1000) / 1000, cpus: after.cpus, droppedIterations, saturated: signals.length > 0, signals };
}
