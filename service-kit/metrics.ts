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
  const httpDuration = new Histogram({
    name: METRICS.httpRequestDuration,
    help: 'HTTP request duration by method, path and status',
    labelNames: ['method', 'path', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const storeDuration = new Histogram({
    name: METRICS.storeOperationDuration,
    help: 'Store call duration by store, operation and outcome',
    labelNames: ['store', 'operation', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const grpcClientDuration = new Histogram({
    name: METRICS.grpcClientDuration,
    help: 'Outgoing gRPC call duration by method and status code',
    labelNames: ['method', 'code'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const grpcServerDuration = new Histogram({
    name: METRICS.grpcServerDuration,
    help: 'Incoming gRPC call duration by method and status code',
    labelNames: ['method', 'code'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
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
