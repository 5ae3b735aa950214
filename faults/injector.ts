/**
 * Carries out a fault plan against the supervised processes of the local stack, on the plan's clock,
 * and records what really happened: when each fault began and ended (for a kill or stop, when the
 * supervisor had the process running again), and which process it hit.
 */
import { pause } from '../stack/process.js';
import type { Supervisor } from '../stack/supervisor.js';
import type { Fault, FaultTarget } from './plan.js';

export interface FaultRecord extends Fault {
  /** The replica or store process hit, e.g. grpc-server-1. */
  process: string;
  /** ms since the epoch: the signal was sent. */
  startedAt: number;
  /** ms since the epoch: SIGCONT sent (hang) or the process running again (kill, stop, restart); null if it never was. */
  endedAt: number | null;
  pidBefore: number | null;
  pidAfter: number | null;
  /** Why the fault could not be carried out (no such process running). */
  error?: string;
}

export interface InjectorOptions {
  faults: Fault[];
  /** The supervisor a fault on `target` hits (a service's first running replica). */
  lookup: (target: FaultTarget) => Supervisor | undefined;
  /** ms since the epoch the plan's `at` counts from. */
  startAt: number;
  onFault?: (r: FaultRecord, phase: 'start' | 'end') => void;
  now?: () => number;
}

export class FaultInjector {
  readonly records: FaultRecord[] = [];
  private readonly hung = new Set<Supervisor>();
  private readonly abort = new AbortController();
  private readonly now: () => number;

  constructor(private readonly opts: InjectorOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Runs the whole plan; resolves when the last fault has ended (or the run was cancelled). */
  async run(): Promise<FaultRecord[]> {
    await Promise.all(this.opts.faults.map((f) => this.inject(f)));
    return this.records.sort((a, b) => a.startedAt - b.startedAt);
  }

  /** Stops what is pending and wakes every process still hung (the run ends early). */
  cancel(): void {
    this.abort.abort();
    for (const sup of this.hung) sup.signal('SIGCONT');
    this.hung.clear();
  }

  private async inject(f: Fault): Promise<void> {
    await pause(this.opts.startAt + f.at * 1000 - this.now(), this.abort.signal);
    if (this.abort.signal.aborted) return;
    const sup = this.opts.lookup(f.target);
    const rec: FaultRecord = { ...f, process: sup?.name ?? f.target, startedAt: this.now(), endedAt: null, pidBefore: sup?.pid ?? null, pidAfter: null };
    this.records.push(rec);
    if (sup === undefined || sup.pid === undefined) {
      rec.error = `no running ${f.target} process to ${f.action}`;
      return;
    }
    this.opts.onFault?.(rec, 'start');
    if (f.action === 'hang') {
      sup.signal('SIGSTOP');
      this.hung.add(sup);
      await pause(f.duration * 1000, this.abort.signal);
      this.hung.delete(sup);
      sup.signal('SIGCONT');
      rec.endedAt = this.now();
      rec.pidAfter = sup.pid ?? null;
    } else {
      const back = sup.nextStart();
      sup.expectExit();
      if (f.duration > 0) sup.holdFor(f.duration * 1000);
      sup.signal(f.action === 'kill' ? 'SIGKILL' : 'SIGTERM');
      if (!(await back)) return;
      rec.endedAt = this.now();
      rec.pidAfter = sup.pid ?? null;
    }
    this.opts.onFault?.(rec, 'end');
  }
}
