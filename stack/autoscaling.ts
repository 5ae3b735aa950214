/**
 * The local autoscaler: each Deployment's HorizontalPodAutoscaler, read from k8s/ (autoscale/manifests.ts)
 * as the ingress reads the weights from linkerd/, applied to the local stack's replicas. Every sync
 * period it measures each replica's CPU over the period from the OS (/proc, as the kubelet's cAdvisor
 * reads cgroups for metrics-server), asks the HPA algorithm (autoscale/autoscaler.ts) and starts or
 * stops replicas. Replica counts and decisions over time go into the run's results.
 */
import { Autoscaler, localSpec, type AutoscalerSpec, type ScaleDecision } from '../autoscale/autoscaler.js';
import { SYNC_PERIOD_S } from '../autoscale/behavior.js';
import type { AutoscaledDeployment } from '../autoscale/manifests.js';
import type { ReplicaSample } from '../autoscale/replicas.js';
import type { Deployment } from './deployment.js';
import { readProcStat } from './resources.js';
import type { ServiceFolder } from './services.js';

export const REPLICAS_SCHEMA = 'splitbench.replicas/1';

/** results/<run-id>/replicas.json */
export interface ReplicaTimeline {
  schema: typeof REPLICAS_SCHEMA;
  syncPeriodMs: number;
  /** Replicas running per service at each sync (and at start and end). */
  series: { t: number; replicas: Record<string, number> }[];
  /** Every decision that changed a count, with the utilization behind it. */
  changes: { t: number; deployment: string; from: number; to: number; utilizationPercent: number | null; reason: string }[];
  specs: AutoscalerSpec[];
}

export interface LocalAutoscalerOptions {
  deployments: Record<ServiceFolder, Deployment>;
  hpas: AutoscaledDeployment[];
  syncMs?: number;
  /** Overrides every HPA's target utilization (percent): to see scaling on a small load. */
  targetPercent?: number;
  onDecision?: (deployment: string, d: ScaleDecision) => void;
}

const cpuSeconds = async (pid: number): Promise<number | undefined> => (await readProcStat(pid))?.cpuSeconds;

export class LocalAutoscaler {
  readonly timeline: ReplicaTimeline;
  private readonly scalers: { dep: Deployment; scaler: Autoscaler }[] = [];
  /** pid -> [time ms, CPU seconds] at the previous sync. */
  private readonly last = new Map<number, [number, number]>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private readonly syncMs: number;

  constructor(private readonly opts: LocalAutoscalerOptions) {
    this.syncMs = opts.syncMs ?? SYNC_PERIOD_S * 1000;
    for (const hpa of opts.hpas) {
      const dep = opts.deployments[hpa.deployment as ServiceFolder];
      if (dep === undefined) continue;
      const spec = { ...localSpec(hpa), ...(opts.targetPercent !== undefined ? { targetCpuUtilizationPercent: opts.targetPercent } : {}), maxReplicas: Math.min(hpa.maxReplicas, dep.slots.length) };
      this.scalers.push({ dep, scaler: new Autoscaler(spec, { now: Date.now }) });
    }
    this.timeline = { schema: REPLICAS_SCHEMA, syncPeriodMs: this.syncMs, series: [], changes: [], specs: this.scalers.map((s) => s.scaler.spec) };
  }

  private record(): void {
    this.timeline.series.push({ t: Date.now(), replicas: Object.fromEntries(Object.values(this.opts.deployments).map((d) => [d.name, d.replicas])) });
  }

  /** Each running replica's CPU over the period since the last sync, in millicores. */
  private async samples(dep: Deployment): Promise<ReplicaSample[]> {
    const now = Date.now();
    return Promise.all(
      dep.running.map(async (sup): Promise<ReplicaSample> => {
        const pid = sup.pid;
        const cpu = pid === undefined ? undefined : await cpuSeconds(pid);
        if (pid === undefined || cpu === undefined) return { id: sup.name, state: 'pending', usageMillicores: null };
        const prev = this.last.get(pid);
        this.last.set(pid, [now, cpu]);
        // A replica seen for the first time has no period yet: metrics-server would have no sample either.
        const usage = prev === undefined ? null : Math.ceil(((cpu - prev[1]) / ((now - prev[0]) / 1000)) * 1000);
        return { id: sup.name, state: 'ready', usageMillicores: usage };
      }),
    );
  }

  async syncOnce(): Promise<void> {
    for (const { dep, scaler } of this.scalers) {
      const decision = scaler.sync(dep.replicas, await this.samples(dep));
      this.opts.onDecision?.(dep.name, decision);
      if (!decision.rescale) continue;
      const util = decision.reason.kind === 'metric' ? decision.reason.calculation.utilizationPercent : null;
      this.timeline.changes.push({ t: decision.at, deployment: dep.name, from: decision.currentReplicas, to: decision.desiredReplicas, utilizationPercent: util, reason: decision.reason.kind === 'metric' ? `${decision.reason.stabilization}, ${decision.reason.limit}` : decision.reason.kind });
      await dep.scale(decision.desiredReplicas);
    }
    this.record();
  }

  start(): void {
    this.record();
    // Seed every replica's CPU reading, so the first sync has a whole period to judge.
    this.running = Promise.all(this.scalers.map(({ dep }) => this.samples(dep))).then(() => undefined);
    const tick = (): void => {
      this.running = this.syncOnce()
        .catch(() => {})
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(tick, this.syncMs).unref();
        });
    };
    this.timer = setTimeout(tick, this.syncMs).unref();
  }

  async stop(): Promise<ReplicaTimeline> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    this.record();
    return this.timeline;
  }
}
