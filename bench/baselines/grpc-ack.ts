/**
 * Baseline: a gRPC server that acknowledges SubmitGrade without storing anything (and says SERVING),
 * so grpc-client in front of it measures route A's REST + gRPC cost without MongoDB.
 */
import * as grpc from '@grpc/grpc-js';
import { loadProtos } from '../../proto/load.js';
const protos = loadProtos();
const server = new grpc.Server();
server.addService(protos.grades.grades.v1.GradeService.service, {
  SubmitGrade: (call: grpc.ServerUnaryCall<{ id?: string }, unknown>, cb: grpc.sendUnaryData<unknown>) =>
    cb(null, { id: call.request.id, received_at: new Date().toISOString(), route: 'grpc', replayed: false }),
});
server.addService(protos.health.grpc.health.v1.Health.service, {
  Check: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, { status: 'SERVING' }),
  Watch: (call: grpc.ServerWritableStream<unknown, unknown>) => call.end(),
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  console.log(JSON.stringify({ msg: 'listening', port }));
});
process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
