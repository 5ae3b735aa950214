/**
 * results/<run-id>/replicas.json: an --autoscale run's replica timeline, the HPA controller's events
 * and status, and the CPU fed to it (stack/autoscaling.ts writes it; the run report reads it).
 */
import type { ControlPlane, ControllerSettings } from '../autoscale/control-plane.js';

export const REPLICAS_SCHEMA = 'splitbench.replicas/2';

export interface ControllerEvent {
  /** ms since the epoch: the event's lastTimestamp (1 s resolution) */
  t: number;
  hpa: string;
  type: string;
  reason: string;
  message: string;
  /** The event's count when seen: the controller repeats an identical event by counting up. */
  count: number;
}

/** results/<run-id>/replicas.json */
export interface ReplicaTimeline {
  schema: typeof REPLICAS_SCHEMA;
  controller: {
    versions: Record<string, string>;
    /** Flags set beyond kwokctl's own. */
    flags: string[];
    settings: ControllerSettings;
    feedPeriodMs: number;
    /** The window each replica's CPU is averaged over before it becomes its pod's usage. */
    cpuWindowMs: number;
    startSeconds: number;
    buildSeconds: number | null;
  };
  /** The HPAs as applied (after --hpa-target). */
  hpas: { name: string; deployment: string; minReplicas: number; maxReplicas: number; targetCpuUtilizationPercent: number | null; behavior: unknown }[];
  /** Local replicas running per service, at the start, on each change and at the end. */
  series: { t: number; replicas: Record<string, number> }[];
  /** Each Deployment's .spec.replicas when the controller changed it. */
  desired: { t: number; deployment: string; replicas: number }[];
  /** The local processes following: from, to, and when the new ones were ready (null: a start failed). */
  changes: { t: number; deployment: string; from: number; to: number; doneAt: number | null; error?: string }[];
  /** The controller's Events on the HPAs, each occurrence once. */
  events: ControllerEvent[];
  /** Each HPA's status when it changed: what the controller computed. */
  status: { t: number; hpa: string; currentReplicas: number; desiredReplicas: number; utilizationPercent: number | null }[];
  /** What was fed: each pod's CPU (millicores) and the replica behind it. */
  cpu: { t: number; pod: string; replica: string | null; millicores: number }[];
  /** Calls to the API server (or a loop's step) that failed: how many, and the first 20. */
  apiErrors: { count: number; first: { t: number; what: string; message: string }[] };
}

const cpuTarget = (h: ControlPlane['hpas'][number]): number | null =>
  h.spec.metrics?.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target.type === 'Utilization')?.resource?.target.averageUtilization ?? null;

/** A run's timeline before anything happened: the controller's versions, flags and settings, and each HPA as applied. */
export function emptyTimeline(plane: Pick<ControlPlane, 'hpas' | 'settings' | 'flags' | 'versions' | 'timings'>, feed: { feedPeriodMs: number; cpuWindowMs: number }): ReplicaTimeline {
  return {
    schema: REPLICAS_SCHEMA,
    controller: { versions: plane.versions, flags: plane.flags, settings: plane.settings, ...feed, ...plane.timings },
    hpas: plane.hpas.map((h) => ({
      name: h.metadata.name,
      deployment: h.spec.scaleTargetRef.name,
      minReplicas: h.spec.minReplicas ?? 1,
      maxReplicas: h.spec.maxReplicas,
      targetCpuUtilizationPercent: cpuTarget(h),
      behavior: h.spec.behavior ?? null,
    })),
    series: [],
    desired: [],
    changes: [],
    events: [],
    status: [],
    cpu: [],
    apiErrors: { count: 0, first: [] },
  };
}
