/**
 * The autoscalers against the real HPA controller: kwok reports 400m of CPU per container (above the
 * 50% target of a 250m request), every HPA must reach its maxReplicas; then 10m, and every HPA must
 * return to minReplicas. Waits in real time, bounded by what each HPA's own `behavior` allows plus a
 * generous allowance for the metrics pipeline; records the timeline it saw.
 */
import { pause } from '../../stack/process.js';
import { kubectl, type Cluster } from './cluster.js';
import { applyObjects, cpuUsage, SIM_NAMESPACE, type Step } from './scaffolding.js';

interface ScalingPolicy { type: string; value: number; periodSeconds: number }
interface HpaJson {
  metadata: { name: string };
  spec: {
    minReplicas: number;
    maxReplicas: number;
    behavior?: { scaleUp?: { stabilizationWindowSeconds?: number; policies?: ScalingPolicy[] }; scaleDown?: { stabilizationWindowSeconds?: number; policies?: ScalingPolicy[] } };
  };
  status: { currentReplicas?: number; desiredReplicas?: number; currentMetrics?: { resource?: { current?: { averageUtilization?: number } } }[] };
}

export interface HpaSample { t: number; hpa: string; replicas: number; desired: number; utilization: number | null }
export interface HpaPhase { cpu: string; target: number; boundSeconds: number; reachedAfter: Record<string, number | null> }
export interface HpaReport { timeline: HpaSample[]; up: HpaPhase; down: HpaPhase }

/** metric-resolution (15 s) + HPA sync (15 s) + kwok's first two samples, with room to spare. */
const PIPELINE_ALLOWANCE_S = 180;

/** The slowest the behavior lets an HPA move from `from` to `to` replicas, in seconds. */
export function behaviorBound(hpa: HpaJson, from: number, to: number): number {
  const rules = to > from ? hpa.spec.behavior?.scaleUp : hpa.spec.behavior?.scaleDown;
  const window = rules?.stabilizationWindowSeconds ?? (to > from ? 0 : 300);
  const pods = rules?.policies?.filter((p) => p.type === 'Pods') ?? [];
  // With a Pods policy, at most `value` pods per period; without one, the defaults allow it in one period.
  const perStep = Math.max(1, ...pods.map((p) => p.value));
  const period = Math.max(15, ...pods.map((p) => p.periodSeconds));
  return window + Math.ceil(Math.abs(to - from) / perStep) * period + PIPELINE_ALLOWANCE_S;
}

function hpas(cluster: Cluster): HpaJson[] {
  const r = kubectl(cluster, ['get', 'hpa', '-n', SIM_NAMESPACE, '-o', 'json']);
  if (r.status !== 0) throw new Error(`kubectl get hpa: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { items: HpaJson[] }).items;
}


async function phase(cluster: Cluster, millicores: number, pick: (h: HpaJson) => number, timeline: HpaSample[], steps: Step[], log: (l: string) => void): Promise<HpaPhase> {
  const before = hpas(cluster);
  const target = pick(before[0] as HpaJson);
  const bound = Math.max(...before.map((h) => behaviorBound(h, h.status.currentReplicas ?? 1, pick(h))));
  applyObjects(cluster, `kwok ClusterResourceUsage: ${millicores}m per container`, cpuUsage(millicores), steps);
  log(`simulated CPU now ${millicores}m per container; waiting up to ${bound} s for every HPA to reach ${target} replicas`);
  const start = Date.now();
  const reached: Record<string, number | null> = Object.fromEntries(before.map((h) => [h.metadata.name, null]));
  const last = new Map<string, string>();
  while ((Date.now() - start) / 1000 < bound) {
    const t = Math.round((Date.now() - start) / 1000);
    for (const h of hpas(cluster)) {
      const s: HpaSample = {
        t,
        hpa: h.metadata.name,
        replicas: h.status.currentReplicas ?? 0,
        desired: h.status.desiredReplicas ?? 0,
        utilization: h.status.currentMetrics?.[0]?.resource?.current?.averageUtilization ?? null,
      };
      const sig = `${s.replicas}/${s.desired}/${s.utilization}`;
      if (last.get(s.hpa) !== sig) {
        last.set(s.hpa, sig);
        timeline.push(s);
        log(`  t+${t}s ${s.hpa}: ${s.replicas} replicas (desired ${s.desired}, CPU ${s.utilization ?? '<unknown>'}%)`);
      }
      if (reached[s.hpa] === null && s.replicas === pick(h)) reached[s.hpa] = t;
    }
    if (Object.values(reached).every((v) => v !== null)) break;
    await pause(5000);
  }
  return { cpu: `${millicores}m`, target, boundSeconds: bound, reachedAfter: reached };
}

export async function checkAutoscaling(cluster: Cluster, steps: Step[], log: (l: string) => void): Promise<HpaReport> {
  const timeline: HpaSample[] = [];
  const up = await phase(cluster, 400, (h) => h.spec.maxReplicas, timeline, steps, log);
  const down = await phase(cluster, 10, (h) => h.spec.minReplicas, timeline, steps, log);
  return { timeline, up, down };
}
