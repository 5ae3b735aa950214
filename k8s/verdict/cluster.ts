/**
 * What the cluster verdict reads from the API server, and what it makes of it: the HTTPRoute the
 * cluster applies (the weights the split is tested against), the restarts of the system's pods during
 * the run (crashes), each runner pod's container exit code, and the cluster the run ran on (server
 * version, nodes, the images of the splitbench workloads). Pure functions over the API's JSON, so
 * tests feed them literals; `readCluster` gets that JSON with kubectl and keeps a copy of each.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { K6Summary } from '../../contract/k6-summary.js';

/** The HTTPRoute that is the split (linkerd/route/httproute.yaml's metadata.name). */
export const SPLIT_ROUTE_NAME = 'course-split';

/** The pods whose restarts are crashes of the system under test: the three services and both stores. */
export const SYSTEM_APPS = ['grpc-client', 'grpc-server', 'redis-writer', 'mongodb', 'redis'] as const;

/** k6's exit code when a threshold was crossed (what a runner's summary line implies when the pod cannot say). */
const K6_THRESHOLDS_CROSSED = 99;

interface ContainerStatus {
  name: string;
  image?: string;
  restartCount?: number;
  state?: { terminated?: { exitCode?: number; reason?: string }; running?: unknown; waiting?: { reason?: string } };
  lastState?: { terminated?: { exitCode?: number; reason?: string } };
}
export interface PodJson {
  metadata: { name: string; uid?: string; labels?: Record<string, string> };
  spec?: { containers?: { name: string; image?: string }[] };
  status?: { phase?: string; containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] };
}
export interface ListJson<T> { items: T[] }
interface WorkloadJson {
  kind?: string;
  metadata: { name: string };
  spec?: { template?: { spec?: { containers?: { name: string; image?: string }[]; initContainers?: { name: string; image?: string }[] } } };
}
interface NodeJson {
  metadata: { name: string; labels?: Record<string, string> };
  status?: { nodeInfo?: { kubeletVersion?: string; osImage?: string; containerRuntimeVersion?: string; kernelVersion?: string; architecture?: string }; allocatable?: Record<string, string> };
}

/** Everything the verdict reads from the API server, as the API server answered. */
export interface ClusterState {
  /** `kubectl get httproute course-split -o json` when the run started, and when it ended. */
  routeBefore: unknown;
  routeAfter: unknown;
  /** The namespace's pods when the run started, and when it ended. */
  podsBefore: ListJson<PodJson>;
  podsAfter: ListJson<PodJson>;
  /** The run's runner pods (the Job's pod, or the TestRun's runner pods). */
  runners: ListJson<PodJson>;
  version: { serverVersion?: { gitVersion?: string; platform?: string } };
  nodes: ListJson<NodeJson>;
  /** The namespace's Deployments and StatefulSets. */
  workloads: ListJson<WorkloadJson>;
}

/** File names under a run's `cluster/` folder; the `before` ones are written by scripts/k8s-loadtest.sh. */
export const CLUSTER_FILES = {
  routeBefore: 'httproute-before.json',
  podsBefore: 'pods-before.json',
  routeAfter: 'httproute.json',
  podsAfter: 'pods.json',
  runners: 'runners.json',
  version: 'version.json',
  nodes: 'nodes.json',
  workloads: 'workloads.json',
} as const satisfies Record<keyof ClusterState, string>;

const BEFORE: readonly (keyof ClusterState)[] = ['routeBefore', 'podsBefore'];

