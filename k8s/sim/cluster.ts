/**
 * A real Kubernetes control plane with fake nodes: kwokctl (runtime "binary") starts etcd,
 * kube-apiserver, kube-controller-manager, kube-scheduler, the kwok controller and metrics-server from
 * the locally built binaries, all bound to 127.0.0.1, in a work folder of its own. `stop()` deletes the
 * cluster (which stops every process kwokctl started) and the folder; call it on every exit path.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { binary, type ModuleDirs } from './tools.js';

export interface Cluster {
  name: string;
  kubeconfig: string;
  workdir: string;
  /** Environment for child processes: KUBECONFIG, and PATH with our kubectl first. */
  env: NodeJS.ProcessEnv;
  stop(): void;
}

export interface RunResult {
  command: string;
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; never throws (the caller decides what a failure means). */
export function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number } = {}): RunResult {
  const r = spawnSync(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    input: options.input,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { command: [command, ...args].join(' '), status: r.status ?? -1, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? `\n${r.error.message}` : '') };
}

/**
 * run() without blocking the event loop: the caller's timers and signal handlers keep running while
 * the command does (the demo measures and follows the controller meanwhile). Never throws either.
 */
export function runAsync(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'], ...(options.signal ? { signal: options.signal, killSignal: 'SIGTERM' as const } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', (err) => void (stderr += `\n${err.message}`));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ command: [command, ...args].join(' '), status: code ?? -1, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A flag for one component, as kwokctl's componentsPatches take it; `override` replaces kwokctl's own value. */
export interface ComponentFlag {
  component: 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok-controller' | 'metrics-server' | 'etcd';
  key: string;
  value: string;
  override?: boolean;
}

export interface ClusterOptions {
  /** Flags beyond those this file always sets (the demo's HPA sync period and metrics resolution). */
  flags?: ComponentFlag[];
  /** kwok's CRDs served by the API server (default: the simulation's four). */
  enableCRDs?: string[];
  /** Prefix of the work folder (under SPLITBENCH_SIM_WORKDIR or the system's temp folder). */
  folderPrefix?: string;
  /** Aborting it while the cluster starts stops kwokctl and whatever it started (a SIGINT or SIGTERM meanwhile). */
  signal?: AbortSignal;
}

/** The simulation's kwok CRDs: see kwokctlConfig. */
const SIM_CRDS = ['ClusterResourceUsage', 'Metric', 'ClusterLogs', 'ClusterPortForward'];

function kwokctlConfig(modules: Pick<ModuleDirs, 'metricsServer'>, options: ClusterOptions): string {
  return stringify({
    kind: 'KwokctlConfiguration',
    apiVersion: 'config.kwok.x-k8s.io/v1alpha1',
    options: {
      runtime: 'binary',
      bindAddress: '127.0.0.1',
      kubeApiserverBinary: binary('kube-apiserver'),
      kubeControllerManagerBinary: binary('kube-controller-manager'),
      kubeSchedulerBinary: binary('kube-scheduler'),
      kubectlBinary: binary('kubectl'),
      etcdBinary: binary('etcd'),
      kwokControllerBinary: binary('kwok'),
      metricsServerBinary: binary('metrics-server'),
      enableMetricsServer: true,
      // kwokctl would fetch these from the internet; the module has them.
      metricsServerManifests: [path.join(modules.metricsServer, 'manifests', 'base')],
      // The simulated CPU (ClusterResourceUsage) and kwok's resource metrics (Metric) come from the
      // API server, so the HPA check can change the load while the cluster runs. The runner pods' logs
      // (ClusterLogs) and the stores' port-forwards (ClusterPortForward) too (cluster-verdict.ts).
      enableCRDs: options.enableCRDs ?? SIM_CRDS,
    },
    componentsPatches: [
      {
        // The network namespace has no default route for the API server to take its address from.
        // (It then logs that the kubernetes Service cannot have a loopback endpoint; nothing here needs one.)
        name: 'kube-apiserver',
        extraArgs: [{ key: 'advertise-address', value: '127.0.0.1' }],
      },
      {
        // kwok's nodes have an InternalIP in a documentation range (nothing answers there); their
        // Hostname is "localhost", so metrics-server only ever talks to 127.0.0.1.
        name: 'metrics-server',
        extraArgs: [{ key: 'kubelet-preferred-address-types', value: 'Hostname', override: true }],
      },
      ...(options.flags ?? []).map((f) => ({ name: f.component, extraArgs: [{ key: f.key, value: f.value, ...(f.override ? { override: true } : {}) }] })),
    ],
  });
}

