/**
 * Reads the HorizontalPodAutoscalers and their Deployments from k8s/*.yaml (as the ingress reads the
 * split's weights from linkerd/), so the local autoscaler scales by the same numbers the cluster does.
 *
 * The CPU request. The controller divides a pod's CPU usage by the sum of its containers' CPU requests
 * (replica_calculator.go calculateRequests: every container plus restartable init containers, i.e. native
 * sidecars). In the cluster the Linkerd proxy is injected into each pod with the request from the
 * `config.linkerd.io/proxy-cpu-request` annotation (added by linkerd/components/mesh), so there the
 * request is app + proxy and so is the usage. Locally there is no proxy process and its CPU is not
 * measured, so the local autoscaler divides the service process's CPU by the app containers' request
 * alone (`localMillicores`); dividing app-only usage by app + proxy would under-report utilization and
 * scale later than the cluster does. Both figures are returned.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { defaultBehavior, DOWNSCALE_STABILIZATION_S, parseBehavior, type Behavior } from './behavior.js';
import { integer, isRecord, list, ManifestError, milliValue, record, text } from './fields.js';

export const K8S_DIR = fileURLToPath(new URL('../k8s/', import.meta.url));
export const PROXY_CPU_REQUEST_ANNOTATION = 'config.linkerd.io/proxy-cpu-request';

export interface CpuRequest {
  /** Sum over the pod template's containers (and restartable init containers), millicores. */
  containersMillicores: number;
  /** The Linkerd proxy's request from the pod template annotation; null when the template has none. */
  linkerdProxyMillicores: number | null;
  /** What the cluster's HPA divides by: containers + proxy. */
  clusterMillicores: number;
  /** What the local autoscaler divides by: the containers alone (no proxy runs locally). */
  localMillicores: number;
}

export interface AutoscaledDeployment {
  deployment: string;
  hpa: string;
  files: { deployment: string; hpa: string };
  minReplicas: number;
  maxReplicas: number;
  targetCpuUtilizationPercent: number;
  /** The behavior with the API server's defaults filled in (defaults.go) where the manifest is silent. */
  behavior: Behavior;
  /** False when the HPA has no `behavior`: the controller then uses its older normalization (hpa.ts). */
  behaviorSpecified: boolean;
  cpuRequest: CpuRequest;
}

/** One parsed YAML document and the file it came from (for error messages). */
export interface SourcedObject {
  source: string;
  object: unknown;
}

interface Found<T> {
  source: string;
  name: string;
  value: T;
}

function objectName(o: Record<string, unknown>, where: string): string {
  return text(record(o.metadata, `${where}: metadata`).name, `${where}: metadata.name`);
}

function deploymentCpu(o: Record<string, unknown>, where: string): CpuRequest {
  const template = record(record(o.spec, `${where}: spec`).template, `${where}: spec.template`);
  const pod = record(template.spec, `${where}: spec.template.spec`);
  const sidecars = (pod.initContainers === undefined ? [] : list(pod.initContainers, `${where}: spec.template.spec.initContainers`))
    .map((c, i) => ({ c, at: `spec.template.spec.initContainers[${i}]` }))
    .filter(({ c }) => isRecord(c) && c.restartPolicy === 'Always');
  const containers = list(pod.containers, `${where}: spec.template.spec.containers`).map((c, i) => ({ c, at: `spec.template.spec.containers[${i}]` }));
  if (containers.length === 0) throw new ManifestError(`${where}: spec.template.spec.containers is empty`);
  let containersMillicores = 0;
  for (const { c, at } of [...containers, ...sidecars]) {
    const cpu = (record(c, `${where}: ${at}`).resources as { requests?: { cpu?: unknown } } | undefined)?.requests?.cpu;
    if (cpu === undefined) {
      throw new ManifestError(`${where}: ${at}.resources.requests.cpu is missing; without it the HPA cannot compute CPU utilization ("missing request for cpu")`);
    }
    containersMillicores += milliValue(cpu, `${where}: ${at}.resources.requests.cpu`);
  }
  const annotations = template.metadata === undefined ? {} : (record(template.metadata, `${where}: spec.template.metadata`).annotations ?? {});
  const proxy = record(annotations, `${where}: spec.template.metadata.annotations`)[PROXY_CPU_REQUEST_ANNOTATION];
  const linkerdProxyMillicores = proxy === undefined ? null : milliValue(proxy, `${where}: spec.template.metadata.annotations["${PROXY_CPU_REQUEST_ANNOTATION}"]`);
  return { containersMillicores, linkerdProxyMillicores, clusterMillicores: containersMillicores + (linkerdProxyMillicores ?? 0), localMillicores: containersMillicores };
}

