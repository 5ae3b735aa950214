/**
 * `npm run bench:marker -- --before <rev> [--rate 150] [--seconds 10] [--rounds 2]`
 *
 * What route B's pending marker costs where it lives: CPU per acknowledged route-B write, summed over
 * the processes the write crosses (redis-writer, the MongoDB-wire server, redis-server), of this
 * checkout against another commit's redis-writer (`--before`, exported with `git archive` into a
 * temporary folder). Each trial starts fresh stores (Redis with its append-only file, as the stack runs it) and
 * one redis-writer, offers a paced rate well under capacity (open loop: the work per write, not a
 * ceiling), and reads each process's CPU from /proc over the load plus a short tail (the old order's
 * batched marker deletes and the sweeper land there). The load generator is this process and is not
 * counted. Trials run before, after, after, before (ABBA) per round, so a drift of a shared machine
 * falls on both alike; the result is the ratio after/before of each round, and its spread.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Command, parse, parseCommandLine } from '../cli/options.js';
import { table } from '../format/table.js';
import { startMongo } from '../stack/mongo.js';
import { startRedis } from '../stack/redis.js';
import { readProcStat } from '../stack/resources.js';
import { startService, waitReady } from '../stack/services.js';
import { REPO_ROOT } from '../stack/tools.js';

const program = new Command('route-b-marker')
  .description("CPU per acknowledged route-B write, this checkout's redis-writer against another commit's, ABBA.")
  .requiredOption('--before <rev>', 'the commit to compare against (git rev)')
  .option('--rate <n>', 'requests per second offered', parse.positiveInt, 150)
  .option('--seconds <n>', 'seconds of measured load per trial', parse.positiveInt, 10)
  .option('--rounds <n>', 'ABBA rounds', parse.positiveInt, 2)
  .option('--warmup <n>', 'seconds of load before the measured window (JIT, connection pools)', parse.positiveInt, 4)
  .option('--json <file>', 'where the figures go', path.join(REPO_ROOT, 'results', 'bench-route-b-marker.json'));
const parsed = parseCommandLine(program, process.argv.slice(2));
if (parsed === undefined) process.exit();
const o = parsed.opts<{ before: string; rate: number; seconds: number; rounds: number; warmup: number; json: string }>();
const RECORD = JSON.stringify({ carnet: '201900001', nombre: 'Ana Lopez', curso: 'SO1', nota: 87, semestre: '1S', year: 2025, facultad: 'Ingenieria', carrera: 'Sistemas', region: 'NORTE' });
const TAIL_MS = 1500;
const PROCESSES = ['redis-writer', 'mongo', 'redis'] as const;
type Proc = (typeof PROCESSES)[number];

interface Trial {
  variant: 'before' | 'after';
  round: number;
  acked: number;
  failed: number;
  /** ms of CPU per acknowledged write, by process and in all. */
  cpuMsPerWrite: Record<Proc | 'total', number>;
}

/** Open-loop POSTs at `rate`/s for `seconds`; counts 2xx and the rest. */
async function pacedLoad(url: URL, rate: number, seconds: number): Promise<{ acked: number; failed: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let acked = 0;
  let failed = 0;
  const inFlight: Promise<void>[] = [];
  const post = (): Promise<void> =>
    new Promise((resolve) => {
      const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(RECORD) } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) acked++;
          else failed++;
          resolve();
        });
      });
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(RECORD);
    });
  const start = performance.now();
  const total = rate * seconds;
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    for (; sent < due; sent++) inFlight.push(post());
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(inFlight);
  agent.destroy();
  return { acked, failed };
}

async function cpuSeconds(pids: Record<Proc, number>): Promise<Record<Proc, number>> {
  const out = {} as Record<Proc, number>;
  for (const p of PROCESSES) {
    const stat = await readProcStat(pids[p]);
    if (!stat) throw new Error(`${p} (pid ${pids[p]}) is gone`);
    out[p] = stat.cpuSeconds;
  }
  return out;
}

