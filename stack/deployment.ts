/**
 * A service's replicas in the local stack, as a Deployment's pods: each replica has fixed ports (its
 * slot), is supervised (restarted when it dies), and the number running follows scale(). Callers that
 * route to the service (the ingress, grpc-client) are given every slot's address up front and use the
 * ones that are up, as clients of a Service use its ready endpoints.
 */
import { freePort } from './ports.js';
import type { ManagedProcess } from './process.js';
import { startService, waitReady, type ServiceFolder } from './services.js';
import { Supervisor, type SupervisorEvent } from './supervisor.js';

export interface Slot {
  index: number;
  /** Replica name, e.g. grpc-server-2: its process name, log file and INSTANCE_ID. */
  name: string;
  /** Main port: HTTP for the REST services, gRPC for grpc-server. */
  port: number;
  /** HTTP port for /healthz, /readyz, /metrics (grpc-server's side port; the main port otherwise). */
  httpPort: number;
  supervisor: Supervisor | undefined;
}

export interface DeploymentOptions {
  name: ServiceFolder;
  /** Slots to allocate: the most replicas this run may have. */
  maxReplicas: number;
  env: Record<string, string>;
  logFile: (replica: string) => string;
  onEvent?: (e: SupervisorEvent) => void;
  /** How a replica is started (default: the service on the slot's ports, ready); tests pass their own. */
  launch?: (slot: Slot) => Promise<ManagedProcess>;
  /**
   * The running replicas' base URLs whenever they change, as a Service's endpoints: after a replica is
   * up and ready, and before one is stopped (so no new request is sent to a replica that is draining).
   */
  onEndpoints?: (urls: string[]) => void;
}

export class Deployment {
  readonly name: ServiceFolder;
  readonly slots: Slot[] = [];
  private readonly endpointSlots = new Set<Slot>();

  private constructor(private readonly opts: DeploymentOptions) {
    this.name = opts.name;
  }

  /** Allocates the slots' ports; starts no replica yet. */
  static async create(opts: DeploymentOptions): Promise<Deployment> {
    const d = new Deployment(opts);
    for (let i = 0; i < opts.maxReplicas; i++) {
      const port = await freePort();
      const httpPort = opts.name === 'grpc-server' ? await freePort() : port;
      d.slots.push({ index: i, name: `${opts.name}-${i + 1}`, port, httpPort, supervisor: undefined });
    }
    return d;
  }

  /** Base URLs of every slot's HTTP side, running or not. */
  get urls(): string[] {
    return this.slots.map((s) => `http://127.0.0.1:${s.httpPort}`);
  }

  /** host:port of every slot's main port (grpc-server: the gRPC addresses grpc-client balances over). */
  get addrs(): string[] {
    return this.slots.map((s) => `127.0.0.1:${s.port}`);
  }

  /** Replicas running (supervised) now. */
  get replicas(): number {
    return this.slots.filter((s) => s.supervisor !== undefined).length;
  }

  /** Base URLs of the replicas that were ready and are not being stopped: the route's endpoints. */
  get endpoints(): string[] {
    return this.slots.filter((s) => this.endpointSlots.has(s)).map((s) => `http://127.0.0.1:${s.httpPort}`);
  }

  /** Supervisors of the running replicas. */
  get running(): Supervisor[] {
    return this.slots.flatMap((s) => (s.supervisor ? [s.supervisor] : []));
  }

  /** Starts or stops replicas until `n` run: new ones in the lowest free slots, stopped ones from the top. */
  async scale(n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 0 || n > this.slots.length) throw new RangeError(`${this.name}: replicas must be 0..${this.slots.length}, got ${n}`);
    // Count once: startSlot and the stops below change this.replicas as they go.
    let running = this.replicas;
    const changes: Promise<void>[] = [];
    for (const slot of this.slots) {
      if (running >= n) break;
      if (slot.supervisor !== undefined) continue;
      changes.push(this.startSlot(slot));
      running++;
    }
    for (const slot of [...this.slots].reverse()) {
      if (running <= n) break;
      const sup = slot.supervisor;
      if (sup === undefined) continue;
      slot.supervisor = undefined;
      if (this.endpointSlots.delete(slot)) this.opts.onEndpoints?.(this.endpoints);
      changes.push(sup.stop());
      running--;
    }
    await Promise.all(changes);
  }

  async stop(): Promise<void> {
    await this.scale(0);
  }

  private async startSlot(slot: Slot): Promise<void> {
    const sup = new Supervisor({ name: slot.name, launch: () => (this.opts.launch ?? ((s: Slot) => this.launch(s)))(slot), onEvent: this.opts.onEvent });
    slot.supervisor = sup;
    try {
      await sup.start();
    } catch (err) {
      slot.supervisor = undefined;
      throw err;
    }
    // Only now: a replica becomes an endpoint once it is ready. A slot stopped meanwhile is not listed.
    if (slot.supervisor === sup) {
      this.endpointSlots.add(slot);
      this.opts.onEndpoints?.(this.endpoints);
    }
  }

  private async launch(slot: Slot): Promise<ManagedProcess> {
    const env = { ...this.opts.env, PORT: String(slot.port), INSTANCE_ID: slot.name, ...(this.name === 'grpc-server' ? { HTTP_PORT: String(slot.httpPort) } : {}) };
    const svc = await startService(this.name, { env, logFile: this.opts.logFile(slot.name) });
    try {
      await waitReady(svc);
    } catch (err) {
      await svc.stop(1000);
      throw err;
    }
    return svc.proc;
  }
}
