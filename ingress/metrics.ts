/**
 * The local ingress's Prometheus metrics (/metrics, text format): the weight it applies per route, what
 * it routed by route and answer, and the process's own CPU and memory (prom-client's defaults).
 * Names from contract/metrics.ts, as the services' and the Benchmark dashboard's.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { METRICS } from '../contract/metrics.js';
import { SERVICES } from '../contract/services.js';

export interface IngressMetrics {
  registry: Registry;
  /** One answer (or failure) of a route: status is the HTTP status, or `error` when none came. */
  routed(route: string, status: string): void;
}

export function createIngressMetrics(weights: Record<string, number>, instance: string): IngressMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: SERVICES.ingress, instance });
  collectDefaultMetrics({ register: registry });
  const weight = new Gauge({ name: METRICS.routeWeight, help: 'Share of POST /course this ingress sends to each route (0..1), from the HTTPRoute it read', labelNames: ['route'] as const, registers: [registry] });
  for (const [route, w] of Object.entries(weights)) weight.set({ route }, w);
  const routedTotal = new Counter({ name: METRICS.ingressRoutedTotal, help: 'POST /course requests routed, by route and upstream status (error: no answer)', labelNames: ['route', 'status'] as const, registers: [registry] });
  return { registry, routed: (route, status) => routedTotal.inc({ route, status }) };
}
