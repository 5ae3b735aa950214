/**
 * Baseline: the least route A can do: express.json() and one grpc-js unary call per request to the
 * given gRPC server (no validation, no ids, no metrics, no timeout race). grpc-client in front of the
 * same bare ack server, divided by this, is what our own code costs.
 */
import express from 'express';
import * as grpc from '@grpc/grpc-js';
import { loadProtos } from '../../proto/load.js';

const addr = process.argv[2];
if (!addr) throw new Error('usage: express-grpc.ts HOST:PORT');
const protos = loadProtos();
const client = new protos.grades.grades.v1.GradeService(addr, grpc.credentials.createInsecure());
const app = express();
app.set('etag', false);
app.disable('x-powered-by');
app.post('/course', express.json({ limit: 16 * 1024 }), (req, res) => {
  client.SubmitGrade({ id: 'x', run_id: 'r', grade: req.body as never, instance: 'i' }, { deadline: Date.now() + 2000 }, (err, r) => {
    if (err) res.status(503).end();
    else res.status(201).json({ id: r?.id, route: 'grpc', receivedAt: r?.received_at });
  });
});
const server = app.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ msg: 'listening', port: (server.address() as { port: number }).port })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
