/** Prometheus metric names the services export and the Benchmark dashboard queries. */
export const METRICS = {
  /** Histogram; labels method, path, status (plus default labels service, route, instance). */
  httpRequestDuration: 'splitbench_http_request_duration_seconds',
  /** Histogram; labels store (mongodb|redis), operation, outcome (ok|error). */
  storeOperationDuration: 'splitbench_store_operation_duration_seconds',
  /** Histogram; labels method, code (gRPC status name). Client side (grpc-client). */
  grpcClientDuration: 'splitbench_grpc_client_duration_seconds',
  /** Histogram; labels method, code. Server side (grpc-server). */
  grpcServerDuration: 'splitbench_grpc_server_duration_seconds',
  /** Counter; labels outcome (one of RECORD_OUTCOMES). */
  recordsTotal: 'splitbench_records_total',
} as const;

/**
 * Envoy's own metrics (the local ingress, admin /stats/prometheus) that the Benchmark dashboard reads.
 * Envoy names a cluster's stats cluster.<name>.*; its Prometheus output puts <name> in the label
 * `envoy_cluster_name`. The local clusters are named after the routes (envoy/config.ts).
 */
export const ENVOY_METRICS = {
  /** Counter: requests Envoy sent to a cluster's endpoints (not health checks, not its own 503s). */
  upstreamRequestsTotal: 'envoy_cluster_upstream_rq_total',
  clusterLabel: 'envoy_cluster_name',
} as const;

/** Values of the `outcome` label of METRICS.recordsTotal. */
export const RECORD_OUTCOMES = ['created', 'replayed', 'conflict', 'invalid', 'unavailable', 'timeout', 'error'] as const;
export type RecordOutcome = (typeof RECORD_OUTCOMES)[number];

/** Latency buckets (seconds) sized for a local benchmark: sub-millisecond to seconds. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
