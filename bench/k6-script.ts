/**
 * `npm run bench:k6 -- [--rate 1000] [--duration 15s] [--rounds 1] [--script loadtest/main.ts] [--ops]`
 *
 * What the project's k6 script costs k6 per request, against the least a script can do
 * (bench/k6-minimal.js: one fixed record POSTed at a constant arrival rate). Both run in turn against
 * the same stub on 127.0.0.1 (timeseries/stub.ts: answers POST /course as both routes would, X-Route
 * and the `{"id": <Idempotency-Key>}` body the project's check reads), with the same rate, duration and
 * VUs, in rounds of minimal, project, project, minimal so a drift of this shared machine falls on
 * both alike. k6's CPU is read from outside, from /proc/<k6 pid>/stat (utime + stime, every thread),
 * every 200 ms beside the stub's count of answers.
 *
 * Figures per run: CPU ms per request in the steady part (from the sample at which 10% of the run's
 * requests were answered to the one at 90%: no start-up, VU init, summary or shutdown), and over the
 * whole process. The result is the ratio minimal / project of the steady figure, one per adjacent
 * pair (two per round), printed with its spread; the absolute ms depend on the machine and its load.
 * The project's arm runs as the demo runs it (demo/k6-run.ts: `--log-format raw`, thresholds on, the
 * ack lines to a log), without the demo's CSV output and web dashboard, which timeseries/bench.ts prices.
 *
 * `--ops` first prices the script's operations one by one (bench/k6-ops.js: a loop per operation in
 * one VU, µs of k6's JS thread each), to say where the difference goes.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, parse, parseCommandLine } from '../cli/options.js';
import { ACK_LOG_MARKER } from '../contract/ack-line.js';
import { parseK6Summary } from '../contract/k6-summary.js';
import { K6_OFFLINE_ENV, LOADTEST_ENV as E, SCENARIO_OVERRIDES } from '../contract/load-profiles.js';
import { table } from '../format/table.js';
import { REPO_ROOT, requireBinary } from '../stack/tools.js';
import { startStub, type Stub } from '../timeseries/stub.js';

const program = new Command('bench:k6')
  .description("k6's CPU per request: the project's k6 script against a minimal one, alternated against one local stub; the ratio is the result.")
  .option('--rate <n>', 'requests per second (constant arrival rate)', parse.positiveInt, 1000)
  .option('--duration <d>', 'each run', parse.duration, '15s')
  .option('--rounds <n>', 'rounds of minimal, project, project, minimal', parse.positiveInt, 1)
  .option('--ops', "also price the script's operations one by one (bench/k6-ops.js)", false)
  .option('--script <file>', "the project's script (a variant to compare, e.g. while bisecting)", path.join(REPO_ROOT, 'loadtest', 'main.ts'))
  .option('--json <file>', 'where the figures go', path.join(REPO_ROOT, 'results', 'bench-k6-script.json'));
const parsed = parseCommandLine(program, process.argv.slice(2));
if (parsed === undefined) process.exit();
const opts = parsed.opts<{ rate: number; duration: string; rounds: number; ops: boolean; script: string; json: string }>();

const MINIMAL = path.join(REPO_ROOT, 'bench', 'k6-minimal.js');
const OPS = path.join(REPO_ROOT, 'bench', 'k6-ops.js');
const SAMPLE_MS = 200;
/** Linux reports CPU time in clock ticks; 100 per second on every kernel this runs on (getconf CLK_TCK). */
const TICKS_PER_S = 100;

type ArmName = 'minimal' | 'project';
interface Run {
  arm: ArmName;
  requests: number;
  /** CPU ms per answered request between 10% and 90% of the run's answers. */
  steadyMs: number;
  /** CPU ms of the whole k6 process (init, VUs, summary) per answered request. */
  wholeMs: number;
  cpuS: number;
  ackLines: number;
  exitCode: number;
  /** VUs k6 had made by the end: a VU made during the run runs the script's init code mid-measurement. */
  vus: number;
  /** From the project's summary.json: iterations k6 could not start, thresholds it failed. */
  dropped?: number;
  failed?: string[];
}

/**
 * CPU ticks of this process's reaped children (cutime + cstime): the kernel adds a child's whole CPU
 * there once it is reaped, and k6 is the only child this script runs at a time.
 */
