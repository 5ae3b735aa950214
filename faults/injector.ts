/**
 * Carries out a fault plan against the supervised processes of the local stack, and the links between
 * them (through Toxiproxy), on the plan's clock, and records what really happened: when each fault
 * began and ended (for a kill or stop, when the supervisor had the process running again; for a link,
 * when it was healed), and which process or link it hit.
 */
import { pause } from '../stack/process.js';
import type { Supervisor } from '../stack/supervisor.js';
import type { ToxiproxyLink } from '../stack/toxiproxy.js';
import { isLinkTarget, isNetworkAction, STORE_USERS, type Fault, type FaultLink, type FaultTarget } from './plan.js';

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
  /** Every running replica of a service (a `late` store's users start again while it is down). */
  replicas?: (service: FaultTarget) => Supervisor[];
  /** The proxies of a link (one per server replica); empty when the link was not put through Toxiproxy. */
  links?: (link: FaultLink) => ToxiproxyLink[];
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

  /** Stops what is pending, wakes every process still hung and heals every broken link (the run ends early). */
  cancel(): void {
    this.abort.abort();
    for (const sup of this.hung) sup.signal('SIGCONT');
    this.hung.clear();
  }

  private async inject(f: Fault): Promise<void> {
    await pause(this.opts.startAt + f.at * 1000 - this.now(), this.abort.signal);
    if (this.abort.signal.aborted) return;
    if (isLinkTarget(f.target)) return this.breakLink(f, f.target);
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
    } else if (f.action === 'late') {
      // Killed, not stopped: the store must be unreachable at once, before its users start again.
      const back = sup.nextStart();
      sup.expectExit();
      sup.holdFor(f.duration * 1000);
      sup.signal('SIGKILL');
      await pause(200, this.abort.signal);
      const users = (STORE_USERS[f.target as keyof typeof STORE_USERS] ?? []).flatMap((svc) => this.opts.replicas?.(svc) ?? []);
      // Killed too: a drain would wait on calls hung on the dead store and could outlast the hold.
      for (const u of users) {
        u.expectExit();
        u.signal('SIGKILL');
      }
      if (!(await back)) return;
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

  /** A network fault on every proxy of the link for its duration, then healed (also when cancelled). */
  private async breakLink(f: Fault, link: FaultLink): Promise<void> {
    const proxies = this.opts.links?.(link) ?? [];
    const rec: FaultRecord = { ...f, process: link, startedAt: this.now(), endedAt: null, pidBefore: null, pidAfter: null };
    this.records.push(rec);
    const action = f.action;
    if (proxies.length === 0 || !isNetworkAction(action)) {
      rec.error = `${link} does not go through Toxiproxy in this run; a ${action} fault needs it`;
      return;
    }
    this.opts.onFault?.(rec, 'start');
    try {
      await Promise.all(proxies.map((p) => p.apply(action, { latencyMs: f.latencyMs, jitterMs: f.jitterMs })));
    } catch (err) {
      rec.error = `could not ${f.action} ${link}: ${(err as Error).message}`;
      await Promise.allSettled(proxies.map((p) => p.heal()));
      return;
    }
    await pause(f.duration * 1000, this.abort.signal);
    const healed = await Promise.allSettled(proxies.map((p) => p.heal()));
    const failed = healed.find((h) => h.status === 'rejected');
    if (failed) {
      rec.error = `could not heal ${link}: ${(failed.reason as Error).message}`;
      return;
    }
    rec.endedAt = this.now();
    this.opts.onFault?.(rec, 'end');
  }
}
