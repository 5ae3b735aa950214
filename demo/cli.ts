/** The demo's command line (`npm run demo -- --help`), parsed and checked into DemoOptions. */
import path from 'node:path';
import { Command, parse } from '../cli/options.js';
import { PROFILE_ALIASES, PROFILE_NAMES } from '../contract/load-profiles.js';
import { SPLIT_ROUTE_FILE } from '../linkerd/split.js';
import { REPO_ROOT } from '../stack/tools.js';

export interface DemoOptions {
  duration: string;
  rate: number;
  scenario: string;
  warmup: number;
  pool: number;
  seed: number;
  p95: number;
  p99: number;
  /** Default linkerd/route/httproute.yaml. */
  routeFile?: string;
  port: number;
  out: string;
}

export function demoProgram(): Command {
  return new Command('demo')
    .description(
      'Runs the local benchmark end to end: data pool -> local stack -> k6 through the split -> reconcile\n' +
        '-> split test -> results/<run-id>/summary.json, report.html, logs. Exit 0 only on PASS.',
    )
    .option('--duration <d>', 'k6 duration, e.g. 30s, 2m', parse.duration, '30s')
    .option('--rate <n>', 'requests per second offered', parse.positive, 150)
    .option('--scenario <s>', `load profile: ${PROFILE_NAMES.join(' | ')}`, parse.oneOf([...PROFILE_NAMES, ...Object.keys(PROFILE_ALIASES)]), 'load')
    .option('--warmup <n>', 'requests sent before the measured run, under their own run id', parse.nonNegativeInt, 300)
    .option('--pool <n>', 'records in the data pool', parse.positiveInt, 20000)
    .option('--seed <n>', 'generator seed', parse.nonNegativeInt, 42)
    .option('--p95 <ms>', 'per-route p95 latency threshold in ms', parse.positive, 50)
    .option('--p99 <ms>', 'per-route p99 latency threshold in ms', parse.positive, 100)
    .option('--route-file <file>', `HTTPRoute with the weights (default ${path.relative(REPO_ROOT, SPLIT_ROUTE_FILE)})`)
    .option('--port <p>', 'ingress port (0: any free port)', parse.port, 0)
    .option('--out <dir>', 'results folder; each run writes <dir>/<run-id>/', path.relative(process.cwd(), path.join(REPO_ROOT, 'results')) || '.');
}
