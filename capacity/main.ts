/**
 * `npm run capacity`: for route A alone, route B alone and the split, the highest offered rate that
 * meets the SLO, found by an adaptive search of short open-model k6 runs against the local stack
 * (search.ts). Progress on the terminal, a table at the end, capacity.json for machines.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError, parse, parseCommandLine } from '../cli/options.js';
import { ensurePool } from '../generator/pool-file.js';
import { REPO_ROOT } from '../stack/tools.js';
import { formatCapacityTable, formatSearchEvent } from './format.js';
import { CAPACITY_TARGETS, startTarget } from './local-trials.js';
import { buildCurves } from '../cost/curves.js';
import { formatCurves } from '../cost/curve-format.js';
import { capacityReport, costWindows, type CapacityTarget } from './report.js';
import { addSearchFlags, searchOptionsOf, type SearchFlags } from './options.js';
import { findCapacity } from './search.js';

const program = addSearchFlags(new Command('capacity')
  .description(
    'For route A alone, route B alone and the split: the highest offered rate that meets the SLO (p99 under --p99,\n' +
      'errors at most --max-error-rate, no dropped iterations), by an adaptive search of short k6 runs against the\n' +
      'local stack, stopping when the bracket is within --precision. Writes <out>/capacity.json and a table.',
  )
  .option('--targets <list>', 'comma-separated: grpc, redis, split', (raw: string) => {
    const names = raw.split(',').map((s) => s.trim());
    for (const n of names) if (!CAPACITY_TARGETS.some((t) => t.name === n)) throw new InvalidArgumentError(`must list grpc, redis or split, got ${JSON.stringify(n)}`);
    return names;
  }, ['grpc', 'redis', 'split']))
  .option('--replicas <list>', 'replicas of each service; a list (1,2,3) searches each count and prints a scaling table', (raw: string) => raw.split(',').map((s) => parse.positiveInt(s.trim())), [1])
  .option('--out <dir>', 'results folder (default results/capacity-<time>)');

interface Flags extends SearchFlags {
  targets: string[];
  replicas: number[];
  out?: string;
}

const parsed = parseCommandLine(program, process.argv.slice(2));
if (parsed === undefined) process.exit();
const f = parsed.opts<Flags>();
const options = searchOptionsOf(f);
const startedAt = new Date();
const outDir = path.resolve(f.out ?? path.join(REPO_ROOT, 'results', `capacity-${startedAt.toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}`));
mkdirSync(outDir, { recursive: true });
const say = (m: string): void => console.error(`capacity: ${m}`);

const dataFile = ensurePool(42, 20_000, say);

const results: CapacityTarget[] = [];
let stopping = false;
process.on('SIGINT', () => (stopping = true));
process.on('SIGTERM', () => (stopping = true));
const replicaCounts = [...new Set(f.replicas)].sort((a, b) => a - b);
if (replicaCounts.length > 1 && Math.max(...replicaCounts) > availableParallelism()) {
  // Replicas only add capacity where there are cores for them; said before the run, not found after it.
  say(`this machine has ${availableParallelism()} CPUs: more replicas than that share them with each other, the stores and k6`);
}
for (const replicas of replicaCounts) {
  for (const target of CAPACITY_TARGETS.filter((t) => f.targets.includes(t.name))) {
    if (stopping) break;
    const label = replicaCounts.length > 1 ? `${target.name} x${replicas}` : target.name;
    say(`${label}: starting a stack (${target.routes.join(' + ')}, ${replicas} replica${replicas === 1 ? '' : 's'} of each service)`);
    const dir = path.join(outDir, replicaCounts.length > 1 ? `${target.name}-x${replicas}` : target.name);
    const session = await startTarget(target, { dir, dataFile, replicas, say });
    try {
      const result = await findCapacity(session.runTrial, options, (e) => {
        const line = formatSearchEvent(label, e);
        if (line) say(line);
      });
      results.push({ name: target.name, replicas, result, idle: session.idle });
    } finally {
      await session.stop();
    }
  }
}
const report = capacityReport(results, options, startedAt);
writeFileSync(path.join(outDir, 'capacity.json'), JSON.stringify(report, null, 2) + '\n');
// Every trial and idle window is a point of each process's cost curve (cost/curves.ts).
const curves = buildCurves(costWindows(results), path.relative(REPO_ROOT, outDir));
writeFileSync(path.join(outDir, 'cost-curve.json'), JSON.stringify(curves, null, 2) + '\n');
console.log(`\n${formatCapacityTable(results)}\n\nCPU cost curves (every trial and the idle stack; npm run cost -- --curve ${path.relative(process.cwd(), outDir)} --at-rate N reads them):\n${formatCurves(curves)}`);
console.log(`\ncapacity.json    ${path.join(outDir, 'capacity.json')}\ncost-curve.json  ${path.join(outDir, 'cost-curve.json')}`);
