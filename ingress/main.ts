/**
 * The local ingress as a process: `npx tsx ingress/main.ts --port 8080 --grpc URL --redis URL
 * [--route-file linkerd/route/httproute.yaml]`. Weights come from the HTTPRoute file, the same one
 * Linkerd applies in the cluster. Stops cleanly on SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import { readSplit, routeFractions, SPLIT_ROUTE_FILE } from '../linkerd/split.js';
import { listen } from '../service-kit/lifecycle.js';
import { createLogger } from '../service-kit/logger.js';
import { createIngress } from './proxy.js';

const USAGE = `usage: npx tsx ingress/main.ts --grpc URL --redis URL [--port 8080] [--host 127.0.0.1] [--route-file FILE]

Splits POST /course between grpc-client (--grpc) and redis-writer (--redis) by the weights of the
HTTPRoute in --route-file (default ${SPLIT_ROUTE_FILE}). GET /readyz is 200 when both routes are ready;
GET /stats shows what was routed. Prints one JSON log line {"msg":"listening","port":N} when up.`;

let args;
try {
  args = parseArgs({
    options: {
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      grpc: { type: 'string' },
      redis: { type: 'string' },
      'route-file': { type: 'string', default: SPLIT_ROUTE_FILE },
      'upstream-timeout-ms': { type: 'string', default: '10000' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (err) {
  console.error(`ingress: ${(err as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!args.grpc || !args.redis) {
  console.error(`ingress: --grpc and --redis are required\n\n${USAGE}`);
  process.exit(2);
}
const port = Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`ingress: --port ${args.port} is not a port number (0..65535)`);
  process.exit(2);
}

const logger = createLogger({ service: 'ingress' });
let fractions;
try {
  fractions = routeFractions(readSplit(args['route-file']));
} catch (err) {
  console.error(`ingress: cannot read the split from ${args['route-file']}: ${(err as Error).message}`);
  process.exit(2);
}
const ingress = createIngress({
  backends: [
    { route: 'grpc', url: args.grpc, weight: fractions.grpc },
    { route: 'redis', url: args.redis, weight: fractions.redis },
  ],
  upstreamTimeoutMs: Number(args['upstream-timeout-ms']),
});

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) process.exit(1);
  stopping = true;
  logger.info('shutting down', { signal, stats: ingress.stats });
  void ingress.close().then(() => process.exit(0));
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));

try {
  const bound = await listen(ingress.server, port, args.host);
  logger.info('listening', { host: args.host, port: bound, weights: fractions, routeFile: args['route-file'] });
} catch (err) {
  logger.error(`cannot listen on ${args.host}:${port}: ${(err as Error).message}; pick another --port`);
  process.exit(1);
}
