/**
 * The local stack under the real HPA controller (autoscale/control-plane.ts runs it). Three loops:
 *
 * - feed (every FEED_MS): each local replica's CPU, read from /proc as the kubelet's cAdvisor reads a
 *   container's cgroup, averaged over the last metrics-server resolution (15 s; up to 20 s, the
 *   readings being FEED_MS apart), becomes its pod's
 *   `kwok.x-k8s.io/usage-cpu` annotation (RSS its `usage-memory`); kwok serves it as the kubelet's
 *   resource metrics, metrics-server scrapes it, the controller reads it.
 * - follow (every FOLLOW_MS): each Deployment's .spec.replicas, as the controller sets it, is how many
 *   local replicas run (Deployment.scale starts or stops processes).
 * - watch (every WATCH_MS): the controller's Events on each HPA (SuccessfulRescale and its reason,
 *   FailedGetResourceMetric, ...) and each HPA's status, recorded as they come.
 *
 * Pods and replicas: a pod is bound to one ready local replica (oldest pod to lowest free slot) and
 * stays bound while both exist. A pod with no ready replica yet (its process is starting) reports 0:
 * the CPU a Node process burns starting up is left out, as the controller leaves out the first samples
 * of a pod that only just became ready (kwok makes pods Ready at once, before the process is up).
 */
import type { ControlPlane } from '../autoscale/control-plane.js';
import { KubeApiError, type KubeApi } from '../autoscale/kube-api.js';
import type { Deployment } from './deployment.js';
import { pause } from './process.js';
import { bindPods } from './pod-binding.js';
import { WindowedCpu } from './windowed-cpu.js';
import type { ServiceFolder } from './services.js';
import { emptyTimeline, type ControllerEvent, type ReplicaTimeline } from './replica-timeline.js';

export const FEED_MS = 5000;
export const FOLLOW_MS = 1000;
export const WATCH_MS = 2000;

/** kwok's usage-from-annotation reads these (kustomize/metrics/usage in the kwok module). */
export const CPU_ANNOTATION = 'kwok.x-k8s.io/usage-cpu';
export const MEMORY_ANNOTATION = 'kwok.x-k8s.io/usage-memory';
/** Which local replica a pod stands for (ours, for whoever reads the pods). */
export const REPLICA_ANNOTATION = 'splitbench.io/local-replica';

interface PodJson {
  metadata: { name: string; creationTimestamp: string; labels?: Record<string, string>; deletionTimestamp?: string; annotations?: Record<string, string> };
}
interface DeploymentJson {
  metadata: { name: string };
  spec: { replicas?: number; selector: { matchLabels?: Record<string, string> } };
}
interface HpaJson {
  metadata: { name: string };
  status?: { currentReplicas?: number; desiredReplicas?: number; currentMetrics?: { resource?: { name: string; current?: { averageUtilization?: number } } }[] };
}
interface EventJson {
  metadata: { uid: string };
  involvedObject: { name: string };
  type: string;
  reason: string;
  message: string;
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
}

export interface ClusterAutoscalingOptions {
  plane: Pick<ControlPlane, 'api' | 'namespace' | 'hpas' | 'deployments' | 'settings' | 'flags' | 'versions' | 'timings' | 'processes'>;
  deployments: Record<ServiceFolder, Deployment>;
  /** Each new controller Event, as it is seen. */
  onEvent?: (e: ControllerEvent) => void;
  /** A local scale, when it starts. */
  onScale?: (deployment: string, from: number, to: number) => void;
}


const utilization = (h: HpaJson): number | null => h.status?.currentMetrics?.find((m) => m.resource?.name === 'cpu')?.resource?.current?.averageUtilization ?? null;

