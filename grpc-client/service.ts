/** grpc-client: the REST service of route A; validates, then forwards each record over gRPC. */
import http from 'node:http';
import type { Logger } from '../service-kit/logger.js';
import { createMetrics } from '../service-kit/metrics.js';
import { createRestApp } from '../service-kit/rest-app.js';
import type { GrpcClientConfig } from './config.js';
import { GradeUpstream } from './upstream.js';

export const ROUTE = 'grpc' as const;

export function createGrpcClient(config: GrpcClientConfig, logger: Logger) {
  const metrics = createMetrics({ service: 'grpc-client', route: ROUTE, instance: config.instanceId });
  const upstream = new GradeUpstream(config.grpcServerAddr, config.grpcDeadlineMs, metrics);
  const rest = createRestApp({
    route: ROUTE,
    instanceId: config.instanceId,
    logger,
    metrics,
    requestTimeoutMs: config.requestTimeoutMs,
    write: (req, deadline) => upstream.submit(req, deadline),
    ready: () => upstream.ready(),
  });
  const server = http.createServer(rest.app);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = config.requestTimeoutMs + 5_000;
  return {
    server,
    metrics,
    startDraining: rest.startDraining,
    closeResources: async () => upstream.close(),
  };
}
