/** grpc-client: REST service of route A. Wiring only; see service.ts. Run with --help for usage. */
import { SERVICE_ENV } from '../contract/services.js';
import { ConfigError } from '../service-kit/config.js';
import { closeHttpServer, listen, onShutdownSignals } from '../service-kit/lifecycle.js';
import { createLogger } from '../service-kit/logger.js';
import { loadConfig, type GrpcClientConfig } from './config.js';
import { createGrpcClient } from './service.js';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(`grpc-client: POST /course validates each grade record and forwards it over gRPC to grpc-server (route A).
Configured by env: ${SERVICE_ENV['grpc-client'].join(', ')}.
Defaults: PORT=8081 HOST=0.0.0.0 GRPC_SERVER_ADDR=127.0.0.1:50051 GRPC_DEADLINE_MS=2000 REQUEST_TIMEOUT_MS=5000
Endpoints: POST /course, GET /healthz, GET /readyz, GET /metrics. Stops cleanly on SIGTERM/SIGINT.`);
  process.exit(0);
}

let config: GrpcClientConfig;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`grpc-client: bad configuration: ${err.message}`);
    process.exit(2);
  }
  throw err;
}
const logger = createLogger({ service: 'grpc-client', instance: config.instanceId }, config.logLevel);
const svc = createGrpcClient(config, logger);
onShutdownSignals({
  logger,
  graceMs: config.shutdownGraceMs,
  startDraining: svc.startDraining,
  stopServing: (grace) => closeHttpServer(svc.server, grace),
  closeResources: svc.closeResources,
});
try {
  const port = await listen(svc.server, config.port, config.host);
  logger.info('listening', { host: config.host, port, upstream: config.grpcServerAddr });
} catch (err) {
  logger.error(`cannot listen on ${config.host}:${config.port}; set PORT to a free port`, { err });
  process.exit(1);
}
