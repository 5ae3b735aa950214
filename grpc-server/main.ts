/** grpc-server: the gRPC server of route A, writing MongoDB. Wiring only; see service.ts. */
import * as grpc from '@grpc/grpc-js';
import { SERVICE_ENV } from '../contract/services.js';
import { ConfigError } from '../service-kit/config.js';
import { closeHttpServer, listen, onShutdownSignals } from '../service-kit/lifecycle.js';
import { createLogger } from '../service-kit/logger.js';
import { loadConfig, type GrpcServerConfig } from './config.js';
import { createGrpcServer } from './service.js';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(`grpc-server: grades.v1.GradeService/SubmitGrade stores each record in MongoDB (route A), plus grpc.health.v1.
Configured by env: ${SERVICE_ENV['grpc-server'].join(', ')}.
Defaults: PORT=50051 (gRPC) HTTP_PORT=9090 (/healthz /readyz /metrics) HOST=0.0.0.0 MONGO_URL=mongodb://127.0.0.1:27017/
Stops cleanly on SIGTERM/SIGINT.`);
  process.exit(0);
}

let config: GrpcServerConfig;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`grpc-server: bad configuration: ${err.message}`);
    process.exit(2);
  }
  throw err;
}
const logger = createLogger({ service: 'grpc-server', instance: config.instanceId }, config.logLevel);
const svc = createGrpcServer(config, logger);

onShutdownSignals({
  logger,
  graceMs: config.shutdownGraceMs,
  startDraining: svc.startDraining,
  stopServing: async (grace) => {
    await Promise.all([svc.stopGrpc(grace), closeHttpServer(svc.httpServer, grace)]);
  },
  closeResources: svc.closeResources,
});

const bindAddress = config.host.includes(':') ? `[${config.host}]:${config.port}` : `${config.host}:${config.port}`;
svc.server.bindAsync(bindAddress, grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    logger.error(`cannot bind gRPC on ${bindAddress}; set PORT to a free port`, { err });
    process.exit(1);
  }
  listen(svc.httpServer, config.httpPort, config.host)
    .then((httpPort) => {
      svc.startHealthChecks();
      logger.info('listening', { host: config.host, port, httpPort, mongoDb: config.mongoDb });
    })
    .catch((e: unknown) => {
      logger.error(`cannot listen on ${config.host}:${config.httpPort}; set HTTP_PORT to a free port`, { err: e });
      process.exit(1);
    });
});