/**
 * Processes running from this cluster's folder: kwokctl runs each component from a copy of its binary
 * under the work folder, so the path identifies exactly ours. `name` is the binary's file name.
 */
export function clusterProcesses(workdir: string): { pid: number; name: string }[] {
  const ours: { pid: number; name: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.startsWith(`${workdir}/`)) ours.push({ pid: Number(entry), name: path.basename(cmd.split('\0')[0] as string) });
    } catch {
      // gone meanwhile
    }
  }
  return ours;
}

/** SIGKILLs, by pid, every process still running from this cluster's folder (clusterProcesses). */
export function stopLeftovers(workdir: string): number[] {
  const ours = clusterProcesses(workdir).map((p) => p.pid);
  for (const pid of ours) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  return ours;
}

/** A new folder under the one the supervising process made (main.ts), or under the system's temp folder. */
export function simFolder(prefix: string): string {
  const base = process.env.SPLITBENCH_SIM_WORKDIR ?? os.tmpdir();
  return mkdtempSync(path.join(base, prefix));
}

export async function startCluster(modules: Pick<ModuleDirs, 'metricsServer'>, log: (line: string) => void, options: ClusterOptions = {}): Promise<Cluster> {
  const workdir = simFolder(options.folderPrefix ?? 'splitbench-sim-');
  const name = 'splitbench-sim';
  const configFile = path.join(workdir, 'kwokctl.yaml');
  writeFileSync(configFile, kwokctlConfig(modules, options));
  // Without tap's variables: run from a test, the docs' commands must still behave as for a person
  // (k8s/loadtest/render.ts, for one, prints nothing when it believes tap is running it).
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TAP')));
  const env: NodeJS.ProcessEnv = { ...inherited, KWOK_WORKDIR: path.join(workdir, 'kwok'), PATH: `${path.dirname(binary('kubectl'))}:${process.env.PATH ?? ''}` };
  const kwokctl = (...args: string[]): RunResult => run(binary('kwokctl'), ['--name', name, ...args], { env, timeoutMs: 300_000 });
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    const r = kwokctl('delete', 'cluster');
    if (r.status !== 0) log(`kwokctl delete cluster failed: ${r.stderr.trim()}`);
    const left = stopLeftovers(workdir);
    if (left.length > 0) log(`stopped ${left.length} process(es) kwokctl left running: ${left.join(', ')}`);
    rmSync(workdir, { recursive: true, force: true });
  };
  log('starting the control plane (kwokctl create cluster --runtime binary, 127.0.0.1)');
  const created = await runAsync(binary('kwokctl'), ['--name', name, 'create', 'cluster', '--config', configFile, '--wait', '2m'], { env, timeoutMs: 300_000, signal: options.signal });
  if (options.signal?.aborted) {
    stop();
    throw new Error('stopped while the control plane was starting');
  }
  if (created.status !== 0) {
    stop();
    throw new Error(`kwokctl create cluster failed:\n${created.stderr.slice(-4000)}`);
  }
  const kc = kwokctl('get', 'kubeconfig');
  if (kc.status !== 0) {
    stop();
    throw new Error(`kwokctl get kubeconfig failed: ${kc.stderr}`);
  }
  const kubeconfig = path.join(workdir, 'kubeconfig.yaml');
  writeFileSync(kubeconfig, kc.stdout);
  env.KUBECONFIG = kubeconfig;
  return { name, kubeconfig, workdir, env, stop };
}

/** `kubectl` from the built tools against the cluster. */
export function kubectl(cluster: Cluster, args: string[], input?: string, timeoutMs?: number): RunResult {
  return run(binary('kubectl'), args, { env: cluster.env, input, timeoutMs });
}

/** kubectl() without blocking the event loop. */
export function kubectlAsync(cluster: Cluster, args: string[], input?: string, timeoutMs?: number): Promise<RunResult> {
  return runAsync(binary('kubectl'), args, { env: cluster.env, input, timeoutMs });
}

/** `Warning: ...` lines the API server sent back (kubectl prints them on stderr). */
export function warningsOf(r: RunResult): string[] {
  return r.stderr.split('\n').filter((l) => /^Warning: /.test(l));
}
