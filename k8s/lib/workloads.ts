/**
 * Typed views of the parts of pod templates the tests look at. The objects are schema-validated first
 * (schemas.ts), so these narrow casts only name fields the schema has already checked.
 */
import type { K8sObject } from './kustomize.js';

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
  };
}

export interface Probe {
  httpGet?: { path?: string; port: number | string };
  grpc?: { port: number; service?: string };
  tcpSocket?: { port: number | string };
  exec?: { command: string[] };
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  lifecycle?: { preStop?: { sleep?: { seconds: number }; exec?: unknown; httpGet?: unknown } };
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    runAsUser?: number;
    privileged?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

export interface Volume {
  name: string;
  configMap?: { name: string; items?: { key: string; path: string }[] };
  secret?: { secretName: string };
  emptyDir?: unknown;
  persistentVolumeClaim?: { claimName: string };
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  serviceAccountName?: string;
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; fsGroup?: number; seccompProfile?: { type: string } };
  volumes?: Volume[];
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

const POD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'Job', 'DaemonSet']);

export function hasPodTemplate(o: K8sObject): boolean {
  return POD_TEMPLATE_KINDS.has(o.kind);
}

export function podTemplate(o: K8sObject): PodTemplate {
  if (!hasPodTemplate(o)) throw new Error(`${o.kind} ${o.metadata.name} has no pod template`);
  const spec = o.spec as { template?: PodTemplate } | undefined;
  if (spec?.template === undefined) throw new Error(`${o.kind} ${o.metadata.name} has no spec.template`);
  return spec.template;
}

export function onlyContainer(o: K8sObject): Container {
  const containers = podTemplate(o).spec.containers;
  if (containers.length !== 1) throw new Error(`${o.kind} ${o.metadata.name}: expected one container, found ${containers.length}`);
  return containers[0] as Container;
}

/** Resolves a probe or Service target port (number or container port name) to a number. */
export function resolvePort(container: Container, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** Kubernetes quantity to a number (CPU in cores, memory in bytes). Enough for the units we write. */
export function quantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = /^([0-9]+(?:\.[0-9]+)?)(m|Ki|Mi|Gi|Ti|k|M|G)?$/.exec(q);
  if (!m) throw new Error(`unsupported quantity ${JSON.stringify(q)}`);
  const n = Number(m[1]);
  const unit: Record<string, number> = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9 };
  return m[2] === undefined ? n : n * (unit[m[2]] as number);
}
