/**
 * The control plane `--autoscale` runs: the one `npm run k8s:sim` builds and starts (k8s/sim/:
 * kube-apiserver, kube-controller-manager with its HPA controller, kube-scheduler, etcd, kwok for the
 * node and pods, metrics-server), bound to 127.0.0.1, with the Deployments and HPAs of k8s/ applied.
 *
 * How each pod's CPU reaches the controller: kwok's own `usage-from-annotation` ClusterResourceUsage
 * (shipped in the kwok module) makes a pod's CPU usage the `kwok.x-k8s.io/usage-cpu` annotation; kwok
 * serves it as the kubelet's /metrics/resource (its `metrics-resource` Metric, also from the module);
 * the real metrics-server scrapes that every --metric-resolution and serves metrics.k8s.io; the HPA
 * controller reads it as in a cluster. stack/autoscaling.ts writes each pod's annotation from its
 * local replica's CPU measured in /proc. Nothing between the annotation and the controller is ours.
 */
import path from 'node:path';
import { stringify } from 'yaml';
import { clusterProcesses, kubectlAsync, startCluster, type Cluster, type ComponentFlag } from '../k8s/sim/cluster.js';
import { fakeNode } from '../k8s/sim/scaffolding.js';
import { ensureTools, MODULES, resolveModules, toolVersions } from '../k8s/sim/tools.js';
import { KubeApi } from './kube-api.js';
import { autoscaleManifests, type AutoscaledDeployment, type HpaObject, type HpaOverrides } from './manifests.js';

export interface ControllerSettings {
  /** kube-controller-manager --horizontal-pod-autoscaler-sync-period, in seconds. */
  hpaSyncPeriodSeconds: number;
  /** metrics-server --metric-resolution, in seconds (metrics-server accepts 10 and more). */
  metricResolutionSeconds: number;
}

/**
 * A cluster's own: kube-controller-manager's default sync period, and the resolution metrics-server's
 * manifests (manifests/base in its module) and kwokctl both set.
 */
export const CLUSTER_SETTINGS: ControllerSettings = { hpaSyncPeriodSeconds: 15, metricResolutionSeconds: 15 };

/** The kwok node the pods run on. */
export const NODE_NAME = 'kwok-node-0';

export interface ControlPlane {
  cluster: Cluster;
  api: KubeApi;
  namespace: string;
  hpas: HpaObject[];
  deployments: AutoscaledDeployment[];
  settings: ControllerSettings;
  /** The flags set beyond kwokctl's own, as `component --key=value`. */
  flags: string[];
  versions: Record<string, string>;
  /** Seconds spent building the tools (null: they were cached) and starting the cluster until the HPAs could read metrics. */
  timings: { buildSeconds: number | null; startSeconds: number };
  /** The control plane's processes (for the run's CPU attribution). */
  processes(): { pid: number; name: string }[];
  stop(): void;
}

export interface ControlPlaneOptions {
  settings?: ControllerSettings;
  overrides?: HpaOverrides;
  log: (line: string) => void;
  /** Aborting it stops a build or a start in progress. */
  signal?: AbortSignal;
}

function flagsFor(s: ControllerSettings): ComponentFlag[] {
  return [
    { component: 'kube-controller-manager', key: 'horizontal-pod-autoscaler-sync-period', value: `${s.hpaSyncPeriodSeconds}s` },
    // kwokctl passes its own --metric-resolution=15s; override replaces it.
    { component: 'metrics-server', key: 'metric-resolution', value: `${s.metricResolutionSeconds}s`, override: true },
  ];
}

async function apply(cluster: Cluster, what: string, yamlText: string): Promise<void> {
  const r = await kubectlAsync(cluster, ['apply', '--server-side', '--force-conflicts', '-f', '-'], yamlText);
  if (r.status !== 0) throw new Error(`${what}: kubectl apply failed: ${r.stderr.trim()}`);
}

async function waitFor(cluster: Cluster, what: string, args: string[]): Promise<void> {
  const r = await kubectlAsync(cluster, ['wait', ...args, '--timeout=120s'], undefined, 130_000);
  if (r.status !== 0) throw new Error(`waiting for ${what}: ${r.stderr.trim()}`);
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const { log } = opts;
  const settings = opts.settings ?? CLUSTER_SETTINGS;
  const buildSeconds = await ensureTools(log, opts.signal);
  const started = Date.now();
  const manifests = autoscaleManifests(opts.overrides);
  const modules = resolveModules();
  const flags = flagsFor(settings);
  const cluster = await startCluster(modules, log, {
    flags,
    enableCRDs: ['ClusterResourceUsage', 'Metric'],
    folderPrefix: 'splitbench-autoscale-',
    signal: opts.signal,
  });
  let api: KubeApi | undefined;
  const stop = (): void => {
    api?.close();
    cluster.stop();
  };
  try {
    api = KubeApi.fromKubeconfig(cluster.kubeconfig);
    const kwokMetrics = path.join(modules.kwok, 'kustomize', 'metrics');
    // kwok's resource metrics endpoint and its usage-from-annotation, verbatim from the kwok module.
    const r = await kubectlAsync(cluster, ['apply', '--server-side', '-f', path.join(kwokMetrics, 'resource', 'metrics-resource.yaml'), '-f', path.join(kwokMetrics, 'usage', 'usage-from-annotation.yaml')]);
    if (r.status !== 0) throw new Error(`kwok metrics: ${r.stderr.trim()}`);
    await apply(cluster, 'the kwok node', stringify(fakeNode(NODE_NAME)));
    log(`applying ${manifests.objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')} (from kubectl kustomize k8s)`);
    await apply(cluster, 'k8s/', manifests.objects.map((o) => stringify(o)).join('---\n'));
    await waitFor(cluster, 'the Deployments', ['-n', manifests.namespace, '--for=condition=Available', 'deployment', '--all']);
    // The HPA controller reads metrics.k8s.io through the API server from metrics-server.
    await waitFor(cluster, 'metrics-server (APIService v1beta1.metrics.k8s.io)', ['--for=condition=Available', 'apiservice/v1beta1.metrics.k8s.io']);
  } catch (err) {
    stop();
    throw err;
  }
  const startSeconds = Math.round((Date.now() - started) / 100) / 10;
  let found: { pid: number; name: string }[] | undefined;
  log(`control plane up in ${startSeconds} s (HPA sync every ${settings.hpaSyncPeriodSeconds} s, metrics every ${settings.metricResolutionSeconds} s)`);
  return {
    cluster,
    api,
    namespace: manifests.namespace,
    hpas: manifests.hpas,
    deployments: manifests.deployments,
    settings,
    flags: flags.map((f) => `${f.component} --${f.key}=${f.value}`),
    // metrics-server built from its module reports no version of its own: the module's is the one.
    versions: { ...toolVersions(['kube-apiserver', 'kube-controller-manager', 'kwok']), 'metrics-server': modules.versions[MODULES.metricsServer] ?? 'unknown' },
    timings: { buildSeconds, startSeconds },
    // They run for the whole run: looked up once (a scan of /proc), not on every reading.
    processes: () => (found ??= clusterProcesses(cluster.workdir)),
    stop,
  };
}
