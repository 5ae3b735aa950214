/**
 * `npx tsx bench/toxiproxy-hop.ts [--seconds 5] [--connections 32] [--driver auto|node|wrk] [--json FILE]`
 *
 * What one Toxiproxy hop (a proxy with no toxics, as a fault plan leaves it between faults) costs per
 * request. The target is the node:http JSON baseline (bench/baselines/node-http.ts: reads the POSTed
 * record, answers 201 JSON), hit directly and through toxiproxy-server, in two shapes: sequential (one
 * keep-alive connection: the latency a hop adds) and concurrent (--connections: what it costs at
 * saturation). Each shape runs ABBA (direct, proxied, proxied, direct) so a drift of the machine falls
 * on both alike; the proxied/direct ratios are the result. Toxiproxy's CPU per request comes from
 * /proc/<pid>/stat (utime + stime, 10 ms ticks) read before and after each run.
 * The driver is wrk when on PATH (auto), else a keep-alive node:http loop in this process; the driver,
 * the server and toxiproxy share the machine's cores, so absolute figures depend on the machine.
 */
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, parse, parseCommandLine } from '../cli/options.js';
import { table } from '../format/table.js';
import { readProcStat } from '../stack/resources.js';
import { startToxiproxy } from '../stack/toxiproxy.js';
import { findBinary, REPO_ROOT } from '../stack/tools.js';
import { startScript } from './scripts.js';
import { wrkPost, type WrkResult } from './wrk.js';

const program = new Command('toxiproxy-hop')
  .description('Requests/s, latency and CPU per request of one Toxiproxy hop, against the same server hit directly in the same run (ABBA).')
  .option('--seconds <n>', 'seconds per measured run (8 runs, plus 1 s of warm-up per target)', parse.positiveInt, 5)
  .option('--connections <n>', 'keep-alive connections of the concurrent shape', parse.positiveInt, 32)
  .option('--driver <driver>', 'auto: wrk when on PATH, else node', parse.oneOf(['auto', 'node', 'wrk'] as const), 'auto')
  .option('--json <file>', 'where the figures go', path.join(REPO_ROOT, 'results', 'bench-toxiproxy-hop.json'));
const parsed = parseCommandLine(program, process.argv.slice(2));
if (parsed === undefined) process.exit();
const opts = parsed.opts<{ seconds: number; connections: number; driver: 'auto' | 'node' | 'wrk'; json: string }>();
const driver = opts.driver === 'auto' ? (findBinary('wrk') ? 'wrk' : 'node') : opts.driver;
const RECORD = JSON.stringify({ carnet: '201900001', nombre: 'Ana Lopez', curso: 'SO1', nota: 87, semestre: '1S', year: 2025, facultad: 'Ingenieria', carrera: 'Sistemas', region: 'NORTE' });

/** `connections` keep-alive loops POSTing RECORD to url/course for `seconds`; wrk's figures. */
async function nodeDrive(url: string, connections: number, seconds: number): Promise<WrkResult> {
  const { hostname, port } = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let non2xx = 0;
  let socketErrors = 0;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const t0 = performance.now();
      const req = http.request(
        { host: hostname, port, path: '/course', method: 'POST', agent, timeout: 10_000, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(RECORD) } },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - t0);
            if ((res.statusCode ?? 0) >= 300) non2xx++;
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        socketErrors++;
        resolve();
      });
      req.end(RECORD);
    });
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) await one();
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pick = (q: number): number => latencies[Math.max(0, Math.ceil(q * latencies.length) - 1)] ?? NaN;
  return { rps: latencies.length / elapsed, p50Ms: pick(0.5), p99Ms: pick(0.99), requests: latencies.length, non2xx, socketErrors };
}

const drive = (url: string, connections: number, seconds: number): Promise<WrkResult> =>
  driver === 'wrk' ? wrkPost(url, RECORD, { connections, seconds }) : nodeDrive(url, connections, seconds);

interface ShapeSummary {
  shape: string;
  connections: number;
  rpsRatio: number;
  p50Ratio: number;
  p99Ratio: number;
  addedP50Us: number;
  toxiproxyCpuUs: number;
}

interface Row {
  shape: string;
  target: 'direct' | 'proxied';
  result: WrkResult;
  /** CPU µs per request of toxiproxy-server and of the node:http server during the run. */
  toxiproxyCpuUs: number;
  serverCpuUs: number;
  /** CPU of this process (the node driver, or wrk's parent: ~0) as a share of one core during the run. */
  driverCorePct: number;
}

