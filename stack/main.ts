/**
 * `npm run stack -- --port 8080`: the local stack in the foreground until Ctrl-C or SIGTERM.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SPLIT_ROUTE_FILE } from '../linkerd/split.js';
import { startStack } from './stack.js';
import { REPO_ROOT } from './tools.js';

const USAGE = `usage: npm run stack -- [--port 8080] [--dir .stack/<time>] [--route-file FILE]

Starts redis-server, a MongoDB-wire server (MONGO_URL, mongod, or FerretDB from 'npm run tools'),
grpc-server, grpc-client, redis-writer and the local ingress on --port (0 = any free port), each as
its own process on a free port. Logs go to DIR/logs; the endpoints are written to DIR/endpoints.json.
The ingress splits POST /course by the HTTPRoute weights in --route-file
(default ${path.relative(REPO_ROOT, SPLIT_ROUTE_FILE)}). Ctrl-C or SIGTERM stops everything.

Try:  curl -i -X POST localhost:8080/course -H 'Content-Type: application/json' \\
        -d '{"curso":"ANP","facultad":"Ingenieria","carrera":"Arte","region":"METROPOLITANA"}'`;

let values;
try {
  values = parseArgs({
    options: {
      port: { type: 'string', default: '8080' },
      dir: { type: 'string' },
      'route-file': { type: 'string', default: SPLIT_ROUTE_FILE },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (err) {
  console.error(`stack: ${(err as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`stack: --port ${values.port} is not a port number (0..65535)`);
  process.exit(2);
}
const dir = path.resolve(values.dir ?? path.join(REPO_ROOT, '.stack', new Date().toISOString().replace(/[:.]/g, '-')));
mkdirSync(dir, { recursive: true });

let stack: Awaited<ReturnType<typeof startStack>> | undefined;
let stopping = false;
const stop = async (why: string, code: number): Promise<void> => {
  if (stopping) return;
  stopping = true;
  console.error(`stack: ${why}; stopping everything`);
  await stack?.stop();
  console.error('stack: stopped');
  process.exit(code);
};
process.on('SIGINT', () => void stop('SIGINT', 0));
process.on('SIGTERM', () => void stop('SIGTERM', 0));

try {
  stack = await startStack({ port, dir, routeFile: values['route-file'], onProgress: (m) => console.error(`stack: ${m}`) });
} catch (err) {
  console.error(`stack: could not start: ${(err as Error).message}`);
  process.exit(1);
}
const e = stack.endpoints;
console.log(`
splitbench local stack is up (Ctrl-C to stop)
  ingress        ${e.ingress}   POST /course, GET /readyz, GET /stats
  split          grpc ${(e.weights.grpc! * 100).toFixed(0)}% / redis ${(e.weights.redis! * 100).toFixed(0)}%  (from ${path.relative(REPO_ROOT, e.routeFile)})
  grpc-client    ${e.grpcClient}
  redis-writer   ${e.redisWriter}
  grpc-server    ${e.grpcServer.grpc} (gRPC), ${e.grpcServer.http} (HTTP)
  redis          ${e.redisUrl}
  mongodb        ${e.mongoUrl} (${e.mongoKind}, db ${e.mongoDb})
  logs           ${e.logs}
  endpoints      ${stack.endpointsFile}
`);
void stack.crashed.then((why) => stop(why, 1));