/** The CPU target of `spec.metrics`: exactly one Resource cpu Utilization metric (the API default is cpu 80%). */
function cpuTarget(raw: unknown, where: string): number {
  if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) return 80; // SetDefaults_HorizontalPodAutoscaler
  const metrics = list(raw, `${where}: spec.metrics`);
  if (metrics.length !== 1) throw new ManifestError(`${where}: spec.metrics must hold exactly one metric (CPU utilization); the local autoscaler measures nothing else`);
  const m = record(metrics[0], `${where}: spec.metrics[0]`);
  const resource = m.type === 'Resource' && isRecord(m.resource) ? m.resource : undefined;
  const target = resource !== undefined && resource.name === 'cpu' && isRecord(resource.target) ? resource.target : undefined;
  if (target?.type !== 'Utilization') {
    throw new ManifestError(`${where}: spec.metrics[0] must be type Resource, resource.name cpu, resource.target.type Utilization; the local autoscaler measures nothing else`);
  }
  return integer(target.averageUtilization, `${where}: spec.metrics[0].resource.target.averageUtilization`, 1, 10_000);
}

function hpaSpec(o: Record<string, unknown>, where: string, downscaleStabilizationS: number): { target: string } & Omit<AutoscaledDeployment, 'deployment' | 'hpa' | 'files' | 'cpuRequest'> {
  if (o.apiVersion !== 'autoscaling/v2') throw new ManifestError(`${where}: apiVersion must be autoscaling/v2, got ${JSON.stringify(o.apiVersion)}`);
  const spec = record(o.spec, `${where}: spec`);
  const ref = record(spec.scaleTargetRef, `${where}: spec.scaleTargetRef`);
  if (ref.kind !== 'Deployment' || ref.apiVersion !== 'apps/v1') {
    throw new ManifestError(`${where}: spec.scaleTargetRef must be an apps/v1 Deployment, got ${String(ref.apiVersion)} ${String(ref.kind)}`);
  }
  const minReplicas = spec.minReplicas === undefined ? 1 : integer(spec.minReplicas, `${where}: spec.minReplicas`, 1, 2 ** 31 - 1);
  const maxReplicas = integer(spec.maxReplicas, `${where}: spec.maxReplicas`, minReplicas, 2 ** 31 - 1);
  const behavior = parseBehavior(spec.behavior, `${where}: spec.behavior`, downscaleStabilizationS);
  return {
    target: text(ref.name, `${where}: spec.scaleTargetRef.name`),
    minReplicas,
    maxReplicas,
    targetCpuUtilizationPercent: cpuTarget(spec.metrics, where),
    behavior: behavior ?? defaultBehavior(downscaleStabilizationS),
    behaviorSpecified: behavior !== null,
  };
}

/** Joins every HPA with its Deployment. Deployments without an HPA are left out. */
export function parseAutoscaledDeployments(objects: readonly SourcedObject[], downscaleStabilizationS = DOWNSCALE_STABILIZATION_S): AutoscaledDeployment[] {
  const deployments = new Map<string, Found<CpuRequest>>();
  const hpas: Found<ReturnType<typeof hpaSpec>>[] = [];
  for (const { source, object } of objects) {
    if (!isRecord(object)) continue;
    if (object.kind === 'Deployment' && object.apiVersion === 'apps/v1') {
      const name = objectName(object, `${source}: Deployment`);
      deployments.set(name, { source, name, value: deploymentCpu(object, `${source}: Deployment ${name}`) });
    } else if (object.kind === 'HorizontalPodAutoscaler') {
      const name = objectName(object, `${source}: HorizontalPodAutoscaler`);
      hpas.push({ source, name, value: hpaSpec(object, `${source}: HorizontalPodAutoscaler ${name}`, downscaleStabilizationS) });
    }
  }
  const claimed = new Map<string, string>();
  return hpas.map(({ source, name, value: { target, ...spec } }) => {
    const where = `${source}: HorizontalPodAutoscaler ${name}`;
    const d = deployments.get(target);
    if (d === undefined) throw new ManifestError(`${where}: spec.scaleTargetRef.name ${target} names no Deployment in these files`);
    const other = claimed.get(target);
    if (other !== undefined) throw new ManifestError(`${where}: Deployment ${target} is already scaled by HorizontalPodAutoscaler ${other}; two would fight`);
    claimed.set(target, name);
    return { deployment: target, hpa: name, files: { deployment: d.source, hpa: source }, ...spec, cpuRequest: d.value };
  });
}

/** Parses one file's YAML documents; a syntax error names the file and the document. */
export function readManifestFile(file: string): SourcedObject[] {
  const source = path.basename(file);
  return parseAllDocuments(readFileSync(file, 'utf8')).map((doc, i) => {
    if (doc.errors.length > 0) throw new ManifestError(`${source}: document ${i + 1} is not valid YAML: ${doc.errors[0]?.message}`);
    return { source, object: doc.toJS() as unknown };
  });
}

/** Every HPA in `dir`/*.yaml (not subfolders) with its Deployment's settings. */
export function readAutoscaledDeployments(dir: string = K8S_DIR, downscaleStabilizationS = DOWNSCALE_STABILIZATION_S): AutoscaledDeployment[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  return parseAutoscaledDeployments(files.flatMap((f) => readManifestFile(path.join(dir, f))), downscaleStabilizationS);
}
