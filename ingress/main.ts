/**
 * The local ingress as a process: `npx tsx ingress/main.ts --port 8080 --grpc URL --redis URL
 * [--route-file linkerd/route/httproute.yaml]`. Weights come from the HTTPRoute file, the same one
 * Linkerd applies in the cluster. Stops cleanly on SIGTERM/SIGINT.
 */
import path from 'node:path';
import { Command, parse, parseCommandLine, usageFailure } from '../cli/options.js';
import { readSplit, routeFractions, SPLIT_ROUTE_FILE } from '../linkerd/split.js';
import { listen } from '../service-kit/lifecycle.js';
import { createLogger } from '../service-kit/logger.js';
import { REPO_ROOT } from '../stack/tools.js';
import { createIngress, STATS_PATH } from './proxy.js';

const program = new Command('ingress')
  .description(
    'Splits POST /course between grpc-client (--grpc) and redis-writer (--redis) by the weights of the\n' +
      `HTTPRoute in --route-file. GET /readyz is 200 when both routes are ready; GET ${STATS_PATH} shows what was\n` +
      'routed (JSON), GET /metrics the same for Prometheus. Prints one JSON log line {"msg":"listening","port":N} when up.',
  )
  .requiredOption('--grpc <urls>', "grpc-client's base URL (comma-separated: its replicas, balanced over the ready ones)")
  .requiredOption('--redis <urls>', "redis-writer's base URL (comma-separated: its replicas)")
  .option('--port <p>', 'port to listen on (0: any free port)', parse.port, 8080)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--route-file <file>', `HTTPRoute with the weights (default ${path.relative(REPO_ROOT, SPLIT_ROUTE_FILE)})`)
  .option('--upstream-timeout-ms <ms>', 'answer 504 when a route has not answered within this', parse.positiveInt, 10_000);

interface Flags {
  grpc: string;
  redis: string;
  port: number;
  host: string;
  routeFile?: string;
  upstreamTimeoutMs: number;
}

const parsed = parseCommandLine(program, process.argv.slice(2));
if (parsed === undefined) process.exit();
const args = parsed.opts<Flags>();
const routeFile = args.routeFile ?? SPLIT_ROUTE_FILE;
let fractions;
try {
  fractions = routeFractions(readSplit(routeFile));
} catch (err) {
  usageFailure(program, `cannot read the split from ${routeFile}: ${(err as Error).message}`);
  process.exit();
}

const logger = createLogger({ service: 'ingress' });
const ingress = createIngress({
  backends: [
    { route: 'grpc', urls: args.grpc.split(','), weight: fractions.grpc },
    { route: 'redis', urls: args.redis.split(','), weight: fractions.redis },
  ],
  upstreamTimeoutMs: args.upstreamTimeoutMs,
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
  const bound = await listen(ingress.server, args.port, args.host);
  logger.info('listening', { host: args.host, port: bound, weights: fractions, routeFile });
} catch (err) {
  logger.error(`cannot listen on ${args.host}:${args.port}: ${(err as Error).message}; pick another --port`);
  process.exit(1);
}
