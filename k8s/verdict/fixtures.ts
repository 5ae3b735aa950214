/**
 * API server answers as the cluster verdict reads them (k8s/verdict/cluster.ts), for tests: an
 * HTTPRoute with given weights, pods with restart counts, runner pods with exit codes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLUSTER_FILES, SPLIT_ROUTE_NAME, type ClusterState, type PodJson } from './cluster.js';

export function route(grpc: number, redis: number, resourceVersion = '1'): unknown {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: SPLIT_ROUTE_NAME, namespace: 'splitbench', resourceVersion },
    spec: {
      parentRefs: [{ group: 'core', kind: 'Service', name: 'ingress', port: 8080 }],
      rules: [{
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [
          { group: '', kind: 'Service', name: 'grpc-client', port: 8081, weight: grpc },
          { group: '', kind: 'Service', name: 'redis-writer', port: 8082, weight: redis },
        ],
      }],
    },
    status: { parents: [] },
  };
}

export function pod(name: string, app: string, restarts: number, extra: Partial<PodJson['status']> = {}): PodJson {
  return {
    metadata: { name, uid: `uid-${name}`, labels: { app } },
    spec: { containers: [{ name: app, image: `splitbench/${app}:0.1.0` }] },
    status: { phase: 'Running', containerStatuses: [{ name: app, restartCount: restarts, state: { running: {} } }], ...extra },
  };
}

export function runner(name: string, exitCode: number | undefined): PodJson {
  return {
    metadata: { name, uid: `uid-${name}`, labels: { app: 'k6' } },
    spec: { containers: [{ name: 'k6', image: 'grafana/k6:2.2.0' }] },
    status: exitCode === undefined
      ? { phase: 'Running', containerStatuses: [{ name: 'k6', restartCount: 0, state: { running: {} } }] }
      : { phase: exitCode === 0 ? 'Succeeded' : 'Failed', containerStatuses: [{ name: 'k6', restartCount: 0, state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' } } }] },
  };
}

export const SYSTEM = ['grpc-client', 'grpc-server', 'redis-writer', 'mongodb', 'redis'];

export function clusterState(opts: { weights?: [number, number]; restartsAfter?: Record<string, number>; runners?: Record<string, number | undefined> } = {}): ClusterState {
  const [g, r] = opts.weights ?? [50, 50];
  const before = SYSTEM.map((app) => pod(`${app}-0`, app, 0));
  const after = SYSTEM.map((app) => pod(`${app}-0`, app, opts.restartsAfter?.[app] ?? 0, opts.restartsAfter?.[app] ? { containerStatuses: [{ name: app, restartCount: opts.restartsAfter[app], state: { running: {} }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] } : {}));
  return {
    routeBefore: route(g, r),
    routeAfter: route(g, r),
    podsBefore: { items: before },
    podsAfter: { items: after },
    runners: { items: Object.entries(opts.runners ?? { 'runner-1': 0 }).map(([n, c]) => runner(n, c)) },
    version: { serverVersion: { gitVersion: 'v1.36.3', platform: 'linux/amd64' } },
    nodes: { items: [{ metadata: { name: 'node-a', labels: { 'node.kubernetes.io/instance-type': 'm7i.xlarge' } }, status: { nodeInfo: { kubeletVersion: 'v1.36.3', osImage: 'Debian', containerRuntimeVersion: 'containerd://2.1', architecture: 'amd64' }, allocatable: { cpu: '4', memory: '16Gi' } } }] },
    workloads: { items: SYSTEM.map((app) => ({ kind: app.startsWith('m') || app === 'redis' ? 'StatefulSet' : 'Deployment', metadata: { name: app }, spec: { template: { spec: { containers: [{ name: app, image: `splitbench/${app}:0.1.0` }] } } } })) },
  };
}

/** Writes a ClusterState as the files `--cluster-from` reads. */
export function writeClusterDir(dir: string, state: ClusterState): string {
  mkdirSync(dir, { recursive: true });
  for (const [k, file] of Object.entries(CLUSTER_FILES)) writeFileSync(path.join(dir, file), JSON.stringify(state[k as keyof ClusterState], null, 2));
  return dir;
}
