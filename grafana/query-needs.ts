/**
 * What each Benchmark query needs to answer: the cluster's exporters (kube-state-metrics, cAdvisor,
 * Linkerd), or a failure that makes the series exist. A local run is judged by these lists: a query
 * that needs nothing it lacks must answer (grafana/prometheus-answers.ts).
 */
import { readSplit, SPLIT_ROUTE_FILE } from '../linkerd/split.js';
import { configuredWeight, HTTPROUTE_BACKEND_WEIGHT, LINKERD_ROUTE_BACKEND, PROM_QUERIES, SERVICE_5XX, STORE_ERRORS, type PromQuery } from './prom-queries.js';

/** What only the cluster runs, and so what a query that reads it needs. */
export const CLUSTER_SOURCES = {
  'kube-state-metrics': 'kube-state-metrics describes Kubernetes objects (Deployments, HPAs, pods, the HTTPRoute); locally there are none',
  cadvisor: "the kubelet's cAdvisor measures containers; locally the services are plain processes (their own process_cpu_seconds_total is the local CPU panel)",
  linkerd: "the Linkerd proxy beside the ingress controller counts each request per HTTPRoute backend; locally no proxy is meshed (the split's local counts are Envoy's, the local ingress)",
} as const;
export type ClusterSource = keyof typeof CLUSTER_SOURCES;

/** Every metric the dashboard reads that only the cluster exports, and what exports it. */
export const CLUSTER_METRICS: Record<string, ClusterSource> = {
  kube_deployment_status_replicas: 'kube-state-metrics',
  kube_horizontalpodautoscaler_status_current_replicas: 'kube-state-metrics',
  kube_horizontalpodautoscaler_status_desired_replicas: 'kube-state-metrics',
  kube_pod_container_resource_requests: 'kube-state-metrics',
  // From its custom-resource-state config, grafana/k8s/kube-state-metrics-httproute.yaml.
  [HTTPROUTE_BACKEND_WEIGHT]: 'kube-state-metrics',
  container_cpu_usage_seconds_total: 'cadvisor',
  [LINKERD_ROUTE_BACKEND]: 'linkerd',
};

/**
 * The dashboard's queries that read only cluster metrics, so answer nothing in a local run, each with
 * what it needs. (The configured weight is the HTTPRoute's, from kube-state-metrics: Envoy, the local
 * ingress, exports no weights; a local run's weights are in its summary.)
 */
export const CLUSTER_ONLY: readonly { query: PromQuery; needs: ClusterSource }[] = [
  { query: configuredWeight('D', readSplit(SPLIT_ROUTE_FILE).name), needs: 'kube-state-metrics' },
  { query: PROM_QUERIES.observedShare[1], needs: 'linkerd' },
  { query: PROM_QUERIES.replicas[0], needs: 'kube-state-metrics' },
  { query: PROM_QUERIES.replicas[1], needs: 'kube-state-metrics' },
  { query: PROM_QUERIES.replicas[2], needs: 'kube-state-metrics' },
  { query: PROM_QUERIES.cpuVsRequest[0], needs: 'cadvisor' },
  { query: PROM_QUERIES.cpuVsRequest[1], needs: 'kube-state-metrics' },
];

/**
 * Queries whose series exist only once something failed: prom-client makes a labelled series at its
 * first observation, so with no 5xx answer (no failed store call) there is nothing to divide or sum.
 * Each has its evidence: a selector that has series exactly when that happened. Over a run with the
 * evidence, the query must answer; without, it answers nothing and that is right.
 */
export const ON_FAILURE: readonly { query: PromQuery; needs: string; evidence: string }[] = [
  { query: PROM_QUERIES.serviceErrorRate, needs: 'a 5xx answer to POST /course from a REST service', evidence: SERVICE_5XX },
  { query: PROM_QUERIES.storeErrors, needs: 'a store call that failed', evidence: STORE_ERRORS },
];

/** One Prometheus target of the dashboard: the panel it draws in, its refId, its query and legend. */
