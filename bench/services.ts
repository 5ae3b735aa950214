/**
 * `npm run bench -- [--seconds 8] [--connections 50] [--json FILE]`
 *
 * Requests/s of each service and of the ingress, each divided by a baseline measured in the same run on
 * the same machine (timings here are noisy; the ratios hold). The honest ceiling of a service is a bare
 * handler doing the same store writes (bench/baselines/bare-stores.ts): the ratio to it is what our
 * validation, idempotency, metrics and logging cost. Those two pairs run ABBA (baseline, service,
 * service, baseline) so a drift of the machine during the run falls on both alike.
 * wrk drives every target with the same record, keep-alive connections and duration.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, parse, parseCommandLine } from '../cli/options.js';
import { table } from '../format/table.js';
import { startMongo } from '../stack/mongo.js';
import { startRedis } from '../stack/redis.js';
import { startService, waitReady } from '../stack/services.js';
import { REPO_ROOT } from '../stack/tools.js';
import { startTestEnvoy } from '../envoy/testing.js';
import { startScript } from './scripts.js';
import { wrkPost, type WrkResult } from './wrk.js';

const program = new Command('bench')
  .description('Requests/s of each service and the ingress against baselines run in the same script; the ratio is the result.')
  .option('--seconds <n>', 'seconds per wrk run', parse.positiveInt, 8)
  .option('--connections <n>', 'wrk connections', parse.positiveInt, 50)
  .option('--json <file>', 'where the figures go', path.join(REPO_ROOT, 'results', 'bench-services.json'));
const parsed = parseCommandLine(program, process.argv.slice(2));
if (parsed === undefined) process.exit();
const { seconds, connections, json } = parsed.opts<{ seconds: number; connections: number; json: string }>();
const RECORD = JSON.stringify({ carnet: '201900001', nombre: 'Ana Lopez', curso: 'SO1', nota: 87, semestre: '1S', year: 2025, facultad: 'Ingenieria', carrera: 'Sistemas', region: 'NORTE' });

interface Row {
  name: string;
  result: WrkResult;
}
const rows: Row[] = [];
async function measure(name: string, url: string): Promise<WrkResult> {
  process.stderr.write(`bench: ${name} (${seconds}s, ${connections} connections)... `);
  const result = await wrkPost(url, RECORD, { connections, seconds });
  process.stderr.write(`${result.rps.toFixed(0)} req/s\n`);
  rows.push({ name, result });
  return result;
}
/** Baseline, target, target, baseline: the mean of each pair. */
async function abba(baseline: [string, string], target: [string, string]): Promise<{ base: number; target: number }> {
  const b1 = await measure(...baseline);
  const t1 = await measure(...target);
  const t2 = await measure(...target);
  const b2 = await measure(...baseline);
  return { base: (b1.rps + b2.rps) / 2, target: (t1.rps + t2.rps) / 2 };
}