/** A loop that runs `fn`, waits `ms`, and again, until stopped; stop() waits for the run in flight. A throw goes to `failed`, and the loop goes on. */
function every(ms: number, fn: () => Promise<void>, failed: (err: unknown) => void): { stop: () => Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      await fn().catch(failed);
      if (running) await pause(ms);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

export class ClusterAutoscaling {
  readonly timeline: ReplicaTimeline;
  private readonly api: KubeApi;
  private readonly ns: string;
  private readonly services: { dep: Deployment; hpa: string }[] = [];
  private readonly cpu: WindowedCpu;
  /** pod -> slot name, per service. */
  private readonly bindings = new Map<string, string>();
  private readonly fed = new Map<string, string>();
  private readonly seenCounts = new Map<string, number>();
  private readonly lastStatus = new Map<string, string>();
  private readonly lastDesired = new Map<string, number>();
  private readonly scaling = new Map<string, Promise<void>>();
  private readonly cpuWindowMs: number;
  private loops: { stop: () => Promise<void> }[] = [];

  constructor(private readonly opts: ClusterAutoscalingOptions) {
    const { plane } = opts;
    this.api = plane.api;
    this.ns = plane.namespace;
    this.cpuWindowMs = plane.settings.metricResolutionSeconds * 1000;
    this.cpu = new WindowedCpu(this.cpuWindowMs);
    for (const d of plane.deployments) {
      const dep = opts.deployments[d.deployment as ServiceFolder];
      if (dep !== undefined) this.services.push({ dep, hpa: d.hpa });
    }
    this.timeline = emptyTimeline(plane, { feedPeriodMs: FEED_MS, cpuWindowMs: this.cpuWindowMs });
  }

  private apiError(what: string, err: unknown): void {
    this.timeline.apiErrors.count++;
    if (this.timeline.apiErrors.first.length < 20) this.timeline.apiErrors.first.push({ t: Date.now(), what, message: err instanceof KubeApiError || err instanceof Error ? err.message : String(err) });
  }

  private record(): void {
    const replicas = Object.fromEntries(this.services.map(({ dep }) => [dep.name, dep.replicas]));
    const last = this.timeline.series.at(-1);
    if (last === undefined || JSON.stringify(last.replicas) !== JSON.stringify(replicas)) this.timeline.series.push({ t: Date.now(), replicas });
  }

  private async feed(): Promise<void> {
    let pods: PodJson[];
    let deps: DeploymentJson[];
    try {
      [pods, deps] = await Promise.all([
        this.api.get<{ items: PodJson[] }>(`/api/v1/namespaces/${this.ns}/pods`).then((r) => r.items),
        this.api.get<{ items: DeploymentJson[] }>(`/apis/apps/v1/namespaces/${this.ns}/deployments`).then((r) => r.items),
      ]);
    } catch (err) {
      this.apiError('list pods and deployments', err);
      return;
    }
    const now = Date.now();
    const patches: Promise<unknown>[] = [];
    for (const { dep } of this.services) {
      const selector = deps.find((d) => d.metadata.name === dep.name)?.spec.selector.matchLabels ?? {};
      const mine = pods
        .filter((p) => p.metadata.deletionTimestamp === undefined && Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v))
        .sort((a, b) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp) || a.metadata.name.localeCompare(b.metadata.name));
      const ready = dep.slots.filter((s) => s.supervisor?.pid !== undefined);
      bindPods(this.bindings, `${dep.name}-`, mine.map((p) => p.metadata.name), ready.map((s) => s.name));
      for (const pod of mine) {
        const slotName = this.bindings.get(pod.metadata.name);
        const pid = ready.find((s) => s.name === slotName)?.supervisor?.pid;
        const usage = pid === undefined ? undefined : await this.cpu.read(pid, now);
        const millicores = usage?.millicores ?? 0;
        const annotations = {
          [CPU_ANNOTATION]: `${millicores}m`,
          [MEMORY_ANNOTATION]: String(usage?.rssBytes ?? 0),
          [REPLICA_ANNOTATION]: slotName ?? '',
        };
        this.timeline.cpu.push({ t: now, pod: pod.metadata.name, replica: slotName ?? null, millicores });
        const key = JSON.stringify(annotations);
        if (this.fed.get(pod.metadata.name) === key) continue;
        patches.push(
          this.api.mergePatch(`/api/v1/namespaces/${this.ns}/pods/${pod.metadata.name}`, { metadata: { annotations } }).then(
            () => this.fed.set(pod.metadata.name, key),
            (err: unknown) => this.apiError(`annotate pod ${pod.metadata.name}`, err),
          ),
        );
      }
    }
    // Forget processes that are gone.
    const live = new Set(this.services.flatMap(({ dep }) => dep.slots.flatMap((s) => (s.supervisor?.pid === undefined ? [] : [s.supervisor.pid]))));
    this.cpu.keepOnly(live);
    await Promise.all(patches);
  }

  private async follow(): Promise<void> {
    let deps: DeploymentJson[];
    try {
      deps = (await this.api.get<{ items: DeploymentJson[] }>(`/apis/apps/v1/namespaces/${this.ns}/deployments`)).items;
    } catch (err) {
      this.apiError('list deployments', err);
      return;
    }
    for (const { dep } of this.services) {
      const want = deps.find((d) => d.metadata.name === dep.name)?.spec.replicas;
      if (want === undefined) continue;
      if (this.lastDesired.get(dep.name) !== want) {
        this.lastDesired.set(dep.name, want);
        this.timeline.desired.push({ t: Date.now(), deployment: dep.name, replicas: want });
      }
      if (this.scaling.has(dep.name)) continue;
      const to = Math.min(want, dep.slots.length);
      const from = dep.replicas;
      if (to === from) continue;
      const change: ReplicaTimeline['changes'][number] = { t: Date.now(), deployment: dep.name, from, to, doneAt: null };
      if (to !== want) change.error = `the controller asked for ${want} replicas; this run has ${dep.slots.length} slots`;
      this.timeline.changes.push(change);
      this.opts.onScale?.(dep.name, from, to);
      const scaled = dep.scale(to).then(
        () => void (change.doneAt = Date.now()),
        (err: unknown) => void (change.error = (err as Error).message),
      );
      this.scaling.set(dep.name, scaled.finally(() => {
        this.scaling.delete(dep.name);
        this.record();
      }));
      this.record();
    }
  }

  private async watch(): Promise<void> {
    try {
      const [events, hpas] = await Promise.all([
        this.api.get<{ items: EventJson[] }>(`/api/v1/namespaces/${this.ns}/events?fieldSelector=${encodeURIComponent('involvedObject.kind=HorizontalPodAutoscaler')}`).then((r) => r.items),
        this.api.get<{ items: HpaJson[] }>(`/apis/autoscaling/v2/namespaces/${this.ns}/horizontalpodautoscalers`).then((r) => r.items),
      ]);
      const fresh = events
        .filter((e) => (this.seenCounts.get(e.metadata.uid) ?? 0) < (e.count ?? 1))
        .map((e): ControllerEvent => ({ t: Date.parse(e.lastTimestamp ?? e.eventTime ?? '') || Date.now(), hpa: e.involvedObject.name, type: e.type, reason: e.reason, message: e.message, count: e.count ?? 1 }));
      for (const e of events) this.seenCounts.set(e.metadata.uid, e.count ?? 1);
      for (const e of fresh.sort((a, b) => a.t - b.t)) {
        this.timeline.events.push(e);
        this.opts.onEvent?.(e);
      }
      for (const h of hpas) {
        const s = { t: Date.now(), hpa: h.metadata.name, currentReplicas: h.status?.currentReplicas ?? 0, desiredReplicas: h.status?.desiredReplicas ?? 0, utilizationPercent: utilization(h) };
        const key = `${s.currentReplicas}/${s.desiredReplicas}/${s.utilizationPercent}`;
        if (this.lastStatus.get(s.hpa) === key) continue;
        this.lastStatus.set(s.hpa, key);
        this.timeline.status.push(s);
      }
    } catch (err) {
      this.apiError('list events and HPAs', err);
    }
  }

  /** The control plane's processes, under one name, for the run's CPU attribution (demo/machine.ts counts them as the rig's). */
  controlPlaneProcesses(): { name: string; pid: number }[] {
    return this.opts.plane.processes().map((p) => ({ name: 'control-plane', pid: p.pid }));
  }

  /** Starts the three loops (once). */
  start(): void {
    if (this.loops.length > 0) return;
    this.record();
    this.loops = [
      every(FEED_MS, () => this.feed(), (err) => this.apiError('feed', err)),
      every(FOLLOW_MS, () => this.follow(), (err) => this.apiError('follow', err)),
      every(WATCH_MS, () => this.watch(), (err) => this.apiError('watch', err)),
    ];
  }

  /**
   * Starts the loops and resolves when the controller has computed every HPA's CPU utilization from
   * fed metrics (metrics-server needs two scrapes of a pod first); rejects after `timeoutMs` with the
   * HPAs' last events, or at once when `signal` aborts (a SIGINT or SIGTERM).
   */
  async ready(timeoutMs = 180_000, signal?: AbortSignal): Promise<void> {
    this.start();
    const until = Date.now() + timeoutMs;
    const names = this.services.map((s) => s.hpa);
    for (;;) {
      const known = new Set(this.timeline.status.filter((s) => s.utilizationPercent !== null).map((s) => s.hpa));
      if (names.every((n) => known.has(n))) return;
      if (signal?.aborted) {
        await this.stop();
        throw new Error('stopped while waiting for the HPA controller');
      }
      if (Date.now() > until) {
        await this.stop();
        const last = names.filter((n) => !known.has(n)).map((n) => {
          const e = this.timeline.events.filter((x) => x.hpa === n).at(-1);
          return `${n}: ${e ? `${e.reason}: ${e.message}` : 'no event'}`;
        });
        throw new Error(`the HPA controller computed no CPU utilization within ${timeoutMs / 1000} s (${last.join('; ')})`);
      }
      await pause(1000);
    }
  }

  /** Stops the loops, waits for local scaling in progress, and returns the timeline. */
  async stop(): Promise<ReplicaTimeline> {
    await Promise.all(this.loops.map((l) => l.stop()));
    this.loops = [];
    await Promise.all(this.scaling.values());
    this.record();
    // The end of the run, even when nothing changed since the last entry.
    this.timeline.series.push({ t: Date.now(), replicas: Object.fromEntries(this.services.map(({ dep }) => [dep.name, dep.replicas])) });
    return this.timeline;
  }
}
