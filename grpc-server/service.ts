/**
 * grpc-server: the gRPC end of route A. Builds the gRPC server (GradeService + health) and an HTTP side
 * server (/healthz, /readyz, /metrics) without binding; main.ts binds them.
 */
import http from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { HEALTHZ_PATH, METRICS_PATH, READYZ_PATH } from '../contract/http.js';
import { loadProtos } from '../proto/load.js';
import { closeHttpServer, listen } from '../service-kit/lifecycle.js';
import type { Logger } from '../service-kit/logger.js';
import type { ServiceInstance } from '../service-kit/run-service.js';
import { createMetrics } from '../service-kit/metrics.js';
import { gradeStoreFor } from '../stores/mongo-grades.js';
import { redactText } from '../service-kit/secrets.js';
import type { GrpcServerConfig } from './config.js';
import { createGradeService, ROUTE } from './grade-service.js';
import { ServerHealth } from './health.js';
import { GRADE_SERVICE_NAME, SERVICES } from '../contract/services.js';

/** How often readiness re-pings MongoDB. */
const HEALTH_INTERVAL_MS = 1000;

export function createGrpcServer(config: GrpcServerConfig, logger: Logger): ServiceInstance {
  const metrics = createMetrics({ service: SERVICES.grpcServer, route: ROUTE, instance: config.instanceId });
  const store = gradeStoreFor(config, metrics.observeStore('mongodb'));
  const health = new ServerHealth([GRADE_SERVICE_NAME]);
  const protos = loadProtos();
  const server = new grpc.Server({ 'grpc.keepalive_permit_without_calls': 1, interceptors: [health.interceptor] });
  server.addService(protos.grades.grades.v1.GradeService.service, createGradeService(store, metrics, logger));
  health.addToServer(server);

  let draining = false;
  let lastProblem = '';
  const checkStore = async (): Promise<void> => {
    if (draining) return;
    try {
      await store.ping();
      health.setAll('SERVING');
      if (lastProblem) logger.info('mongodb reachable again');
      lastProblem = '';
    } catch (err) {
      health.setAll('NOT_SERVING');
      const message = redactText((err as Error).message);
      if (message !== lastProblem) logger.warn('mongodb unreachable; health NOT_SERVING', { err });
      lastProblem = message;
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const loop = (): void => {
    void checkStore().finally(() => {
      if (!draining) timer = setTimeout(loop, HEALTH_INTERVAL_MS);
    });
  };

  const httpServer = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return json(405, { error: 'method_not_allowed', message: 'use GET' });
    if (path === HEALTHZ_PATH) return json(200, { status: 'ok' });
    if (path === READYZ_PATH) {
      if (draining) return json(503, { status: 'draining' });
      return health.get() === 'SERVING' ? json(200, { status: 'ready' }) : json(503, { status: 'not ready', problems: [lastProblem || 'mongodb not checked yet'] });
    }
    if (path === METRICS_PATH) {
      metrics.registry
        .metrics()
        .then((text) => res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(text))
        .catch(() => json(500, { error: 'internal', message: 'metrics failed' }));
      return;
    }
    return json(404, { error: 'not_found', message: `no route for ${path}` });
  });

  /** Lets in-flight calls finish, then forces the rest after graceMs. */
  const stopGrpc = (graceMs: number): Promise<void> =>
    new Promise<void>((resolve) => {
      health.endWatches();
      const force = setTimeout(() => {
        logger.warn('grace period over; forcing gRPC shutdown');
        server.forceShutdown();
        resolve();
      }, graceMs);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });

  const bindGrpc = (): Promise<number> => {
    const address = config.host.includes(':') ? `[${config.host}]:${config.port}` : `${config.host}:${config.port}`;
    return new Promise((resolve, reject) =>
      server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(new Error(`gRPC on ${address}: ${err.message}`)) : resolve(port))),
    );
  };

  return {
    listen: async () => {
      const port = await bindGrpc();
      const httpPort = await listen(httpServer, config.httpPort, config.host);
      // First MongoDB ping now; health turns SERVING when it answers.
      loop();
      return { port, httpPort, mongoDb: config.mongoDb };
    },
    startDraining: (): void => {
      draining = true;
      clearTimeout(timer);
      health.setAll('NOT_SERVING');
    },
    stopServing: async (graceMs) => {
      await Promise.all([stopGrpc(graceMs), closeHttpServer(httpServer, graceMs)]);
    },
    closeResources: () => store.close(),
  };
}
