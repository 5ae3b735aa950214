/**
 * `npm run cost -- --curve <capacity folder or cost-curve.json> --at-rate N [--replicas K] [--weights A,B]
 * [--check <run folder>]`: what the cost curves of a capacity run predict at a rate: each process's and
 * route's CPU with the rate spread over K replicas, and the process that reaches its ceiling first. With
 * --check, the prediction at that run's own rate, weights and replicas beside what the run measured.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, parse, parseCommandLine, usageFailure } from '../cli/options.js';
import { ROUTES, type RouteName } from '../contract/routes.js';
import { parseCostCurves } from '../cost/curve-file.js';
import { formatCheck, formatCurves, formatPrediction } from './curve-format.js';
import { checkPrediction, predict, type CostCurves } from './curves.js';
import { runWindow } from './run-window.js';

const program = new Command('cost')
  .description(
    'Reads the CPU cost curves a capacity run measured (npm run capacity writes cost-curve.json) and predicts, at\n' +
      '--at-rate req/s spread over --replicas, the CPU of each process and route and which process reaches its ceiling\n' +
      'first. Readings between measured rates are interpolated; beyond them they are marked EXTRAPOLATED. --check compares\n' +
      "the prediction at a finished run's own rate with what that run measured.",
  )
  .requiredOption('--curve <path>', 'a capacity results folder or its cost-curve.json')
  .option('--at-rate <n>', 'total requests per second', parse.positive)
  .option('--replicas <k>', 'replicas of each service', parse.positiveInt, 1)
  .option('--weights <a,b>', 'route weights grpc,redis (e.g. 90,10)', (raw: string) => {
    const w = raw.split(',').map(Number);
    if (w.length !== 2 || w.some((x) => !Number.isFinite(x) || x < 0) || w[0]! + w[1]! <= 0) throw new InvalidArgumentError('must be two non-negative numbers, grpc,redis, e.g. 50,50');
    return w;
  }, [50, 50])
  .option('--check <run>', 'a results/<run-id>/ folder of npm run demo: predict at its rate and compare')
  .option('--json <file>', 'also write the prediction (and check) as JSON');

interface Flags {
  curve: string;
  atRate?: number;
  replicas: number;
  weights: number[];
  check?: string;
  json?: string;
}

const parsed = parseCommandLine(program, process.argv.slice(2));
if (parsed === undefined) process.exit();
const f = parsed.opts<Flags>();
if (f.atRate === undefined && f.check === undefined) usageFailure(program, 'give --at-rate N, or --check <run folder> to predict at that run\'s rate');
const file = existsSync(f.curve) && statSync(f.curve).isDirectory() ? path.join(f.curve, 'cost-curve.json') : f.curve;
let curves: CostCurves;
try {
  curves = parseCostCurves(JSON.parse(readFileSync(file, 'utf8')), file);
} catch (err) {
  usageFailure(program, `cannot read the cost curves from ${file}: ${(err as Error).message} (npm run capacity writes them)`);
  process.exit();
}
console.log(`cost curves from ${curves.from}:\n${formatCurves(curves)}\n`);
const out: Record<string, unknown> = {};
if (f.atRate !== undefined) {
  const total = f.weights[0]! + f.weights[1]!;
  const p = predict(curves, f.atRate, { grpc: f.weights[0]! / total, redis: f.weights[1]! / total }, f.replicas);
  console.log(formatPrediction(p));
  out.prediction = p;
}
if (f.check !== undefined) {
  let measured;
  try {
    measured = runWindow(f.check);
  } catch (err) {
    usageFailure(program, (err as Error).message);
    process.exit();
  }
  const rate = ROUTES.reduce((s, r) => s + measured.routeRps[r], 0);
  const weights = Object.fromEntries(ROUTES.map((r) => [r, rate > 0 ? measured.routeRps[r] / rate : 0])) as Record<RouteName, number>;
  const p = predict(curves, Math.round(rate * 10) / 10, weights, measured.replicas);
  const rows = checkPrediction(p, measured);
  console.log(`\n${path.basename(path.resolve(f.check))}: ${formatPrediction(p)}\n\nagainst what it measured (${measured.windowS.toFixed(0)} s):\n${formatCheck(rows)}`);
  out.check = { run: f.check, prediction: p, rows };
}
if (f.json !== undefined) writeFileSync(f.json, JSON.stringify(out, null, 2) + '\n');