async function trial(variant: Trial['variant'], root: string, round: number): Promise<Trial> {
  // Data folders of our own, removed after each trial (startMongo's own would add an exit hook per trial).
  const aof = mkdtempSync(path.join(os.tmpdir(), 'splitbench-marker-aof-'));
  const mongoDir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-marker-mongo-'));
  const stops: (() => Promise<void>)[] = [() => Promise.resolve([aof, mongoDir].forEach((d) => rmSync(d, { recursive: true, force: true })))];
  try {
    const [redis, mongo] = await Promise.all([startRedis({ persistDir: aof }), startMongo({ ownServer: true, dataDir: mongoDir })]);
    stops.push(() => redis.stop(), () => mongo.stop());
    const svc = await startService('redis-writer', { root, env: { MONGO_URL: mongo.url, MONGO_DB: 'bench', REDIS_URL: redis.url }, logFile: '/dev/null' });
    stops.push(() => svc.stop());
    await waitReady(svc);
    const pids = { 'redis-writer': svc.proc.child.pid!, mongo: mongo.proc!.child.pid!, redis: redis.proc.child.pid! };
    const url = new URL('/course', svc.baseUrl);
    await pacedLoad(url, o.rate, o.warmup);
    await new Promise((r) => setTimeout(r, TAIL_MS));
    const before = await cpuSeconds(pids);
    const { acked, failed } = await pacedLoad(url, o.rate, o.seconds);
    await new Promise((r) => setTimeout(r, TAIL_MS));
    const after = await cpuSeconds(pids);
    const per = (p: Proc): number => ((after[p] - before[p]) * 1000) / acked;
    const cpuMsPerWrite = { 'redis-writer': per('redis-writer'), mongo: per('mongo'), redis: per('redis'), total: PROCESSES.reduce((s, p) => s + per(p), 0) };
    process.stderr.write(`route-b-marker: round ${round} ${variant}: ${acked} acked, ${failed} failed, ${cpuMsPerWrite.total.toFixed(3)} ms CPU per write\n`);
    return { variant, round, acked, failed, cpuMsPerWrite };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  }
}

const beforeRoot = mkdtempSync(path.join(os.tmpdir(), 'splitbench-before-'));
const removeBefore = (): void => rmSync(beforeRoot, { recursive: true, force: true });
// Children are killed on exit (stack/process.ts); the exported tree goes too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => (removeBefore(), process.exit(130)));
try {
  const beforeSha = execFileSync('git', ['rev-parse', '--short', `${o.before}^{commit}`], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  execFileSync('sh', ['-c', 'git archive --format=tar "$1" | tar -x -C "$2"', 'sh', beforeSha, beforeRoot], { cwd: REPO_ROOT });
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(beforeRoot, 'node_modules'));
  const afterSha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const trials: Trial[] = [];
  for (let round = 1; round <= o.rounds; round++) {
    for (const variant of ['before', 'after', 'after', 'before'] as const) trials.push(await trial(variant, variant === 'before' ? beforeRoot : REPO_ROOT, round));
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const keys = [...PROCESSES, 'total'] as const;
  const rounds = Array.from({ length: o.rounds }, (_, i) => i + 1).map((round) => {
    const of = (v: Trial['variant'], k: (typeof keys)[number]) => mean(trials.filter((t) => t.round === round && t.variant === v).map((t) => t.cpuMsPerWrite[k]));
    return Object.fromEntries(keys.map((k) => [k, of('after', k) / of('before', k)])) as Record<(typeof keys)[number], number>;
  });

  console.log(`\nroute B's pending marker: CPU per acknowledged write, ${o.rate} req/s offered, ${o.seconds} s per trial after ${o.warmup} s of warm-up, ABBA x ${o.rounds}`);
  console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} at the end (only our three processes' CPU is counted; others' load still moves it, alike for both variants under ABBA)`);
  console.log(`before = ${o.before} (${beforeSha}), after = this checkout (${afterSha}${execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim() ? ', with uncommitted changes' : ''})\n`);
  const ms = (k: (typeof keys)[number]) => ({ header: `${k} ms`, cell: (t: Trial) => t.cpuMsPerWrite[k].toFixed(3) });
  console.log(table([{ header: 'round', cell: (t: Trial) => t.round }, { header: 'variant', cell: (t) => t.variant, align: 'left' }, { header: 'acked', cell: (t) => t.acked }, { header: 'failed', cell: (t) => t.failed }, ...keys.map(ms)], trials, ''));
  const summary = keys.map((k) => {
    const rs = rounds.map((r) => r[k]);
    return { of: k, ratios: rs, mean: mean(rs), min: Math.min(...rs), max: Math.max(...rs) };
  });
  console.log('\nafter / before, CPU per acknowledged write (each round: the mean of its two trials of each variant)');
  console.log(table([{ header: 'process', cell: (r: (typeof summary)[number]) => r.of, align: 'left' }, { header: 'mean', cell: (r) => r.mean.toFixed(3) }, { header: 'min', cell: (r) => r.min.toFixed(3) }, { header: 'max', cell: (r) => r.max.toFixed(3) }, { header: 'rounds', cell: (r) => r.ratios.map((x) => x.toFixed(3)).join(' '), align: 'left' }], summary, ''));
  mkdirSync(path.dirname(o.json), { recursive: true });
  writeFileSync(o.json, JSON.stringify({ before: { rev: o.before, sha: beforeSha }, after: { sha: afterSha }, rate: o.rate, seconds: o.seconds, warmup: o.warmup, loadAverage: os.loadavg(), trials, ratios: summary }, null, 2) + '\n');
  console.log(`written ${path.relative(process.cwd(), o.json)}`);
} finally {
  removeBefore();
}
