/**
 * `npm run k8s:sim`: docs/kubernetes.md run against a real Kubernetes control plane with fake nodes.
 * Builds nothing itself (scripts/install-k8s-tools.sh does, once per machine), finds the pinned CRD
 * modules, then re-runs itself in a private network namespace whose only interface is loopback, so
 * nothing it starts can send outside 127.0.0.0/8.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runScenario, type SimReport } from './scenario.js';
import { MissingToolsError, requireTools, resolveModules, SIM_BIN, type ModuleDirs } from './tools.js';
import { evaluate, summary } from './verdict.js';

const HELP = `usage: npm run k8s:sim -- [--report FILE] [--json] [--skip-hpa] [--no-isolate]

Starts a real kube-apiserver, kube-controller-manager, kube-scheduler, etcd, kwok (fake nodes and
pods) and metrics-server on 127.0.0.1, installs the CRDs (Gateway API and Envoy Gateway from their Go
modules, k6-operator's TestRun from k8s/sim/crds), runs every \`sh sim=\` block of docs/kubernetes.md
verbatim, then checks: every ingress x split variant passes a server-side dry run, a second apply
changes nothing, the load Job completes, each HPA scales 1 -> 3 -> 1 on simulated CPU. Stops
everything it started on exit, SIGINT or SIGTERM. Takes about 6 minutes (--skip-hpa: about 2).

  --report FILE   write the full report (every command's output, the HPA timeline) as JSON
  --json          print the report as JSON on stdout instead of the summary
  --skip-hpa      leave out the autoscaling check (the slow part)
  --no-isolate    do not enter a private network namespace (needs no root; still binds 127.0.0.1)

Needs the tools built once: bash scripts/install-k8s-tools.sh (about 18 minutes cold on 2 cores).
Exit status: 0 when every check passed, 1 when one failed, 2 on bad usage, 3 when tools are missing.`;

const log = (line: string): void => void process.stderr.write(`[k8s:sim] ${line}\n`);

type Modules = ModuleDirs & { versions: Record<string, string> };

/** Runs this file again under `unshare --net` with loopback up; resolves with its exit code. */
function isolated(argv: string[], modules: Modules): Promise<number> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn('unshare', ['--net', '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, ...process.execArgv, self, '--isolated-child', ...argv], {
    stdio: 'inherit',
    env: { ...process.env, SPLITBENCH_SIM_MODULES: JSON.stringify(modules) },
  });
  const forward = (sig: NodeJS.Signals): void => void child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => {
    child.on('error', (err) => {
      log(`cannot enter a private network namespace (${err.message}); run as root, or pass --no-isolate`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 143)));
  });
}

async function simulate(values: { report?: string; json?: boolean; 'skip-hpa'?: boolean }, modules: Modules, isolatedRun: boolean): Promise<number> {
  process.env.PATH = `${SIM_BIN}:${process.env.PATH ?? ''}`;
  let stopCluster: (() => void) | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    log(`${sig}: stopping the cluster`);
    stopCluster?.();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const report: SimReport = await runScenario({
    modules,
    isolated: isolatedRun,
    skipHpa: values['skip-hpa'] === true,
    log,
    onCluster: (stop) => void (stopCluster = stop),
  });
  const checks = evaluate(report);
  if (values.report !== undefined) writeFileSync(values.report, `${JSON.stringify({ ...report, checks }, null, 2)}\n`);
  process.stdout.write(values.json ? `${JSON.stringify({ ...report, checks }, null, 2)}\n` : `${summary(report, checks)}\n`);
  return checks.every((c) => c.ok) ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        help: { type: 'boolean', short: 'h' },
        report: { type: 'string' },
        json: { type: 'boolean' },
        'skip-hpa': { type: 'boolean' },
        'no-isolate': { type: 'boolean' },
        'isolated-child': { type: 'boolean' },
      },
      strict: true,
    });
  } catch (err) {
    process.stderr.write(`k8s:sim: ${(err as Error).message}\n\n${HELP}\n`);
    return 2;
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (values['isolated-child']) return simulate(values, JSON.parse(process.env.SPLITBENCH_SIM_MODULES ?? '{}') as Modules, true);
  try {
    requireTools();
  } catch (err) {
    if (err instanceof MissingToolsError) {
      process.stderr.write(`k8s:sim: ${err.message}\n`);
      return 3;
    }
    throw err;
  }
  log('finding the pinned CRD modules (go mod download)');
  const modules = resolveModules();
  const rest = argv.filter((a) => a !== '--no-isolate');
  return values['no-isolate'] ? simulate(values, modules, false) : isolated(rest, modules);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`k8s:sim: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
