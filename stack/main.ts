/**
 * `npm run stack -- --port 8080`: the local stack in the foreground until Ctrl-C or SIGTERM.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Command, parse, parseCommandLine } from '../cli/options.js';
import { SPLIT_ROUTE_FILE } from '../linkerd/split.js';
import { startStack } from './stack.js';
import { REPO_ROOT } from './tools.js';

const program = new Command('stack')
  .description(
    "Starts redis-server, a MongoDB-wire server (MONGO_URL, mongod, or FerretDB from 'npm run tools'),\n" +
      'grpc-server, grpc-client, redis-writer and Envoy as the ingress, each as its own process on a free port.\n' +
      'Logs go to DIR/logs; the endpoints are written to DIR/endpoints.json. The ingress splits POST /course\n' +
      'by the HTTPRoute weights in --route-file. Ctrl-C or SIGTERM stops everything.',
  )
  .option('--port <p>', 'ingress port (0: any free port)', parse.port, 8080)
  .option('--dir <dir>', 'folder for logs and endpoints.json (default .stack/<time>)')
  .option('--route-file <file>', `HTTPRoute with the weights (default ${path.relative(REPO_ROOT, SPLIT_ROUTE_FILE)})`)
  .addHelpText(
    'after',
    `
Try:  curl -i -X POST localhost:8080/course -H 'Content-Type: application/json' \\
        -d '{"curso":"ANP","facultad":"Ingenieria","carrera":"Arte","region":"METROPOLITANA"}'`,
  );

const parsed = parseCommandLine(program, process.argv.slice(2));
if (parsed === undefined) process.exit();
const values = parsed.opts<{ port: number; dir?: string; routeFile?: string }>();
const port = values.port;
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
  stack = await startStack({
    port,
    dir,
    routeFile: values.routeFile ?? SPLIT_ROUTE_FILE,
    onProgress: (m) => console.error(`stack: ${m}`),
    // A process that dies is restarted, as a kubelet would; say so as it happens.
    onEvent: (e) => {
      if (e.kind !== 'started' || e.detail !== undefined) console.error(`stack: ${e.process} ${e.kind}${e.detail ? ` (${e.detail})` : ''}`);
    },
  });
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

