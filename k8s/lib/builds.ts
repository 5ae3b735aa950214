/**
 * The builds the offline manifest tests share: the base, the entry point, each ingress variant, the
 * cluster-level class, the namespace and the meshed observability overlay, plus the per-service
 * constants they compare with contract/.
 */
import path from 'node:path';
import { DEFAULT_PORTS, SERVICES } from '../../contract/services.js';
import { kustomize, one, REPO_ROOT, type K8sObject } from './kustomize.js';
import { buildVariant, INGRESS_COMPONENTS, type Variant } from './variants.js';
import { hasPodTemplate, podTemplate, type Container } from './workloads.js';

export const NAMESPACE = 'splitbench';
export const APP_SERVICES = [SERVICES.grpcClient, SERVICES.grpcServer, SERVICES.redisWriter] as const;
export type AppService = (typeof APP_SERVICES)[number];
/** The port each service listens on with PORT (contract/services.ts). */
export const SERVICE_PORT: Record<AppService, number> = {
  'grpc-client': DEFAULT_PORTS.grpcClient,
  'grpc-server': DEFAULT_PORTS.grpcServer,
  'redis-writer': DEFAULT_PORTS.redisWriter,
};
/** Where each service serves /healthz, /readyz and /metrics. */
export const HTTP_PORT: Record<AppService, number> = {
  'grpc-client': DEFAULT_PORTS.grpcClient,
  'grpc-server': DEFAULT_PORTS.grpcServerHttp,
  'redis-writer': DEFAULT_PORTS.redisWriter,
};
export const SECRET_NAME = 'splitbench-stores';
export const EXAMPLE_SECRETS = path.join(REPO_ROOT, 'k8s', 'secrets', 'secrets.example.env');

export function parseEnvFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq < 1) throw new Error(`not KEY=value: ${line}`);
    out.set(trimmed.slice(0, eq), trimmed.slice(eq + 1));
  }
  return out;
}

export const base = kustomize(path.join(REPO_ROOT, 'k8s'));
export const entry = kustomize(path.join(REPO_ROOT, 'linkerd'));
export const variants: { variant: Variant; objects: K8sObject[] }[] = INGRESS_COMPONENTS.map((ingress) => ({ variant: { ingress }, objects: buildVariant({ ingress }) }));

/** Builds of everything committed (no secrets.env): the base, the entry point and its ingress variants. */
export const committedBuilds: { name: string; objects: K8sObject[] }[] = [
  { name: 'k8s', objects: base },
  { name: 'linkerd', objects: entry },
  ...variants.map((v) => ({ name: `linkerd with ${v.variant.ingress}`, objects: v.objects })),
  { name: 'k8s/components/gateway-api/class', objects: kustomize(path.join(REPO_ROOT, 'k8s', 'components', 'gateway-api', 'class')) },
  { name: 'k8s/namespace', objects: kustomize(path.join(REPO_ROOT, 'k8s', 'namespace')) },
  { name: 'linkerd/observability', objects: kustomize(path.join(REPO_ROOT, 'linkerd', 'observability')) },
];

/** Every container of every pod template in every committed build. */
export function allContainers(): { where: string; obj: K8sObject; c: Container }[] {
  const out: { where: string; obj: K8sObject; c: Container }[] = [];
  for (const b of committedBuilds) {
    for (const o of b.objects.filter(hasPodTemplate)) {
      const spec = podTemplate(o).spec;
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) out.push({ where: `${b.name}: ${o.kind} ${o.metadata.name}/${c.name}`, obj: o, c });
    }
  }
  return out;
}

/** The environment a container would see: ConfigMap, then env in order with $(VAR) expanded, secrets from `secrets`. */
export function resolvedEnv(objects: K8sObject[], c: Container, podName: string, secrets: Map<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    const cm = from.configMapRef ? one<{ data: Record<string, string> }>(objects, 'ConfigMap', from.configMapRef.name) : undefined;
    Object.assign(env, cm?.data ?? {});
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value.replace(/\$\(([A-Z_]+)\)/g, (whole, name: string) => env[name] ?? whole);
    else if (e.valueFrom?.secretKeyRef) env[e.name] = secrets.get(e.valueFrom.secretKeyRef.key) ?? '';
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') env[e.name] = podName;
  }
  return env;
}

