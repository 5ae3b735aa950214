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
  /**
   * Gauge; label route. The share of POST /course (0..1) the local ingress was configured to send to
   * each route, from the HTTPRoute it read: the weight actually applied, not the base file's.
   */
  routeWeight: 'splitbench_route_weight',
  /** Counter; labels route, status (upstream HTTP status, or `error` when no answer came). Local ingress. */
  ingressRoutedTotal: 'splitbench_ingress_routed_total',
} as const;

/** Values of the `outcome` label of METRICS.recordsTotal. */
export const RECORD_OUTCOMES = ['created', 'replayed', 'conflict', 'invalid', 'unavailable', 'timeout', 'error'] as const;
export type RecordOutcome = (typeof RECORD_OUTCOMES)[number];

/** Latency buckets (seconds) sized for a local benchmark: sub-millisecond to seconds. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
