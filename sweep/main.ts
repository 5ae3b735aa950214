/**
 * `npm run sweep`: which weights to run. For each weight of route A, on ONE local stack whose ingress
 * weights change between points (no restart; a warm-up at each), the split's capacity under the SLO
 * (the capacity search) and one run at --rate for each route's figures, over --repeats. Progress on
 * stderr, the table and the answer on stdout, <out>/sweep.json and <out>/index.html (the run report's
 * sweep section). With --from, the same table from the result folders of runs made elsewhere (the
 * cluster's steps, each its own run judged by its verdict): no stack is started.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, parse, parseCommandLine, usageFailure } from '../cli/options.js';
import { ensurePool } from '../generator/pool-file.js';
import { CAPACITY_TARGETS, startTarget } from '../capacity/local-trials.js';
import { liveDashboardUrl } from '../demo/k6-run.js';
import { addLiveFlag, livePortOf } from '../demo/live-dashboard.js';
import { addSearchFlags, searchOptionsOf, type SearchFlags } from '../capacity/options.js';
import { writeRunReport } from '../report/run-report.js';
import { REPO_ROOT } from '../stack/tools.js';
import { SWEEP_FILE, sweepReport } from './document.js';
import { formatSweepEvent, formatSweepTable, weightLabel } from './format.js';
import { sweepFromSteps } from './from-steps.js';
import { checkWeights, runSweep, SweepPlanError, type SweepSystem } from './sweep.js';
import type { SweepReport } from './types.js';

const program = addLiveFlag(addSearchFlags(
  new Command('sweep')
    .description(
      "For each weight of route A (route B gets the rest): the split's capacity under the SLO (the capacity search's\n" +
        'flags) and, at --rate, each route\'s p50/p95/p99, errors and CPU per request; on one local stack whose weights\n' +
        'change between points. The best weight, how sure the repeats make it, and the shared-cores and own-pods models\n' +
        'from the capacities at weights 100 and 0. Writes <out>/sweep.json and <out>/index.html. With --from, builds the\n' +
        'table from run folders (each a summary.json: the cluster steps of docs/kubernetes.md) instead.',
    )
    .option('--weights <list>', "route A's percent at each point, comma-separated", (raw: string) => {
      try {
        return checkWeights(raw.split(',').map((s) => Number(s.trim())));
      } catch (err) {
        throw new InvalidArgumentError((err as Error).message);
      }
    }, [0, 10, 25, 50, 75, 90, 100])
    .option('--rate <n>', "the fixed rate of each route's figures, req/s (0: no fixed-rate runs)", parse.nonNegativeInt, 100)
    .option('--repeats <n>', 'times round every weight', parse.positiveInt, 1)
    .option('--warmup <n>', 'warm-up requests at each weight, after the change', parse.positiveInt, 500)
    .option('--out <dir>', 'results folder (default results/sweep-<time>)')
    .option('--from <dir...>', 'build the sweep from these run folders (each holds summary.json) instead of running it'),
), 'each run');

interface Flags extends SearchFlags {
  weights: number[];
  rate: number;
  repeats: number;
  warmup: number;
  out?: string;
  from?: string[];
  live?: number | true;
}

const parsed = parseCommandLine(program, process.argv.slice(2));
if (parsed === undefined) process.exit();
const f = parsed.opts<Flags>();
const say = (m: string): void => console.error(`sweep: ${m}`);
const startedAt = new Date();
const outDir = path.resolve(f.out ?? path.join(REPO_ROOT, 'results', `sweep-${startedAt.toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}`));

let report: SweepReport;
if (f.from !== undefined) {
  try {
    const steps = sweepFromSteps(f.from.map((d) => path.resolve(d)));
    report = sweepReport(steps.result, { source: 'steps', startedAt, options: null, fixedRateRps: steps.fixedRateRps, repeats: steps.repeats, steps: f.from });
  } catch (err) {
    usageFailure(program, (err as Error).message);
    process.exit();
  }
} else {
  let options;
  try {
    options = searchOptionsOf(f);
  } catch (err) {
    usageFailure(program, (err as Error).message);
    process.exit();
  }
  let livePort: number | undefined;
  try {
    livePort = await livePortOf(f.live);
  } catch (err) {
    usageFailure(program, (err as Error).message);
    process.exit();
  }
  mkdirSync(outDir, { recursive: true });
  const dataFile = ensurePool(42, 20_000, say);
  let stopping = false;
  process.on('SIGINT', () => (stopping = true));
  process.on('SIGTERM', () => (stopping = true));
  const split = CAPACITY_TARGETS.find((t) => t.name === 'split')!;
  say(`starting one stack for every weight (${f.weights.map(weightLabel).join(', ')}; ${f.repeats} repeat${f.repeats === 1 ? '' : 's'})`);
  const session = await startTarget(split, { dir: path.join(outDir, 'stack'), dataFile, replicas: 1, say, measureIdle: false, ...(livePort === undefined ? {} : { livePort }) });
  if (livePort !== undefined) say(`live: k6's web dashboard at ${liveDashboardUrl(livePort)} while each run's k6 runs (a new dashboard per run)`);
  let weightNow = -1;
  let fixedRuns = 0;
  // After SIGINT/SIGTERM no new run starts: the search of the point under way ends (runnerFailed) rather
  // than going on for its remaining trials, and the sweep stops before the next point.
  const unlessStopping = (): void => {
    if (stopping) throw new Error('interrupted');
  };
  const system: SweepSystem = {
    setWeight: async (w) => {
      weightNow = w;
      await session.setWeights({ grpc: w, redis: 100 - w }, f.warmup);
    },
    runTrial: async (rateRps, attempt) => {
      unlessStopping();
      return session.runTrial(rateRps, attempt);
    },
    runFixedRate: async (rateRps, durationS) => {
      unlessStopping();
      const r = await session.runAt(rateRps, durationS, `fixed-${String(++fixedRuns).padStart(2, '0')}-a${weightNow}-${rateRps}`);
      return { rateRps, routes: r.routes ?? {}, droppedIterations: r.droppedIterations, ...(typeof r.extras?.runDir === 'string' ? { runDir: r.extras.runDir } : {}) };
    },
  };
  try {
    const result = await runSweep(
      system,
      { weights: f.weights, repeats: f.repeats, search: options, fixedRateRps: f.rate > 0 ? f.rate : null, fixedRateDurationS: f.trial },
      (e) => {
        const line = formatSweepEvent(e);
        if (line) say(line);
      },
      () => stopping,
    );
    if (!result.complete || stopping) {
      say('stopped before every repeat ran: the table holds what was measured');
      // Interrupted: the files are written, but the run did not do what was asked.
      process.exitCode = 130;
    }
    report = sweepReport(result, { source: 'local', startedAt, options, fixedRateRps: f.rate > 0 ? f.rate : null, repeats: f.repeats });
  } catch (err) {
    if (err instanceof SweepPlanError) usageFailure(program, err.message);
    else say(`failed: ${(err as Error).message}`);
    process.exitCode = process.exitCode || 1;
    await session.stop();
    process.exit();
  }
  await session.stop();
}
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, SWEEP_FILE), JSON.stringify(report, null, 2) + '\n');
const page = await writeRunReport(outDir, say);
console.log(`\n${formatSweepTable(report)}\n\n${SWEEP_FILE}  ${path.join(outDir, SWEEP_FILE)}${page ? `\nindex.html  ${page}` : ''}`);
