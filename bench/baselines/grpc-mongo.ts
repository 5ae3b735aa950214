/**
 * Baseline, route A's honest ceiling on the gRPC side: a bare gRPC server doing grpc-server's insert
 * (same document, collection and indexes) and nothing else; with express-grpc.ts in front it is the
 * least route A can do with its two hops. `npx tsx bench/baselines/grpc-mongo.ts MONGO_URL DB`
 */
import * as grpc from '@grpc/grpc-js';
import type { Grade } from '../../contract/grade.js';
import { loadProtos } from '../../proto/load.js';
import { bareMongo } from './bare-stores.js';

const [mongoUrl, dbName] = process.argv.slice(2);
if (!mongoUrl || !dbName) throw new Error('usage: grpc-mongo.ts MONGO_URL DB');
const mongo = await bareMongo(mongoUrl, dbName);
const protos = loadProtos();
const server = new grpc.Server();
server.addService(protos.grades.grades.v1.GradeService.service, {
  SubmitGrade: (call: grpc.ServerUnaryCall<{ grade?: Grade }, unknown>, cb: grpc.sendUnaryData<unknown>) => {
    mongo.insert(call.request.grade as Grade, 'grpc').then(
      ({ id, receivedAt }) => cb(null, { id, received_at: receivedAt.toISOString(), route: 'grpc', replayed: false }),
      (err: Error) => cb({ code: grpc.status.UNAVAILABLE, details: err.message }),
    );
  },
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  console.log(JSON.stringify({ msg: 'listening', port }));
});
process.on('SIGTERM', () => server.tryShutdown(() => void mongo.close().then(() => process.exit(0))));
