/**
 * `npx tsx timeseries/bench.ts`: what writing every sample to CSV (--out csv, gzip) costs k6. The demo's
 * own k6 invocation (demo/k6-run.ts) against a node:http stub on 127.0.0.1, with and without the CSV
 * output, in ABBA order so drift of the machine falls on both arms; prints k6's CPU seconds and the
 * latency k6 measured per arm, and their ratios (with / without).
 *
 * Seen here (3 ABBA pairs, 20 s at 200 req/s, a shared 2-core machine at load average 5.5): k6's CPU
 * 1.12x with the CSV (every run with it above every run without), p50 1.05x (0.70 -> 0.74 ms), p95
 * 2.05x (3.9 -> 8.0 ms; 1.70x in an earlier run of 2 pairs), p99 within its own run-to-run spread
 * (12 to 85 ms either way). So: about 0.17 ms of k6 CPU per request, nothing at the median, a few ms
 * at the stub's tail, which is small beside the real stack's p95 of 30-50 ms but is why
 * demo/k6-run.ts can turn it off (`samples: false`).
 *
 * k6's CPU is read from this process's cutime + cstime in /proc/self/stat: the kernel adds a child's
 * CPU there once it is reaped, and k6 is the only child this script has (the stub runs in-process).
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Command, parse, parseCommandLine } from '../cli/options.js';
import { TIMESERIES_FILES } from '../contract/timeseries.js';
import { runK6 } from '../demo/k6-run.js';
import { table } from '../format/table.js';
import { startStub } from './stub.js';

const program = new Command('timeseries-bench')
  .description("Measures the cost of k6's --out csv (gzip): k6 CPU and measured latency, with vs without, against a local stub.")
  .option('--rate <n>', 'requests per second', parse.positive, 200)
  .option('--duration <d>', 'each run', parse.duration, '20s')
  .option('--pairs <n>', 'ABBA pairs (each pair: one run with, one without)', parse.positiveInt, 2);
const parsed = parseCommandLine(program, process.argv.slice(2));
if (parsed === undefined) process.exit();
const opts = parsed.opts<{ rate: number; duration: string; pairs: number }>();

/** CPU seconds of this process's reaped children (Linux; clock ticks are 100 per second here). */
function childCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  // After "pid (comm) ": field 3 is index 0, so cutime (16) and cstime (17) are indexes 13 and 14.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

interface Arm {
  csv: boolean;
  cpuS: number;
  requests: number;
  dropped: number;
  p50: number;
  p95: number;
  p99: number;
  csvBytes: number | null;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-tsbench-'));
const stub = await startStub();
const quiet = new Writable({ write: (_c, _e, done) => done() });
const cleanUp = async (): Promise<void> => {
  await stub.close();
  rmSync(dir, { recursive: true, force: true });
};
process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));
writeFileSync(path.join(dir, 'pool.json'), JSON.stringify([{ curso: 'ANP', facultad: 'Ingenieria', carrera: 'Arte', region: 'METROPOLITANA' }]));

async function run(csv: boolean, i: number): Promise<Arm> {
  const outDir = mkdtempSync(path.join(dir, `run${i}-`));
  const before = childCpuSeconds();
  const k6 = await runK6({ baseUrl: stub.url, runId: `bench-${i}`, dataFile: path.join(dir, 'pool.json'), outDir, scenario: 'load', rate: opts.rate, duration: opts.duration, routes: ['grpc', 'redis'], thresholds: 'off', progress: quiet, samples: csv });
  const cpuS = childCpuSeconds() - before;
  const s = k6.summary;
  if (!s) throw new Error(`k6 wrote no summary (exit ${k6.exitCode}); see ${outDir}/k6.log`);
  const grpc = s.routes.grpc!;
  const csvBytes = csv ? statSync(path.join(outDir, TIMESERIES_FILES.k6Samples)).size : null;
  const arm = { csv, cpuS, requests: s.requests, dropped: s.droppedIterations, p50: grpc.p50 ?? NaN, p95: grpc.p95 ?? NaN, p99: grpc.p99 ?? NaN, csvBytes };
  console.error(`run ${i + 1}: csv ${csv ? 'on ' : 'off'}  k6 cpu ${cpuS.toFixed(2)} s  requests ${arm.requests}  p50 ${arm.p50}  p95 ${arm.p95}  p99 ${arm.p99} ms`);
  return arm;
}

try {
  console.error(`k6 at ${opts.rate} req/s for ${opts.duration}, ${opts.pairs} ABBA pairs against ${stub.url}`);
  const arms: Arm[] = [];
  for (let p = 0; p < opts.pairs; p++) {
    const order = p % 2 === 0 ? [false, true] : [true, false];
    for (const csv of order) arms.push(await run(csv, arms.length));
  }
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const pick = (csv: boolean, f: (a: Arm) => number): number => median(arms.filter((a) => a.csv === csv).map(f));
  const rows = [
    { what: 'k6 CPU s per 1000 requests', f: (a: Arm) => (1000 * a.cpuS) / a.requests },
    { what: 'k6 CPU s', f: (a: Arm) => a.cpuS },
    { what: 'p50 ms (grpc, k6-measured)', f: (a: Arm) => a.p50 },
    { what: 'p95 ms (grpc, k6-measured)', f: (a: Arm) => a.p95 },
    { what: 'p99 ms (grpc, k6-measured)', f: (a: Arm) => a.p99 },
    { what: 'dropped iterations', f: (a: Arm) => a.dropped },
  ].map((r) => ({ what: r.what, off: pick(false, r.f), on: pick(true, r.f) }));
  console.log(`\nmedians of ${opts.pairs} runs per arm, ${opts.rate} req/s for ${opts.duration}`);
  console.log(table([
    { header: 'figure', cell: (r) => r.what },
    { header: 'without csv', cell: (r) => r.off.toFixed(3) },
    { header: 'with csv', cell: (r) => r.on.toFixed(3) },
    { header: 'ratio', cell: (r) => (r.off > 0 ? (r.on / r.off).toFixed(2) : '-') },
  ], rows));
  const bytesPerReq = median(arms.filter((a) => a.csv).map((a) => a.csvBytes! / a.requests));
  console.log(`\nCSV (gzip): ${bytesPerReq.toFixed(1)} bytes per request; a 10-minute soak at ${opts.rate} req/s: ${((bytesPerReq * opts.rate * 600) / 2 ** 20).toFixed(1)} MiB`);
} finally {
  await cleanUp();
}
