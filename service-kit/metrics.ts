/** Prometheus metrics every service exports on /metrics; names come from contract/metrics.ts. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { LATENCY_BUCKETS, METRICS } from '../contract/metrics.js';

export interface ServiceMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'path' | 'status'>;
  storeDuration: Histogram<'store' | 'operation' | 'outcome'>;
  grpcClientDuration: Histogram<'method' | 'code'>;
  grpcServerDuration: Histogram<'method' | 'code'>;
  records: Counter<'outcome'>;
  /** A StoreObserver bound to one store name. */
  observeStore(store: 'mongodb' | 'redis'): (operation: string, ok: boolean, seconds: number) => void;
}

export function createMetrics(labels: { service: string; route?: string; instance: string }): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels(labels.route ? labels : { service: labels.service, instance: labels.instance });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  // Every latency histogram shares the buckets and the registry; only name, help and labels differ.
  const latency = <L extends string>(name: string, help: string, labelNames: readonly L[]): Histogram<L> =>
    new Histogram({ name, help, labelNames, buckets: LATENCY_BUCKETS, registers });
  const httpDuration = latency(METRICS.httpRequestDuration, 'HTTP request duration by method, path and status', ['method', 'path', 'status']);
  const storeDuration = latency(METRICS.storeOperationDuration, 'Store call duration by store, operation and outcome', ['store', 'operation', 'outcome']);
  const grpcClientDuration = latency(METRICS.grpcClientDuration, 'Outgoing gRPC call duration by method and status code', ['method', 'code']);
  const grpcServerDuration = latency(METRICS.grpcServerDuration, 'Incoming gRPC call duration by method and status code', ['method', 'code']);
  const records = new Counter({
    name: METRICS.recordsTotal,
    help: 'Write requests by outcome (created, replayed, conflict, invalid, unavailable, timeout, error)',
    labelNames: ['outcome'] as const,
    registers,
  });
  return {
    registry,
    httpDuration,
    storeDuration,
    grpcClientDuration,
    grpcServerDuration,
    records,
    observeStore: (store) => (operation, ok, seconds) =>
      storeDuration.observe({ store, operation, outcome: ok ? 'ok' : 'error' }, seconds),
  };
}
