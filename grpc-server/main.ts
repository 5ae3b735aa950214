/** grpc-server: the gRPC server of route A, writing MongoDB. Wiring only; see service.ts. */
import { SERVICES } from '../contract/services.js';
import { runService } from '../service-kit/run-service.js';
import { loadConfig } from './config.js';
import { createGrpcServer } from './service.js';

await runService({
  name: SERVICES.grpcServer,
  help: `grpc-server: grades.v1.GradeService/SubmitGrade stores each record in MongoDB (route A), plus grpc.health.v1.
Defaults: PORT=50051 (gRPC) HTTP_PORT=9090 (/healthz /readyz /metrics) HOST=0.0.0.0 MONGO_URL=mongodb://127.0.0.1:27017/`,
  loadConfig,
  create: createGrpcServer,
});
