/**
 * Keeps one process of the local stack running, as a kubelet keeps a container: when it exits without
 * being asked to, it is started again (same port, same data) after a back-off that doubles while it
 * keeps crashing, and every start, exit and restart is logged and counted.
 *
 * The kubelet's CrashLoopBackOff starts at 10 s and doubles to 5 min; a local run lasts minutes, so
 * this one starts at 1 s and doubles to 16 s, and forgets after 60 s of running (the kubelet: 10 min).
 */
import { pause, type ManagedProcess } from './process.js';

export interface SupervisorEvent {
  /** ms since the epoch */
  t: number;
  process: string;
  kind: 'started' | 'exited' | 'restarting' | 'held' | 'stopped' | 'start-failed';
  pid?: number;
  detail?: string;
  /** On `exited`: the exit was caused on purpose (a fault), not a crash. */
  expected?: boolean;
}

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** Running this long resets the back-off. */
  resetAfterMs: number;
}

export const LOCAL_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 16_000, resetAfterMs: 60_000 };

export interface SupervisorOptions {
  name: string;
  /** Starts the process and resolves when it is ready to serve (or rejects). */
  launch: () => Promise<ManagedProcess>;
  backoff?: BackoffPolicy;
  onEvent?: (e: SupervisorEvent) => void;
  now?: () => number;
}


export class Supervisor {
  readonly name: string;
  restarts = 0;
  private current: ManagedProcess | undefined;
  private stopping = false;
  /** Aborted by stop(): a back-off or a fault's hold in progress ends at once instead of running out. */
  private readonly stopped = new AbortController();
  private heldUntil = 0;
  private exitExpected = false;
  private nextDelay: number;
  private readonly policy: BackoffPolicy;
  private readonly now: () => number;
  private loop: Promise<void> | undefined;
  private readyWaiters: ((started: boolean) => void)[] = [];

  constructor(private readonly opts: SupervisorOptions) {
    this.name = opts.name;
    this.policy = opts.backoff ?? LOCAL_BACKOFF;
    this.nextDelay = this.policy.initialMs;
    this.now = opts.now ?? Date.now;
  }

  get pid(): number | undefined {
    return this.current?.child.pid;
  }

  /** Starts the process the first time; rejects if that first start fails (the stack cannot come up). */
  async start(): Promise<void> {
    this.current = await this.opts.launch();
    this.emit('started', this.current.child.pid);
    this.loop = this.watch();
  }

  /** Resolves true the next time the process is (re)started and ready; false if supervision stops first. */
  nextStart(): Promise<boolean> {
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Keep it down for `ms` after its next exit (a stop fault: the pod is gone for a while). */
  holdFor(ms: number): void {
    this.heldUntil = Math.max(this.heldUntil, this.now() + ms);
  }

  /** The next exit is caused on purpose (a fault): its event says so, and it is not a crash. */
  expectExit(): void {
    this.exitExpected = true;
  }

  /** Sends a signal to the running process (faults: SIGSTOP, SIGCONT, SIGKILL, SIGTERM). */
  signal(sig: NodeJS.Signals): boolean {
    return this.current?.child.kill(sig) ?? false;
  }

  /** Stops supervising and stops the process (SIGTERM, SIGKILL after graceMs). */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    for (const w of this.readyWaiters.splice(0)) w(false);
    // A stopped (SIGSTOP) process cannot act on SIGTERM: let it run first.
    this.current?.child.kill('SIGCONT');
    await this.current?.stop(graceMs);
    await this.loop;
    // A relaunch that was under way when stop() came in has finished by now: stop what it started.
    await this.current?.stop(graceMs);
    this.emit('stopped');
  }

  private async watch(): Promise<void> {
    while (!this.stopping && this.current) {
      const proc = this.current;
      const startedAt = this.now();
      const exit = await proc.exited;
      if (this.stopping) return;
      this.emit('exited', proc.child.pid, `code ${exit.code ?? '-'}, signal ${exit.signal ?? '-'}`, this.exitExpected);
      this.exitExpected = false;
      if (this.now() - startedAt >= this.policy.resetAfterMs) this.nextDelay = this.policy.initialMs;
      const held = Math.max(0, this.heldUntil - this.now());
      if (held > 0) this.emit('held', undefined, `down for ${held} ms`);
      const wait = Math.max(held, this.nextDelay);
      this.nextDelay = Math.min(this.policy.maxMs, this.nextDelay * 2);
      this.emit('restarting', undefined, `in ${wait} ms`);
      await pause(wait, this.stopped.signal);
      if ((await this.relaunch()) === undefined) return;
    }
  }

  /** Starts it again, retrying with the back-off until it comes up or supervision stops. */
  private async relaunch(): Promise<ManagedProcess | undefined> {
    for (;;) {
      if (this.stopping) return undefined;
      try {
        const proc = await this.opts.launch();
        if (this.stopping) {
          await proc.stop();
          return undefined;
        }
        this.restarts++;
        this.current = proc;
        this.emit('started', proc.child.pid, `restart ${this.restarts}`);
        for (const w of this.readyWaiters.splice(0)) w(true);
        return proc;
      } catch (err) {
        this.emit('start-failed', undefined, (err as Error).message.split('\n')[0]);
        await pause(this.nextDelay, this.stopped.signal);
        this.nextDelay = Math.min(this.policy.maxMs, this.nextDelay * 2);
      }
    }
  }

  private emit(kind: SupervisorEvent['kind'], pid?: number, detail?: string, expected?: boolean): void {
    const e: SupervisorEvent = { t: this.now(), process: this.name, kind };
    if (pid !== undefined) e.pid = pid;
    if (detail !== undefined) e.detail = detail;
    if (expected !== undefined) e.expected = expected;
    this.opts.onEvent?.(e);
  }
}
