/**
 * What `--autoscale` applies to its control plane: from the real `kubectl kustomize k8s/` (the base a
 * user applies; linkerd/ only layers the mesh on it), each HorizontalPodAutoscaler as it is, the
 * Deployment it scales, and what the API server needs to create that Deployment's pods (the Namespace,
 * the pods' ServiceAccounts). Checking the objects is the API server's job: nothing is validated here.
 */
import path from 'node:path';
import { kustomize, REPO_ROOT, type K8sObject } from '../k8s/lib/kustomize.js';

export const K8S_DIR = path.join(REPO_ROOT, 'k8s');

/** The HPA fields this repository reads (the controller reads the rest from the API server). */
export interface HpaObject extends K8sObject {
  spec: {
    scaleTargetRef: { apiVersion: string; kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: { type: string; resource?: { name: string; target: { type: string; averageUtilization?: number } } }[];
    behavior?: Record<string, unknown>;
  };
}

export interface AutoscaledDeployment {
  deployment: string;
  hpa: string;
  /** The API's default when the HPA leaves it out: 1. */
  minReplicas: number;
  maxReplicas: number;
}

export interface AutoscaleManifests {
  namespace: string;
  /** In the order to apply them. */
  objects: K8sObject[];
  hpas: HpaObject[];
  deployments: AutoscaledDeployment[];
}

export interface HpaOverrides {
  /** Replaces every CPU Utilization target's averageUtilization (`--hpa-target`): to see scaling at a small load. */
  targetPercent?: number;
  /** Replaces spec.behavior (tests: short stabilization windows, so a test can see a scale-down). */
  behavior?: Record<string, unknown>;
}

const isHpa = (o: K8sObject): o is HpaObject => o.kind === 'HorizontalPodAutoscaler';

function override(hpa: HpaObject, o: HpaOverrides): HpaObject {
  const copy = structuredClone(hpa);
  if (o.targetPercent !== undefined) {
    for (const m of copy.spec.metrics ?? []) {
      if (m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target.type === 'Utilization') m.resource.target.averageUtilization = o.targetPercent;
    }
  }
  if (o.behavior !== undefined) copy.spec.behavior = o.behavior;
  return copy;
}

/** The objects of `dir` (a kustomization, default k8s/) that the autoscaled run applies. */
export function autoscaleManifests(overrides: HpaOverrides = {}, dir: string = K8S_DIR): AutoscaleManifests {
  const all = kustomize(dir);
  const hpas = all.filter(isHpa).map((h) => override(h, overrides));
  const deployments = all.filter((o) => o.kind === 'Deployment' && hpas.some((h) => h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === o.metadata.name));
  const accounts = new Set(deployments.map((d) => (d as { spec?: { template?: { spec?: { serviceAccountName?: string } } } }).spec?.template?.spec?.serviceAccountName ?? 'default'));
  const namespace = deployments[0]?.metadata.namespace ?? 'default';
  const objects = [
    ...all.filter((o) => o.kind === 'Namespace' && o.metadata.name === namespace),
    ...all.filter((o) => o.kind === 'ServiceAccount' && accounts.has(o.metadata.name)),
    ...deployments,
    ...hpas,
  ];
  return {
    namespace,
    objects,
    hpas,
    deployments: hpas.map((h) => ({ deployment: h.spec.scaleTargetRef.name, hpa: h.metadata.name, minReplicas: h.spec.minReplicas ?? 1, maxReplicas: h.spec.maxReplicas })),
  };
}
