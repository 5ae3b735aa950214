/** grpc-client: the REST service of route A; validates, then forwards each record over gRPC. */
import type { Logger } from '../service-kit/logger.js';
import { createMetrics } from '../service-kit/metrics.js';
import { closeHttpServer, listen } from '../service-kit/lifecycle.js';
import { createRestServer } from '../service-kit/rest-app.js';
import type { ServiceInstance } from '../service-kit/run-service.js';
import type { GrpcClientConfig } from './config.js';
import { GradeUpstream } from './upstream.js';
import { SERVICE_ROUTE } from '../contract/routes.js';
import { SERVICES } from '../contract/services.js';

const ROUTE = SERVICE_ROUTE[SERVICES.grpcClient];

export function createGrpcClient(config: GrpcClientConfig, logger: Logger): ServiceInstance {
  const metrics = createMetrics({ service: SERVICES.grpcClient, route: ROUTE, instance: config.instanceId });
  const upstream = new GradeUpstream(config.grpcServerAddrs, config.grpcDeadlineMs, metrics);
  const { server, startDraining } = createRestServer({
    route: ROUTE,
    instanceId: config.instanceId,
    logger,
    metrics,
    requestTimeoutMs: config.requestTimeoutMs,
    write: (req, deadline) => upstream.submit(req, deadline),
    ready: () => upstream.ready(),
  });
  return {
    listen: async () => ({ port: await listen(server, config.port, config.host), upstream: config.grpcServerAddrs.join(',') }),
    startDraining,
    stopServing: (graceMs) => closeHttpServer(server, graceMs),
    closeResources: async () => upstream.close(),
  };
}
