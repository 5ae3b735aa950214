/** The demo's command line (`npm run demo -- --help`), parsed and checked into DemoOptions. */
import path from 'node:path';
import { Command, InvalidArgumentError, Option, parse } from '../cli/options.js';
import { PROFILE_ALIASES, PROFILE_NAMES } from '../contract/load-profiles.js';
import { SPLIT_ROUTE_FILE } from '../linkerd/split.js';
import { REPO_ROOT } from '../stack/tools.js';
import { addLiveFlag } from './live-dashboard.js';

export const DEFAULT_FAULT_PLAN = path.join(REPO_ROOT, 'faults', 'default.yaml');

export interface DemoOptions {
  /** Unset: 60s, or with --faults until 20 s after the plan's last fault ends (faults/plan.ts runSecondsFor). */
  duration?: string;
  rate: number;
  scenario: string;
  warmup: number;
  pool: number;
  seed: number;
  p95: number;
  p99: number;
  maxErrorRate: number;
  /** false (--no-thresholds): judge no latency or error-rate threshold, k6's or the fault run's own. */
  thresholds: boolean;
  retries: number;
  /** true: the default plan; a string: a plan file. */
  faults?: boolean | string;
  /** Replicas per service, pinned (no autoscaler). */
  replicas?: number;
  /** Scale each service by its HorizontalPodAutoscaler in k8s/ (min..max replicas, CPU target). */
  autoscale?: boolean;
  /** With --autoscale: a CPU target (percent) instead of the HPAs' own. */
  hpaTarget?: number;
  /** Instead of one run: the capacity search (npm run capacity) into this run's folder. */
  findCapacity?: boolean;
  /** Default linkerd/route/httproute.yaml. */
  routeFile?: string;
  /** Serve k6's web dashboard on 127.0.0.1 while k6 runs: true for k6's default port, 0 for any free one. */
  live?: number | true;
  port: number;
  out: string;
}

export function demoProgram(): Command {
  return addLiveFlag(new Command('demo')
    .description(
      'Runs the local benchmark end to end: data pool -> local stack -> k6 through the split (with faults, if\n' +
        'asked) -> reconcile -> split test -> results/<run-id>/summary.json, index.html, logs. Exit 0 only on PASS.',
    )
    .option('--duration <d>', 'k6 duration, e.g. 30s, 2m (default 60s; with --faults, until 20s after the last fault ends: 125s for the default plan)', parse.duration)
    .option('--rate <n>', 'requests per second offered', parse.positive, 100)
    .option('--scenario <s>', `load profile: ${PROFILE_NAMES.join(' | ')}`, parse.oneOf([...PROFILE_NAMES, ...Object.keys(PROFILE_ALIASES)]), 'load')
    .option('--faults [plan]', `break things during the run: the default plan (${path.relative(REPO_ROOT, DEFAULT_FAULT_PLAN)}) or a YAML plan of yours`)
    .option('--retries <n>', "k6's retries of a 503, 504 or unanswered attempt, same Idempotency-Key", (raw: string) => {
      const n = parse.nonNegativeInt(raw);
      if (n > 10) throw new InvalidArgumentError(`must be 0..10, got ${raw}`);
      return n;
    }, 3)
    .option('--replicas <n>', 'replicas of each service, pinned: 1..3 (default 1)', (raw: string) => {
      const n = parse.positiveInt(raw);
      if (n > 3) throw new InvalidArgumentError(`must be 1..3, got ${raw}`);
      return n;
    })
    .option('--autoscale', "scale each service by its HorizontalPodAutoscaler in k8s/, run by the real HPA controller of a local Kubernetes control plane (built once: about 18 min)")
    .option('--hpa-target <percent>', 'with --autoscale: this CPU target instead of the HPAs\' own (to see scaling at a small load)', parse.positiveInt)
    .option('--find-capacity', 'instead of one run at --rate: find each route\'s and the split\'s capacity (npm run capacity -- --help)')
    .option('--warmup <n>', 'requests sent before the measured run, under their own run id', parse.nonNegativeInt, 300)
    .option('--pool <n>', 'records in the data pool', parse.positiveInt, 20000)
    .option('--seed <n>', 'generator seed', parse.nonNegativeInt, 42)
    .option('--p95 <ms>', 'per-route p95 latency threshold in ms (with faults: outside the fault windows)', parse.positive, 50)
    .option('--p99 <ms>', 'per-route p99 latency threshold in ms (with faults: outside the fault windows)', parse.positive, 100)
    .option('--max-error-rate <r>', 'per-route error rate threshold, 0..1 (with faults: outside the fault windows)', parse.fraction, 0.01)
    .addOption(
      new Option('--no-thresholds', 'judge no latency or error-rate threshold (k6\'s, or outside the fault windows): for runs about what lands, not speed; the summary says so')
        .conflicts(['p95', 'p99', 'maxErrorRate']),
    )
    .option('--route-file <file>', `HTTPRoute with the weights (default ${path.relative(REPO_ROOT, SPLIT_ROUTE_FILE)})`)
    .option('--port <p>', 'ingress port (0: any free port)', parse.port, 0)
    .option('--out <dir>', 'results folder; each run writes <dir>/<run-id>/', path.relative(process.cwd(), path.join(REPO_ROOT, 'results')) || '.'), 'the run');
}