const stops: (() => Promise<void>)[] = [];
try {
  const server = await startScript('node-http', 'bench/baselines/node-http.ts');
  stops.push(() => server.proc.stop());
  // warn: toxiproxy logs each accepted connection at info; nothing else is asked of its log here.
  const toxiproxy = await startToxiproxy({ logLevel: 'warn' });
  stops.push(() => toxiproxy.stop());
  const proxiedAddress = await toxiproxy.client.createProxy('hop', `127.0.0.1:${server.port}`);
  const urls = { direct: `http://127.0.0.1:${server.port}`, proxied: `http://${proxiedAddress}` };
  const pids = { toxiproxy: toxiproxy.proc.child.pid!, server: server.proc.child.pid! };
  const cpu = async (pid: number): Promise<number> => {
    const stat = await readProcStat(pid);
    if (!stat) throw new Error(`process ${pid} is gone: cannot read its CPU time`);
    return stat.cpuSeconds;
  };

  const rows: Row[] = [];
  const load0 = os.loadavg()[0]!;
  const measure = async (shape: string, connections: number, target: 'direct' | 'proxied'): Promise<Row> => {
    process.stderr.write(`toxiproxy-hop: ${shape} ${target} (${opts.seconds}s, ${connections} connection${connections === 1 ? '' : 's'})... `);
    const [tp0, sv0] = [await cpu(pids.toxiproxy), await cpu(pids.server)];
    const [self0, wall0] = [process.cpuUsage(), performance.now()];
    const result = await drive(urls[target], connections, opts.seconds);
    const self = process.cpuUsage(self0);
    const driverCorePct = ((self.user + self.system) / 1000 / (performance.now() - wall0)) * 100;
    const [tp1, sv1] = [await cpu(pids.toxiproxy), await cpu(pids.server)];
    const perRequest = (s: number): number => (result.requests > 0 ? (s * 1e6) / result.requests : NaN);
    const row: Row = { shape, target, result, toxiproxyCpuUs: perRequest(tp1 - tp0), serverCpuUs: perRequest(sv1 - sv0), driverCorePct };
    process.stderr.write(`${result.rps.toFixed(0)} req/s\n`);
    rows.push(row);
    return row;
  };

  process.stderr.write('toxiproxy-hop: warm-up\n');
  for (const target of ['direct', 'proxied'] as const) await drive(urls[target], opts.connections, 1);

  const shapes = [
    { shape: 'sequential', connections: 1 },
    { shape: 'concurrent', connections: opts.connections },
  ];
  const summary: ShapeSummary[] = [];
  for (const { shape, connections } of shapes) {
    const d1 = await measure(shape, connections, 'direct');
    const p1 = await measure(shape, connections, 'proxied');
    const p2 = await measure(shape, connections, 'proxied');
    const d2 = await measure(shape, connections, 'direct');
    const mean = (f: (r: Row) => number, a: Row, b: Row): number => (f(a) + f(b)) / 2;
    const direct = { rps: mean((r) => r.result.rps, d1, d2), p50: mean((r) => r.result.p50Ms, d1, d2), p99: mean((r) => r.result.p99Ms, d1, d2) };
    const proxied = { rps: mean((r) => r.result.rps, p1, p2), p50: mean((r) => r.result.p50Ms, p1, p2), p99: mean((r) => r.result.p99Ms, p1, p2) };
    summary.push({
      shape,
      connections,
      rpsRatio: proxied.rps / direct.rps,
      p50Ratio: proxied.p50 / direct.p50,
      p99Ratio: proxied.p99 / direct.p99,
      addedP50Us: (proxied.p50 - direct.p50) * 1000,
      toxiproxyCpuUs: (p1.toxiproxyCpuUs * p1.result.requests + p2.toxiproxyCpuUs * p2.result.requests) / (p1.result.requests + p2.result.requests),
    });
  }

  const errors = rows.reduce((n, r) => n + r.result.non2xx + r.result.socketErrors, 0);
  console.log(`\ntoxiproxy hop benchmark: driver ${driver}${opts.driver === 'auto' && driver === 'node' ? ' (wrk not on PATH)' : ''}, ${opts.seconds}s per run, ABBA per shape, one record per POST, toxiproxy ${await toxiproxy.client.version()} with no toxics\n`);
  console.log(
    table(
      [
        { header: 'shape', cell: (r: Row) => r.shape },
        { header: 'target', cell: (r) => r.target, align: 'left' },
        { header: 'req/s', cell: (r) => r.result.rps.toFixed(0) },
        { header: 'p50 ms', cell: (r) => r.result.p50Ms.toFixed(3) },
        { header: 'p99 ms', cell: (r) => r.result.p99Ms.toFixed(3) },
        { header: 'toxiproxy CPU µs/req', cell: (r) => r.toxiproxyCpuUs.toFixed(1) },
        { header: 'server CPU µs/req', cell: (r) => r.serverCpuUs.toFixed(1) },
        { header: 'driver % core', cell: (r) => (driver === 'node' ? r.driverCorePct.toFixed(0) : '-') },
        { header: 'errors', cell: (r) => r.result.non2xx + r.result.socketErrors },
      ],
      rows,
      '',
    ),
  );
  console.log('\nproxied / direct (means of the ABBA pairs; the result, the absolute figures depend on the machine)');
  console.log(
    table(
      [
        { header: 'shape', cell: (s: ShapeSummary) => `${s.shape} (${s.connections})` },
        { header: 'req/s ratio', cell: (s) => s.rpsRatio.toFixed(2) },
        { header: 'p50 ratio', cell: (s) => s.p50Ratio.toFixed(2) },
        { header: 'p99 ratio', cell: (s) => s.p99Ratio.toFixed(2) },
        { header: 'p50 added µs', cell: (s) => s.addedP50Us.toFixed(0) },
        { header: 'toxiproxy CPU µs/req', cell: (s) => s.toxiproxyCpuUs.toFixed(1) },
      ],
      summary,
      '',
    ),
  );
  const driverBound = rows.filter((r) => driver === 'node' && r.driverCorePct >= 90);
  if (driverBound.length > 0) {
    console.log(`\nnote: the node driver used >= 90% of a core in ${driverBound.map((r) => `${r.shape} ${r.target}`).join(', ')}: there it, not the server or the hop, set the pace (install wrk, or lower --connections)`);
  }
  console.log(`load average (1 min) ${load0.toFixed(2)} before, ${os.loadavg()[0]!.toFixed(2)} after, on ${os.availableParallelism()} cores`);
  if (errors > 0) console.log(`\nwarning: ${errors} requests failed (non-2xx or socket errors); see the errors column`);
  mkdirSync(path.dirname(opts.json), { recursive: true });
  writeFileSync(opts.json, JSON.stringify({ driver, load: [load0, os.loadavg()[0]], cores: os.availableParallelism(), seconds: opts.seconds, connections: opts.connections, rows, summary }, null, 2) + '\n');
  console.log(`written ${path.relative(process.cwd(), opts.json)}`);
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => {});
}