function kubectlJson(args: string[]): unknown {
  const r = spawnSync('kubectl', [...args, '-o', 'json'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} -o json failed: ${(r.stderr || r.error?.message || '').trim()}`);
  return JSON.parse(r.stdout) as unknown;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The cluster as it is now (kubectl, with the caller's KUBECONFIG), with the `before` files the load
 * script saved in `dir` when the run started; every answer is saved in `dir` beside them. With `from`,
 * every file (before and after) is read from that folder instead: re-judging a run, or a test.
 */
export function readCluster(opts: { namespace: string; runnerSelector: string; dir: string; from?: string }): ClusterState {
  const state = {} as Record<keyof ClusterState, unknown>;
  const keys = Object.keys(CLUSTER_FILES) as (keyof ClusterState)[];
  if (opts.from !== undefined) {
    for (const k of keys) state[k] = readJson(path.join(opts.from, CLUSTER_FILES[k]));
    return state as unknown as ClusterState;
  }
  mkdirSync(opts.dir, { recursive: true });
  for (const k of BEFORE) state[k] = readJson(path.join(opts.dir, CLUSTER_FILES[k]));
  const ns = ['-n', opts.namespace];
  const live: Record<Exclude<keyof ClusterState, 'routeBefore' | 'podsBefore'>, string[]> = {
    routeAfter: ['get', 'httproute', SPLIT_ROUTE_NAME, ...ns],
    podsAfter: ['get', 'pods', ...ns],
    runners: ['get', 'pods', ...ns, '-l', opts.runnerSelector],
    version: ['version'],
    nodes: ['get', 'nodes'],
    workloads: ['get', 'deployments,statefulsets', ...ns],
  };
  for (const [k, args] of Object.entries(live) as [keyof typeof live, string[]][]) {
    state[k] = kubectlJson(args);
    writeFileSync(path.join(opts.dir, CLUSTER_FILES[k]), JSON.stringify(state[k], null, 2) + '\n');
  }
  return state as unknown as ClusterState;
}

interface RouteJson { metadata?: { resourceVersion?: string; generation?: number }; spec?: { rules?: { backendRefs?: { name?: string; weight?: number }[] }[] } }

const weightsOf = (route: unknown): string =>
  ((route as RouteJson).spec?.rules ?? []).flatMap((r) => r.backendRefs ?? []).map((b) => `${b.name ?? '?'}=${b.weight ?? '?'}`).join(' ');

/** A change of the route's weights between the run's start and its verdict: the split cannot be judged on one set. */
export function routeChange(before: unknown, after: unknown): string | undefined {
  const a = weightsOf(before);
  const b = weightsOf(after);
  return a === b ? undefined : `the HTTPRoute ${SPLIT_ROUTE_NAME} changed during the run: weights ${a} at the start, ${b} at the verdict`;
}

export interface Restart { pod: string; container: string; restarts: number; last: string | undefined }

const statuses = (p: PodJson): ContainerStatus[] => [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])];
const isSystemPod = (p: PodJson): boolean => (SYSTEM_APPS as readonly string[]).includes(p.metadata.labels?.app ?? '');

/**
 * Container restarts of the system's pods between the two listings (a pod new since the start counts
 * every restart it has; native sidecars, which are init containers, count too). A pod gone since the
 * start (scaled down, evicted) cannot say, and is not counted.
 */
export function restartsDuring(before: ListJson<PodJson>, after: ListJson<PodJson>): Restart[] {
  const was = new Map<string, number>();
  for (const p of before.items) for (const c of statuses(p)) was.set(`${p.metadata.uid ?? p.metadata.name}/${c.name}`, c.restartCount ?? 0);
  const out: Restart[] = [];
  for (const p of after.items.filter(isSystemPod)) {
    for (const c of statuses(p)) {
      const n = (c.restartCount ?? 0) - (was.get(`${p.metadata.uid ?? p.metadata.name}/${c.name}`) ?? 0);
      if (n <= 0) continue;
      const t = c.lastState?.terminated;
      out.push({ pod: p.metadata.name, container: c.name, restarts: n, last: t ? `${t.reason ?? 'terminated'}, exit ${t.exitCode ?? '?'}` : undefined });
    }
  }
  return out;
}

export const describeRestart = (r: Restart): string =>
  `pod ${r.pod}, container ${r.container}: restarted ${r.restarts} time${r.restarts === 1 ? '' : 's'} during the run${r.last ? ` (last: ${r.last})` : ''}`;

export interface RunnerExit {
  /** The runner pod (its log file is <pod>.log). */
  pod: string;
  exitCode: number;
  /** `pod`: its k6 container's terminated state; `summary`: implied by its summary line (the pod cannot say). */
  from: 'pod' | 'summary';
  detail?: string;
}

/**
 * Each runner's exit code: its k6 container's, from the API server; when its pod has none (gone, or not
 * terminated), what its own summary line implies (99 when a threshold failed there, else 0, also when it judged none), said so.
 */
export function runnerExits(runners: ListJson<PodJson>, summaries: readonly { pod: string; summary: K6Summary }[]): RunnerExit[] {
  const pods = new Map(runners.items.map((p) => [p.metadata.name, p]));
  return summaries.map(({ pod, summary }) => {
    const p = pods.get(pod);
    const c = p?.status?.containerStatuses?.find((s) => s.name === 'k6') ?? p?.status?.containerStatuses?.[0];
    const exit = c?.state?.terminated?.exitCode;
    if (exit !== undefined) return { pod, exitCode: exit, from: 'pod' as const, ...(c?.state?.terminated?.reason ? { detail: c.state.terminated.reason } : {}) };
    const why = p === undefined ? 'no such runner pod' : `container ${c?.name ?? '?'} not terminated (phase ${p.status?.phase ?? '?'})`;
    return { pod, exitCode: summary.thresholds?.passed === false ? K6_THRESHOLDS_CROSSED : 0, from: 'summary' as const, detail: why };
  });
}

/** The one exit code the verdict judges: a runner's failure other than "thresholds crossed" first. */
export function combinedExit(exits: readonly RunnerExit[]): number {
  const bad = exits.map((e) => e.exitCode).filter((c) => c !== 0);
  return bad.find((c) => c !== K6_THRESHOLDS_CROSSED) ?? bad[0] ?? 0;
}

/** Runner pods the API server lists that left no log with the verdict: a runner the verdict did not count. */
export function runnersWithoutLog(runners: ListJson<PodJson>, pods: readonly string[]): string[] {
  return runners.items.map((p) => p.metadata.name).filter((n) => !pods.includes(n));
}

export interface ClusterEnvironment {
  /** Where it ran: the cluster, never the workstation that judged it. */
  where: 'cluster';
  namespace: string;
  server: string | undefined;
  platform: string | undefined;
  nodes: { name: string; kubelet: string | undefined; os: string | undefined; runtime: string | undefined; arch: string | undefined; cpu: string | undefined; memory: string | undefined; instanceType: string | undefined }[];
  /** Container images per Deployment/StatefulSet of the namespace (`kind/name`: images). */
  images: Record<string, string[]>;
  /** The runner pods' images (k6's version). */
  runnerImages: string[];
  /** The HTTPRoute the split was tested against, as the API server holds it. */
  route: { name: string; resourceVersion: string | undefined; weights: string };
  /** The commit of the scripts that made and judged the run (the workstation's checkout). */
  gitSha: string | undefined;
}

export function clusterEnvironment(state: ClusterState, namespace: string, gitSha: string | undefined): ClusterEnvironment {
  const images: Record<string, string[]> = {};
  for (const w of state.workloads.items) {
    const spec = w.spec?.template?.spec;
    images[`${(w.kind ?? 'workload').toLowerCase()}/${w.metadata.name}`] = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.image ?? '?');
  }
  return {
    where: 'cluster',
    namespace,
    server: state.version.serverVersion?.gitVersion,
    platform: state.version.serverVersion?.platform,
    nodes: state.nodes.items.map((n) => ({
      name: n.metadata.name,
      kubelet: n.status?.nodeInfo?.kubeletVersion,
      os: n.status?.nodeInfo?.osImage,
      runtime: n.status?.nodeInfo?.containerRuntimeVersion,
      arch: n.status?.nodeInfo?.architecture,
      cpu: n.status?.allocatable?.cpu,
      memory: n.status?.allocatable?.memory,
      instanceType: n.metadata.labels?.['node.kubernetes.io/instance-type'],
    })),
    images,
    runnerImages: [...new Set(state.runners.items.flatMap((p) => (p.spec?.containers ?? []).map((c) => c.image ?? '?')))],
    route: { name: SPLIT_ROUTE_NAME, resourceVersion: (state.routeAfter as RouteJson).metadata?.resourceVersion, weights: weightsOf(state.routeAfter) },
    gitSha,
  };
}
