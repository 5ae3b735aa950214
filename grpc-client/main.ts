/** grpc-client: REST service of route A. Wiring only; see service.ts. Run with --help for usage. */
import { SERVICES } from '../contract/services.js';
import { runService } from '../service-kit/run-service.js';
import { loadConfig } from './config.js';
import { createGrpcClient } from './service.js';

await runService({
  name: SERVICES.grpcClient,
  help: `grpc-client: POST /course validates each grade record and forwards it over gRPC to grpc-server (route A).
Defaults: PORT=8081 HOST=0.0.0.0 GRPC_SERVER_ADDR=127.0.0.1:50051 GRPC_DEADLINE_MS=2000 REQUEST_TIMEOUT_MS=5000
Endpoints: POST /course, GET /healthz, GET /readyz, GET /metrics.`,
  loadConfig,
  create: createGrpcClient,
});
