/**
 * What a real cluster and the installers in docs/kubernetes.md would have put there before the docs'
 * own steps run: the CRDs (from the pinned Go modules and k8s/sim/crds), two fake nodes, volumes for
 * the StatefulSets (no provisioner here), the namespace and Service Envoy Gateway would create, and
 * kwok's simulated CPU. Each object is listed in the report, so nothing stands in silently.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../lib/kustomize.js';
import { kubectl, warningsOf, type Cluster, type RunResult } from './cluster.js';
import type { ModuleDirs } from './tools.js';

export const SIM_NAMESPACE = 'splitbench';

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(dir, f));

/** CRD files by origin: Gateway API standard channel, Envoy Gateway's own, TestRun, Linkerd stand-ins. */
export function crdFiles(modules: ModuleDirs): Record<string, string[]> {
  return {
    'gateway-api (standard channel)': yamlFiles(path.join(modules.gatewayApi, 'config', 'crd', 'standard')),
    'envoy-gateway': yamlFiles(path.join(modules.envoyGateway, 'charts', 'gateway-helm', 'charts', 'crds', 'crds', 'generated')),
    'k6-operator TestRun': [path.join(REPO_ROOT, 'k8s', 'sim', 'crds', 'k6.io_testruns.yaml')],
    'linkerd policy (stand-ins)': [path.join(REPO_ROOT, 'k8s', 'sim', 'crds', 'linkerd-policy-standins.yaml')],
  };
}

/** kwok's CPU for every pod of the namespace, as a CEL expression (see hpa.ts). */
export function cpuUsage(millicores: number): string {
  return stringify({
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'ClusterResourceUsage',
    metadata: { name: 'splitbench-cpu' },
    spec: {
      selector: { matchNamespaces: [SIM_NAMESPACE] },
      usages: [{ usage: { cpu: { expression: `Quantity("${millicores}m")` }, memory: { expression: 'Quantity("64Mi")' } } }],
    },
  });
}

/** A kwok node (kwok runs its pods); metrics-server reads its resource metrics from kwok. */
export function fakeNode(name: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: {
        'kwok.x-k8s.io/node': 'fake',
        // Where metrics-server reads this node's resource metrics: kwok serves them per node there.
        'metrics.k8s.io/resource-metrics-path': `/metrics/nodes/${name}/metrics/resource`,
      },
      labels: { 'kubernetes.io/hostname': name, type: 'kwok' },
    },
    status: { allocatable: { cpu: '16', memory: '64Gi', pods: '110' }, capacity: { cpu: '16', memory: '64Gi', pods: '110' } },
  };
}

function volume(name: string, size: string): object {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', hostPath: { path: `/tmp/${name}` } },
  };
}

export interface Step {
  what: string;
  result: RunResult;
  warnings: string[];
}

/** Applies one manifest (server-side, as CRDs need) and records it; throws on failure. */
export function applyObjects(cluster: Cluster, what: string, yamlText: string, steps: Step[]): void {
  const r = kubectl(cluster, ['apply', '--server-side', '--force-conflicts', '-f', '-'], yamlText);
  steps.push({ what, result: r, warnings: warningsOf(r) });
  if (r.status !== 0) throw new Error(`${what}: kubectl apply failed: ${r.stderr}`);
}

export function installScaffolding(cluster: Cluster, modules: ModuleDirs, log: (l: string) => void): Step[] {
  const steps: Step[] = [];
  for (const [origin, files] of Object.entries(crdFiles(modules))) {
    log(`installing CRDs: ${origin} (${files.length} files)`);
    const r = kubectl(cluster, ['apply', '--server-side', ...files.flatMap((f) => ['-f', f])]);
    steps.push({ what: `CRDs ${origin}`, result: r, warnings: warningsOf(r) });
    if (r.status !== 0) throw new Error(`CRDs ${origin}: ${r.stderr}`);
  }
  // A CRD that has no status yet makes `kubectl wait` fail at once rather than wait: retry for a while.
  let established = kubectl(cluster, ['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
  for (let i = 0; i < 30 && established.status !== 0; i++) {
    spawnSync('sleep', ['1']);
    established = kubectl(cluster, ['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
  }
  if (established.status !== 0) throw new Error(`CRDs not established: ${established.stderr}`);
  log('fake nodes, volumes, the Envoy Gateway namespace and Service, kwok metrics');
  const objects = [
    fakeNode('kwok-node-0'),
    fakeNode('kwok-node-1'),
    volume('sim-data-mongodb', '5Gi'),
    volume('sim-data-redis', '1Gi'),
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'envoy-gateway-system' } },
    // What Envoy Gateway creates for Gateway splitbench, under the name the EnvoyProxy fixes.
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'splitbench-gateway', namespace: 'envoy-gateway-system', labels: { 'gateway.envoyproxy.io/owning-gateway-name': 'splitbench' } },
      spec: { ports: [{ name: 'http-80', port: 80, targetPort: 10080 }] },
    },
  ];
  applyObjects(cluster, 'nodes, volumes, envoy-gateway-system', objects.map((o) => stringify(o)).join('---\n'), steps);
  const metricsResource = path.join(modules.kwok, 'kustomize', 'metrics', 'resource', 'metrics-resource.yaml');
  const m = kubectl(cluster, ['apply', '--server-side', '-f', metricsResource]);
  steps.push({ what: 'kwok Metric metrics-resource (from the kwok module)', result: m, warnings: warningsOf(m) });
  if (m.status !== 0) throw new Error(`kwok metrics resource: ${m.stderr}`);
  applyObjects(cluster, 'kwok ClusterResourceUsage (idle: 10m per container)', cpuUsage(10), steps);
  return steps;
}
