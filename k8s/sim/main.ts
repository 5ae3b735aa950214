/**
 * `npm run k8s:sim`: docs/kubernetes.md run against a real Kubernetes control plane with fake nodes.
 * Builds the tools when missing (scripts/install-k8s-tools.sh, once per machine), finds the pinned CRD
 * modules, then re-runs itself in a private network namespace whose only interface is loopback, so
 * nothing it starts can send outside 127.0.0.0/8.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stopLeftovers } from './cluster.js';
import { runScenario, type SimReport } from './scenario.js';
import { ensureTools, MissingToolsError, requireTools, resolveModules, SIM_BIN, type ModuleDirs } from './tools.js';
import { evaluate, summary } from './verdict.js';

const HELP = `usage: npm run k8s:sim -- [--report FILE] [--json] [--skip-hpa] [--no-isolate] [--no-build]

Starts a real kube-apiserver, kube-controller-manager, kube-scheduler, etcd, kwok (fake nodes and
pods) and metrics-server on 127.0.0.1, installs the CRDs (Gateway API and Envoy Gateway from their Go
modules, k6-operator's TestRun from k8s/sim/crds), runs every \`sh sim=\` block of docs/kubernetes.md
verbatim, then checks: every ingress x split variant passes a server-side dry run, a second apply
changes nothing, the load Job completes, the load script's verdict (FOLLOW=1) passes a 50/50 and a
90/10 run against their applied routes and fails one with a pod restart, each HPA scales 1 -> 3 -> 1
on simulated CPU. Stops everything it started on exit, SIGINT or SIGTERM. Takes about 7 minutes
(--skip-hpa: about 3).

  --report FILE   write the full report (every command's output, the HPA timeline) as JSON
  --json          print the report as JSON on stdout instead of the summary
  --skip-hpa      leave out the autoscaling check (the slow part)
  --no-isolate    do not enter a private network namespace (needs no root; still binds 127.0.0.1)
  --no-build      when the tools are missing, say so and stop instead of building them

Builds the tools once per machine when missing (bash scripts/install-k8s-tools.sh: about 18 minutes
cold on 2 cores, cached in ~/.cache/splitbench). Exit status: 0 when every check passed, 1 when one
failed, 2 on bad usage, 3 when the tools are missing and cannot be built.`;

const log = (line: string): void => void process.stderr.write(`[k8s:sim] ${line}\n`);
/** How long the child gets to stop its cluster after a signal before it is killed and cleaned up from here. */
const STOP_GRACE_MS = 15_000;

type Modules = ModuleDirs & { versions: Record<string, string> };

/**
 * Runs this file again as the child that does the work (under `unshare --net` with loopback up, unless
 * `isolate` is false) and supervises it: the child's cluster and scratch copy live in a folder made
 * here, so whatever happens to the child (a signal arriving while it waits on a command, a crash),
 * this process stops every process still running from that folder, by pid, and removes it.
 */
function supervise(argv: string[], modules: Modules, isolate: boolean): Promise<number> {
  const self = fileURLToPath(import.meta.url);
  const workdir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-sim-'));
  const node = [process.execPath, ...process.execArgv, self, '--isolated-child', ...argv];
  const [command, ...args] = isolate ? ['unshare', '--net', '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...node] : node;
  const child = spawn(command as string, args, {
    stdio: 'inherit',
    env: { ...process.env, SPLITBENCH_SIM_MODULES: JSON.stringify(modules), SPLITBENCH_SIM_WORKDIR: workdir, SPLITBENCH_SIM_ISOLATED: isolate ? '1' : '0' },
  });
  let signalled: NodeJS.Signals | undefined;
  const forward = (sig: NodeJS.Signals): void => {
    signalled = sig;
    log(`${sig}: stopping (at most ${STOP_GRACE_MS / 1000} s)`);
    child.kill(sig);
    setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS).unref();
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const cleanUp = (): void => {
    const left = stopLeftovers(workdir);
    if (left.length > 0) log(`stopped ${left.length} process(es) still running from ${workdir}`);
    rmSync(workdir, { recursive: true, force: true });
  };
  return new Promise((resolve) => {
    child.on('error', (err) => {
      cleanUp();
      log(`cannot start the simulation (${err.message})${isolate ? '; a private network namespace needs root: pass --no-isolate' : ''}`);
      resolve(1);
    });
    child.on('exit', (code) => {
      cleanUp();
      resolve(signalled === undefined ? (code ?? 1) : signalled === 'SIGINT' ? 130 : 143);
    });
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
        'no-build': { type: 'boolean' },
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
  if (values['isolated-child']) return simulate(values, JSON.parse(process.env.SPLITBENCH_SIM_MODULES ?? '{}') as Modules, process.env.SPLITBENCH_SIM_ISOLATED === '1');
  try {
    if (values['no-build']) requireTools();
    else await ensureTools(log);
  } catch (err) {
    if (!(err instanceof MissingToolsError)) throw err;
    process.stderr.write(`k8s:sim: ${err.message}\n`);
    return 3;
  }
  log('finding the pinned CRD modules (go mod download)');
  const modules = resolveModules();
  const rest = argv.filter((a) => a !== '--no-isolate' && a !== '--no-build');
  return supervise(rest, modules, values['no-isolate'] !== true);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`k8s:sim: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