function reapedChildTicks(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  return Number(fields[13]) + Number(fields[14]);
}

/** utime + stime of a live process, in ticks; undefined once it is gone. */
function cpuTicks(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    // After "pid (comm) ", field 3 is index 0: utime (14) and stime (15) are indexes 11 and 12.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function answeredCount(stub: Stub): number {
  let n = 0;
  for (const byStatus of Object.values(stub.answered)) for (const count of Object.values(byStatus)) n += count;
  return n;
}

async function runArm(arm: ArmName, i: number, stub: Stub, dir: string, k6: string): Promise<Run> {
  const runDir = mkdtempSync(path.join(dir, `${i}-${arm}-`));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...K6_OFFLINE_ENV,
    [E.BASE_URL]: stub.url,
    [E.RUN_ID]: `bench-k6-${i}`,
    [E.DATA]: path.join(dir, 'pool.json'),
    [E.SUMMARY]: path.join(runDir, 'summary.json'),
    [E.SCENARIO]: 'load',
    [E.RATE]: String(opts.rate),
    [E.DURATION]: opts.duration,
    // As demo/k6-run.ts sizes them: a VU per 200 ms of latency at the rate, at most one per request per second.
    [E.PRE_ALLOCATED_VUS]: String(Math.max(20, Math.ceil(opts.rate / 5))),
    [E.MAX_VUS]: String(Math.max(100, opts.rate)),
  };
  for (const name of SCENARIO_OVERRIDES) delete env[name];
  const script = arm === 'minimal' ? MINIMAL : path.resolve(opts.script);
  const log = path.join(runDir, 'k6.log');
  const stderr = createWriteStream(log);
  const child = spawn(k6, ['run', '--log-format', 'raw', script], { cwd: runDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.pipe(stderr);
  // k6's progress lines end with "<active>/<allocated> VUs": the last one says how many VUs it made.
  let vus = 0;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    for (const m of chunk.matchAll(/\d+\/(\d+) VUs/g)) vus = Number(m[1]);
  });
  const pid = child.pid!;
  const reapedBefore = reapedChildTicks();
  const samples: { ticks: number; answered: number }[] = [];
  const base = answeredCount(stub);
  const timer = setInterval(() => {
    const ticks = cpuTicks(pid);
    if (ticks !== undefined) samples.push({ ticks, answered: answeredCount(stub) - base });
  }, SAMPLE_MS);
  const exitCode = await new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? -1)));
  clearInterval(timer);
  await new Promise<void>((resolve) => stderr.end(resolve));
  const requests = answeredCount(stub) - base;
  const from = samples.find((s) => s.answered >= 0.1 * requests);
  const to = samples.findLast((s) => s.answered <= 0.9 * requests);
  if (from === undefined || to === undefined || to.answered <= from.answered) throw new Error(`${arm}: too few samples to measure (exit ${exitCode}, ${requests} requests); see ${log}`);
  const wholeTicks = reapedChildTicks() - reapedBefore;
  const ackLines = readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith(ACK_LOG_MARKER)).length;
  const run: Run = {
    arm,
    requests,
    steadyMs: ((to.ticks - from.ticks) * (1000 / TICKS_PER_S)) / (to.answered - from.answered),
    wholeMs: (wholeTicks * (1000 / TICKS_PER_S)) / requests,
    cpuS: wholeTicks / TICKS_PER_S,
    ackLines,
    exitCode,
    vus,
  };
  if (arm === 'project' && existsSync(env[E.SUMMARY]!)) {
    const summary = parseK6Summary(JSON.parse(readFileSync(env[E.SUMMARY]!, 'utf8')), env[E.SUMMARY]!);
    Object.assign(run, { dropped: summary.droppedIterations, failed: summary.thresholds?.failed ?? [] });
  }
  console.error(`run ${i + 1} ${arm.padEnd(7)}  requests ${requests}  steady ${run.steadyMs.toFixed(3)} ms/req  whole ${run.wholeMs.toFixed(3)} ms/req  exit ${exitCode}  VUs ${vus}  ack lines ${ackLines}${run.failed?.length ? `  failed ${run.failed.join(' ')}` : ''}${run.dropped ? `  dropped ${run.dropped}` : ''}`);
  return run;
}