const stops: (() => Promise<void>)[] = [];
try {
  const [redis, mongo] = await Promise.all([startRedis(), startMongo()]);
  stops.push(() => redis.stop(), () => mongo.stop());
  const quiet = { LOG_LEVEL: 'info' };
  const script = async (name: string, file: string, args: string[] = []) => {
    const s = await startScript(name, file, args);
    stops.push(() => s.proc.stop());
    return s;
  };
  const nodeHttp = await script('node-http', 'bench/baselines/node-http.ts');
  const expressBare = await script('express', 'bench/baselines/express.ts');
  const grpcAck = await script('grpc-ack', 'bench/baselines/grpc-ack.ts');
  const expressGrpc = await script('express-grpc', 'bench/baselines/express-grpc.ts', [`127.0.0.1:${grpcAck.port}`]);
  const bareStores = await script('express-stores', 'bench/baselines/express-stores.ts', [mongo.url, 'bench_bare', redis.url]);
  const grpcMongo = await script('grpc-mongo', 'bench/baselines/grpc-mongo.ts', [mongo.url, 'bench_bare']);
  const expressGrpcMongo = await script('express-grpc-mongo', 'bench/baselines/express-grpc.ts', [`127.0.0.1:${grpcMongo.port}`]);
  const svc = async (name: 'grpc-server' | 'grpc-client' | 'redis-writer', env: Record<string, string>) => {
    const s = await startService(name, { env: { ...quiet, ...env }, logFile: '/dev/null' });
    stops.push(() => s.stop());
    return s;
  };
  const grpcServer = await svc('grpc-server', { MONGO_URL: mongo.url, MONGO_DB: 'bench' });
  const grpcClientOverAck = await svc('grpc-client', { GRPC_SERVER_ADDR: `127.0.0.1:${grpcAck.port}` });
  const grpcClient = await svc('grpc-client', { GRPC_SERVER_ADDR: `127.0.0.1:${grpcServer.port}` });
  const redisWriter = await svc('redis-writer', { MONGO_URL: mongo.url, MONGO_DB: 'bench', REDIS_URL: redis.url });
  await Promise.all([grpcServer, grpcClientOverAck, grpcClient, redisWriter].map((s) => waitReady(s)));
  const envoy = async (grpc: string, redis: string) => {
    const e = await startTestEnvoy({ grpc: 50, redis: 50 }, { grpc: [grpc], redis: [redis] });
    stops.push(() => e.stop());
    return e.ingress.url;
  };
  const ingressStub = await envoy(`http://127.0.0.1:${nodeHttp.port}`, `http://127.0.0.1:${nodeHttp.port}`);
  const ingressReal = await envoy(grpcClient.baseUrl, redisWriter.baseUrl);
  const url = (port: number): string => `http://127.0.0.1:${port}`;

  const base = await measure('node:http 201', url(nodeHttp.port));
  const exp = await measure('express 201, no validation', url(expressBare.port));
  const fwd = await measure('express -> grpc-js -> bare ack', url(expressGrpc.port));
  const overAck = await measure('grpc-client -> bare gRPC ack', grpcClientOverAck.baseUrl);
  const routeA = await abba(['bare: express -> grpc-js -> insert', url(expressGrpcMongo.port)], ['grpc-client -> grpc-server -> MongoDB', grpcClient.baseUrl]);
  const routeB = await abba(['bare: express -> insert + script', url(bareStores.port)], ['redis-writer -> MongoDB + Redis', redisWriter.baseUrl]);
  const stub = await measure('ingress (Envoy) -> node:http stubs', ingressStub);
  const real = await measure('ingress (Envoy) -> both real routes', ingressReal);

  console.log(`\nsplitbench services benchmark: wrk, ${connections} connections, ${seconds}s each, one record per POST\n`);
  console.log(table([{ header: 'target', cell: (r: Row) => r.name }, { header: 'req/s', cell: (r) => r.result.rps.toFixed(0) }, { header: 'p50 ms', cell: (r) => r.result.p50Ms.toFixed(2) }, { header: 'p99 ms', cell: (r) => r.result.p99Ms.toFixed(2) }, { header: 'non-2xx', cell: (r) => r.result.non2xx }], rows, ''));
  const ratios = [
    { what: 'express / node:http', value: exp.rps / base.rps },
    { what: 'grpc-client over a bare ack / express -> grpc-js -> ack', value: overAck.rps / fwd.rps },
    { what: 'route A (grpc-client -> grpc-server -> MongoDB) / its bare ceiling (same insert)', value: routeA.target / routeA.base },
    { what: 'route B (redis-writer -> MongoDB + Redis) / its bare ceiling (same writes)', value: routeB.target / routeB.base },
    { what: 'ingress on stubs / the stub hit directly', value: stub.rps / base.rps },
    // Through a 50/50 split, the pair can at best serve the harmonic combination of the two routes.
    { what: 'ingress over both routes / the harmonic mean of the routes hit directly', value: real.rps / (2 / (1 / routeA.target + 1 / routeB.target)) },
  ];
  console.log('\nratios (the result; absolute req/s depend on the machine)');
  console.log(table([{ header: 'ratio', cell: (r: (typeof ratios)[number]) => r.value.toFixed(2) }, { header: 'of', cell: (r) => r.what, align: 'left' }], ratios, ''));
  console.log(`\ningress overhead per request on a stub: ~${((1 / stub.rps - 1 / base.rps) * 1e6).toFixed(0)} µs of wall time at saturation`);
  mkdirSync(path.dirname(json), { recursive: true });
  writeFileSync(json, JSON.stringify({ seconds, connections, mongo: mongo.kind, rows, ratios }, null, 2) + '\n');
  console.log(`written ${path.relative(process.cwd(), json)}`);
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => {});
}
