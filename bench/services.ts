/**
 * `npm run bench -- [--seconds 8] [--connections 50] [--json results/bench.json]`
 *
 * Requests/s of each service alone and of the ingress, each against a baseline measured in the same
 * run on the same machine (timings here are noisy; the ratios hold):
 *   node:http 201  >  express 201  >  express -> grpc-js -> bare ack  >  grpc-client over the same ack
 *                                                                        >  grpc-client -> grpc-server -> MongoDB
 *                                                                        redis-writer -> MongoDB + Redis
 *   ingress overhead: ingress -> node:http stubs vs the same stub hit directly.
 * wrk drives every target with the same record, keep-alive connections and duration.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startMongo } from '../stack/mongo.js';
import { startProcess, waitForOutput, type ManagedProcess } from '../stack/process.js';
import { startRedis } from '../stack/redis.js';
import { startService, waitReady } from '../stack/services.js';
import { REPO_ROOT } from '../stack/tools.js';
import { wrkPost, type WrkResult } from './wrk.js';

const USAGE = `usage: npm run bench -- [--seconds 8] [--connections 50] [--json FILE]
Measures requests/s of each service alone and of the ingress against baselines run in the same script.`;
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '50' },
    json: { type: 'string', default: path.join(REPO_ROOT, 'results', 'bench-services.json') },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const seconds = Number(values.seconds);
const connections = Number(values.connections);
if (!(seconds > 0) || !(connections > 0)) {
  console.error(`bench: --seconds and --connections must be positive numbers\n${USAGE}`);
  process.exit(2);
}
const RECORD = JSON.stringify({ carnet: '201900001', nombre: 'Ana Lopez', curso: 'SO1', nota: 87, semestre: '1S', year: 2025, facultad: 'Ingenieria', carrera: 'Sistemas', region: 'NORTE' });

const stops: (() => Promise<void>)[] = [];
async function startScript(name: string, file: string, args: string[] = []): Promise<{ proc: ManagedProcess; port: number }> {
  const proc = startProcess({ name, command: process.execPath, args: ['--import', 'tsx', path.join(REPO_ROOT, file), ...args], cwd: REPO_ROOT });
  stops.push(() => proc.stop());
  const port = Number((await waitForOutput(proc, /"msg":"listening".*?"port":(\d+)/, 30_000))[1]);
  return { proc, port };
}

interface Row {
  name: string;
  baseline: string;
  result: WrkResult;
}
const rows: Row[] = [];
async function measure(name: string, url: string, baseline: string): Promise<WrkResult> {
  process.stderr.write(`bench: ${name} (${seconds}s, ${connections} connections)... `);
  const result = await wrkPost(url, RECORD, { connections, seconds });
  process.stderr.write(`${result.rps.toFixed(0)} req/s\n`);
  rows.push({ name, baseline, result });
  return result;
}

try {
  const redis = await startRedis();
  stops.push(() => redis.stop());
  const mongo = await startMongo();
  stops.push(() => mongo.stop());
  const quiet = { LOG_LEVEL: 'info' };
  const nodeHttp = await startScript('node-http', 'bench/baselines/node-http.ts');
  const expressBare = await startScript('express', 'bench/baselines/express.ts');
  const grpcAck = await startScript('grpc-ack', 'bench/baselines/grpc-ack.ts');
  const expressGrpc = await startScript('express-grpc', 'bench/baselines/express-grpc.ts', [`127.0.0.1:${grpcAck.port}`]);
  const grpcServer = await startService('grpc-server', { env: { ...quiet, MONGO_URL: mongo.url, MONGO_DB: 'bench' } });
  stops.push(() => grpcServer.stop());
  const grpcClientOverAck = await startService('grpc-client', { env: { ...quiet, GRPC_SERVER_ADDR: `127.0.0.1:${grpcAck.port}` }, logFile: '/dev/null' });
  stops.push(() => grpcClientOverAck.stop());
  const grpcClient = await startService('grpc-client', { env: { ...quiet, GRPC_SERVER_ADDR: `127.0.0.1:${grpcServer.port}` } });
  stops.push(() => grpcClient.stop());
  const redisWriter = await startService('redis-writer', { env: { ...quiet, MONGO_URL: mongo.url, MONGO_DB: 'bench', REDIS_URL: redis.url } });
  stops.push(() => redisWriter.stop());
  await Promise.all([waitReady(grpcServer), waitReady(grpcClientOverAck), waitReady(grpcClient), waitReady(redisWriter)]);
  const ingressStub = await startScript('ingress-stub', 'ingress/main.ts', ['--port', '0', '--grpc', `http://127.0.0.1:${nodeHttp.port}`, '--redis', `http://127.0.0.1:${nodeHttp.port}`]);
  const ingressReal = await startScript('ingress-real', 'ingress/main.ts', ['--port', '0', '--grpc', grpcClient.baseUrl, '--redis', redisWriter.baseUrl]);

  const base = await measure('node:http 201 (baseline)', `http://127.0.0.1:${nodeHttp.port}`, '');
  const exp = await measure('express 201, no validation', `http://127.0.0.1:${expressBare.port}`, 'node:http');
  const fwd = await measure('express -> grpc-js -> bare ack (baseline)', `http://127.0.0.1:${expressGrpc.port}`, 'express');
  await measure('grpc-client -> bare gRPC ack', grpcClientOverAck.baseUrl, 'express->grpc');
  await measure('grpc-client -> grpc-server -> MongoDB', grpcClient.baseUrl, 'express');
  await measure('redis-writer -> MongoDB + Redis', redisWriter.baseUrl, 'express');
  await measure('ingress -> node:http stubs', `http://127.0.0.1:${ingressStub.port}`, 'node:http');
  await measure('ingress -> both real routes', `http://127.0.0.1:${ingressReal.port}`, '');

  // What the routes answered through the ingress: a non-2xx at saturation should be explained, not guessed.
  const realStats = (await (await fetch(`http://127.0.0.1:${ingressReal.port}/stats`)).json()) as { statuses: Record<string, Record<string, number>>; upstreamErrors: Record<string, number> };
  const rejected = [grpcClient, redisWriter].flatMap((svc) =>
    svc.proc.output().split('\n').filter((l) => /"level":"(warn|error)"/.test(l)).map((l) => `${svc.name}: ${l.slice(0, 300)}`),
  );
  const by = (n: string): WrkResult | undefined => rows.find((r) => r.name.startsWith(n))?.result;
  const ratio = (r: WrkResult, b: WrkResult | undefined): string => (b ? `${(r.rps / b.rps).toFixed(2)}x` : '');
  console.log(`\nsplitbench services benchmark: wrk, ${connections} connections, ${seconds}s each, one record per POST\n`);
  console.log(`${'target'.padEnd(40)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx'.padStart(8)}  vs baseline`);
  for (const row of rows) {
    const b = row.baseline === 'node:http' ? base : row.baseline === 'express' ? exp : row.baseline === 'express->grpc' ? fwd : undefined;
    const r = row.result;
    console.log(`${row.name.padEnd(40)} ${r.rps.toFixed(0).padStart(8)} ${r.p50Ms.toFixed(2).padStart(8)} ${r.p99Ms.toFixed(2).padStart(8)} ${String(r.non2xx).padStart(8)}  ${ratio(r, b)}${b ? ` of ${row.baseline}` : ''}`);
  }
  const stub = by('ingress -> node:http');
  if (stub) {
    // Per-request CPU-time cost of the proxy hop, from the throughput drop on the same stub.
    const overheadUs = (1 / stub.rps - 1 / base.rps) * 1e6;
    console.log(`\ningress overhead on a stub backend: ${(100 * (1 - stub.rps / base.rps)).toFixed(0)}% fewer req/s than a direct hit (~${overheadUs.toFixed(0)} µs per request of wall time at saturation)`);
  }
  const real = by('ingress -> both real');
  const a = by('grpc-client -> grpc-server');
  const b = by('redis-writer');
  if (real && a && b) {
    // Through a 50/50 split, the pair can at best serve the harmonic combination of the two routes.
    const pair = 2 / (1 / a.rps + 1 / b.rps);
    console.log(`ingress over the real routes: ${real.rps.toFixed(0)} req/s vs ${pair.toFixed(0)} req/s expected from the routes hit directly (${ratio(real, { ...real, rps: pair })})`);
  }
  console.log(`ingress -> real routes, answers by route and status: ${JSON.stringify(realStats.statuses)}, upstream errors ${JSON.stringify(realStats.upstreamErrors)}`);
  for (const line of rejected.slice(0, 5)) console.log(`  ${line}`);
  mkdirSync(path.dirname(values.json), { recursive: true });
  writeFileSync(values.json, JSON.stringify({ seconds, connections, mongo: mongo.kind, rows }, null, 2) + '\n');
  console.log(`\nwritten ${path.relative(process.cwd(), values.json)}`);
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => {});
}
