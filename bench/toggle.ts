/**
 * `npm run bench:toggle -- --a MONGO_INSERT_BATCH=1 --b MONGO_INSERT_BATCH=64 [--target split] [--rate 400]`
 *
 * What one setting of the services buys, on the whole local stack: CPU per acknowledged request of each
 * process (and p99, errors) with the services' environment `--a`, then `--b`, then `--b`, then `--a`
 * (A-B-B-A, so a drift of the machine falls on both alike), each leg a fresh stack warmed up and driven
 * by k6 at the same fixed rate, measured as the capacity trials are (capacity/local-trials.ts). Prints
 * each leg and the ratio B/A of the means; writes the figures as JSON. The ratio is the result: absolute
 * figures move with the machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, parse, parseCommandLine } from '../cli/options.js';
import { ENV } from '../contract/services.js';
import { ensurePool } from '../generator/pool-file.js';
import { table } from '../format/table.js';
import { CAPACITY_TARGETS, startTarget } from '../capacity/local-trials.js';
import type { TrialResult } from '../capacity/types.js';
import { REPO_ROOT } from '../stack/tools.js';

const KNOWN = new Set<string>(Object.values(ENV));
const envSetting = (raw: string, previous: Record<string, string> = {}): Record<string, string> => {
  const m = /^([A-Z_]+)=(.*)$/.exec(raw);
  if (!m) throw new InvalidArgumentError(`must be NAME=value, got ${JSON.stringify(raw)}`);
  if (!KNOWN.has(m[1]!)) throw new InvalidArgumentError(`${m[1]} is not an env name the services read (contract/services.ts ENV)`);
  return { ...previous, [m[1]!]: m[2]! };
};

const program = new Command('bench:toggle')
  .description('CPU per acknowledged request of every process with the services\' env --a vs --b, A-B-B-A on fresh stacks at one rate; prints the ratio B/A.')
  .requiredOption('--a <NAME=value>', 'the baseline setting (repeat for several)', envSetting)
  .requiredOption('--b <NAME=value>', 'the setting measured against it (repeat for several)', envSetting)
  .option('--target <t>', 'grpc, redis or split', parse.oneOf(CAPACITY_TARGETS.map((t) => t.name)), 'split')
  .option('--rate <n>', 'requests per second offered', parse.positiveInt, 400)
  .option('--trial <seconds>', 'seconds of load per leg', parse.positiveInt, 20)
  .option('--rounds <n>', 'A-B-B-A rounds', parse.positiveInt, 1)
  .option('--out <dir>', 'results folder (default results/toggle-<time>)');
const parsed = parseCommandLine(program, process.argv.slice(2));
if (parsed === undefined) process.exit();
const f = parsed.opts<{ a: Record<string, string>; b: Record<string, string>; target: string; rate: number; trial: number; rounds: number; out?: string }>();
const target = CAPACITY_TARGETS.find((t) => t.name === f.target)!;
const outDir = path.resolve(f.out ?? path.join(REPO_ROOT, 'results', `toggle-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}`));
mkdirSync(outDir, { recursive: true });
const say = (m: string): void => console.error(`bench:toggle: ${m}`);
const dataFile = ensurePool(42, 20_000, say);
const label = (env: Record<string, string>): string => Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ');

interface Leg {
  variant: 'a' | 'b';
  env: Record<string, string>;
  acknowledgedRps: number;
  p99Ms: number;
  errorRate: number;
  /** CPU ms per acknowledged request by process kind (k6 apart), and their sum. */
  msPerRequest: Record<string, number>;
}

function legOf(variant: 'a' | 'b', env: Record<string, string>, r: TrialResult): Leg {
  const cost = r.cost!;
  const acknowledgedRps = Object.values(cost.routeRps).reduce((s, x) => s + x, 0);
  const msPerRequest: Record<string, number> = {};
  for (const [proc, msPerS] of Object.entries(cost.cpuMsPerS)) msPerRequest[proc] = msPerS / acknowledgedRps;
  msPerRequest['all but k6'] = Object.entries(msPerRequest).reduce((s, [p, x]) => (p === 'k6' ? s : s + x), 0);
  return { variant, env, acknowledgedRps, p99Ms: r.p99Ms, errorRate: r.errorRate, msPerRequest };
}

const legs: Leg[] = [];
let stopping = false;
process.on('SIGINT', () => (stopping = true));
process.on('SIGTERM', () => (stopping = true));
const order = Array.from({ length: f.rounds }, () => ['a', 'b', 'b', 'a'] as const).flat();
for (const [i, variant] of order.entries()) {
  if (stopping) break;
  const env = variant === 'a' ? f.a : f.b;
  say(`leg ${i + 1}/${order.length}: ${variant.toUpperCase()} (${label(env)}), ${target.name} at ${f.rate} req/s for ${f.trial} s`);
  const session = await startTarget(target, { dir: path.join(outDir, `leg-${i + 1}-${variant}`), dataFile, replicas: 1, say, serviceEnv: env, measureIdle: false });
  try {
    const leg = legOf(variant, env, await session.runTrial(f.rate, { index: 0, durationS: f.trial, purpose: 'confirm' }));
    legs.push(leg);
    say(`leg ${i + 1}: ${leg.msPerRequest['all but k6']!.toFixed(3)} ms CPU per acknowledged request (k6 apart), p99 ${leg.p99Ms.toFixed(1)} ms, errors ${(leg.errorRate * 100).toFixed(2)}%`);
  } finally {
    await session.stop();
  }
}

const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const processes = [...new Set(legs.flatMap((l) => Object.keys(l.msPerRequest)))];
const of = (v: 'a' | 'b', p: string): number[] => legs.filter((l) => l.variant === v).map((l) => l.msPerRequest[p] ?? 0);
const rows = processes.map((p) => ({ p, a: of('a', p), b: of('b', p) })).filter((r) => r.a.length > 0 && r.b.length > 0);
console.log(`\nCPU ms per acknowledged request, ${target.name} at ${f.rate} req/s, A = ${label(f.a)}, B = ${label(f.b)} (legs in A-B-B-A order):`);
console.log(
  table(
    [
      { header: 'process', cell: (r) => r.p },
      { header: 'A legs', cell: (r) => r.a.map((x) => x.toFixed(3)).join(' ') },
      { header: 'B legs', cell: (r) => r.b.map((x) => x.toFixed(3)).join(' ') },
      { header: 'B/A', cell: (r) => (mean(r.a) > 0 ? (mean(r.b) / mean(r.a)).toFixed(3) : null) },
    ],
    rows,
  ),
);
console.log(`p99 ms: A ${legs.filter((l) => l.variant === 'a').map((l) => l.p99Ms.toFixed(1)).join(' ')}, B ${legs.filter((l) => l.variant === 'b').map((l) => l.p99Ms.toFixed(1)).join(' ')}`);
const file = path.join(outDir, 'toggle.json');
writeFileSync(file, JSON.stringify({ schema: 'splitbench.toggle/1', target: target.name, rate: f.rate, trialS: f.trial, a: f.a, b: f.b, legs, ratio: Object.fromEntries(rows.map((r) => [r.p, mean(r.b) / mean(r.a)])) }, null, 2) + '\n');
console.log(`toggle.json  ${file}`);