const k6 = requireBinary('k6', "run 'npm run tools' to build k6 into .tools/bin");
const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-k6bench-'));
const stub = await startStub();
const cleanUp = async (): Promise<void> => {
  await stub.close();
  rmSync(dir, { recursive: true, force: true });
};
process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));
process.once('SIGTERM', () => void cleanUp().then(() => process.exit(143)));
writeFileSync(
  path.join(dir, 'pool.json'),
  JSON.stringify([{ carnet: '201900001', nombre: 'Ana Lopez', curso: 'SO1', nota: 87, semestre: '1S', year: 2025, facultad: 'Ingenieria', carrera: 'Sistemas', region: 'NORTE' }]),
);

/** µs per operation, as bench/k6-ops.js prints them (`k6-ops <name> <µs>` on stderr). */
async function priceOps(stub: Stub, k6: string): Promise<{ op: string; us: number }[]> {
  const child = spawn(k6, ['run', '--quiet', '--log-format', 'raw', OPS], { env: { ...process.env, ...K6_OFFLINE_ENV, [E.BASE_URL]: stub.url }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const code = await new Promise<number>((resolve) => child.once('close', (c) => resolve(c ?? -1)));
  const ops = [...err.matchAll(/^k6-ops (.+) ([\d.]+)$/gm)].map((m) => ({ op: m[1]!, us: Number(m[2]) }));
  if (code !== 0 || ops.length === 0) throw new Error(`bench/k6-ops.js failed (exit ${code}): ${err.slice(-500)}`);
  return ops;
}

try {
  if (opts.ops) {
    const ops = await priceOps(stub, k6);
    console.log("\nk6's JS thread per operation (bench/k6-ops.js, one VU, wall µs; compare lines, not runs)\n");
    console.log(table([{ header: 'operation', cell: (r: (typeof ops)[number]) => r.op, align: 'left' }, { header: 'µs', cell: (r) => r.us.toFixed(2) }], ops, ''));
  }
  console.error(`k6 at ${opts.rate} req/s for ${opts.duration}, ${opts.rounds} round(s) of minimal, project, project, minimal against ${stub.url}; project script ${path.relative(REPO_ROOT, path.resolve(opts.script))}`);
  const runs: Run[] = [];
  for (let r = 0; r < opts.rounds; r++) {
    for (const arm of ['minimal', 'project', 'project', 'minimal'] as const) runs.push(await runArm(arm, runs.length, stub, dir, k6));
  }
  // Each adjacent minimal/project pair gives one ratio: (1st, 2nd) and (4th, 3rd) of every round.
  const ratios: number[] = [];
  for (let r = 0; r < runs.length; r += 4) {
    ratios.push(runs[r]!.steadyMs / runs[r + 1]!.steadyMs, runs[r + 3]!.steadyMs / runs[r + 2]!.steadyMs);
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const arm = (name: ArmName, f: (r: Run) => number): number[] => runs.filter((r) => r.arm === name).map(f);
  const rows = (['minimal', 'project'] as const).map((name) => ({ name, steady: arm(name, (r) => r.steadyMs), whole: arm(name, (r) => r.wholeMs) }));
  const spread = (xs: number[]): string => `${mean(xs).toFixed(3)} (${Math.min(...xs).toFixed(3)}..${Math.max(...xs).toFixed(3)})`;
  console.log(`\nk6 CPU per request, ${opts.rate} req/s for ${opts.duration}, ${runs.length / 2} runs per script (mean, min..max)\n`);
  console.log(table([{ header: 'script', cell: (r: (typeof rows)[number]) => r.name }, { header: 'steady ms/req', cell: (r) => spread(r.steady) }, { header: 'whole process ms/req', cell: (r) => spread(r.whole) }], rows, ''));
  console.log(`\nminimal / project (steady, per adjacent pair): ${spread(ratios)}  [goal >= 0.80]`);
  const load = os.loadavg()[0]!.toFixed(2);
  console.log(`load average at the end: ${load} (a shared machine: compare ratios, not ms)`);
  const out = path.resolve(opts.json);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ rate: opts.rate, duration: opts.duration, script: path.relative(REPO_ROOT, path.resolve(opts.script)), runs, ratios }, null, 2)}\n`);
  console.log(`written ${path.relative(process.cwd(), out)}`);
} finally {
  await cleanUp();
}
