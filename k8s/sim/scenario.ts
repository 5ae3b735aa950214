/**
 * The whole simulated run: start the cluster, put in place what installers would (scaffolding.ts),
 * then run docs/kubernetes.md's `sh sim=` blocks verbatim in order, with the checks that belong after
 * each (checks.ts, hpa.ts). Returns the report as data; main.ts prints it.
 */
import { run, simFolder, startCluster, warningsOf, type Cluster } from './cluster.js';
import { judgeRunsInCluster, type ClusterRun } from './cluster-verdict.js';
import { checkLoadRun, dryRunVariants, scratchRepo, secondApply, type ApplyLine, type DryRun, type LoadRun } from './checks.js';
import { simBlocks } from './docs.js';
import { checkAutoscaling, type HpaReport } from './hpa.js';
import { installScaffolding, SIM_NAMESPACE, type Step } from './scaffolding.js';
import { toolVersions, type ModuleDirs } from './tools.js';

export interface DocStep { name: string; line: number; status: number; stdout: string; stderr: string; warnings: string[] }

export interface SimReport {
  ok: boolean;
  error?: string;
  versions: Record<string, string>;
  isolated: boolean;
  interfaces: string[];
  scaffolding: { what: string; status: number; warnings: string[] }[];
  docSteps: DocStep[];
  dryRuns: DryRun[];
  secondApply?: { lines: ApplyLine[]; warnings: string[]; status: number };
  loadRun?: LoadRun;
  /** scripts/k8s-loadtest.sh with FOLLOW=1, its verdict half against the API server (cluster-verdict.ts). */
  clusterRuns?: ClusterRun[];
  hpa?: HpaReport;
  afterSwitch?: { gatewayObjects: string; nginxObjects: string };
  afterCleanUp?: { namespacePhase: string };
  seconds: Record<string, number>;
}

export interface ScenarioOptions {
  modules: ModuleDirs & { versions: Record<string, string> };
  isolated: boolean;
  skipHpa: boolean;
  log: (line: string) => void;
  /** Registers the cluster's stop function, so a signal handler can stop it mid-run. */
  onCluster: (stop: () => void) => void;
}

export async function runScenario(opts: ScenarioOptions): Promise<SimReport> {
  const { log } = opts;
  const t0 = Date.now();
  const seconds: Record<string, number> = {};
  const mark = (what: string): void => void (seconds[what] = Math.round((Date.now() - t0) / 1000));
  const interfaces = run('ip', ['-brief', 'address']).stdout.split('\n').filter(Boolean).map((l) => l.split(/\s+/)[0] as string);
  const report: SimReport = {
    ok: false,
    versions: { ...toolVersions(), ...opts.modules.versions },
    isolated: opts.isolated,
    interfaces,
    scaffolding: [],
    docSteps: [],
    dryRuns: [],
    seconds,
  };
  const repo = scratchRepo();
  let cluster: Cluster | undefined;
  try {
    cluster = await startCluster(opts.modules, log);
    opts.onCluster(cluster.stop);
    mark('cluster up');
    const steps: Step[] = installScaffolding(cluster, opts.modules, log);
    report.scaffolding = steps.map((s) => ({ what: s.what, status: s.result.status, warnings: s.warnings }));
    mark('scaffolding');
    const env = { ...cluster.env, FOLLOW: '0' };
    for (const block of simBlocks()) {
      if (block.name === 'switch-ingress' && !opts.skipHpa) {
        report.hpa = await checkAutoscaling(cluster, steps, log);
        mark('autoscaling');
      }
      log(`docs/kubernetes.md:${block.line} sim=${block.name}`);
      const r = run('bash', ['-euo', 'pipefail', '-c', block.script], { env, cwd: repo.root, timeoutMs: 600_000 });
      report.docSteps.push({ name: block.name, line: block.line, status: r.status, stdout: r.stdout, stderr: r.stderr, warnings: warningsOf(r) });
      mark(`docs ${block.name}`);
      if (r.status !== 0) throw new Error(`docs/kubernetes.md:${block.line} (sim=${block.name}) exited ${r.status}:\n${r.stderr.slice(-3000)}`);
      if (block.name === 'apply') {
        log('every ingress x split variant: server-side dry run');
        report.dryRuns = dryRunVariants(cluster, repo.root);
        log('a second kubectl apply -k linkerd');
        report.secondApply = secondApply(cluster, repo.root);
        mark('dry runs and second apply');
      }
      if (block.name === 'load') {
        report.loadRun = checkLoadRun(cluster);
        report.clusterRuns = await judgeRunsInCluster(cluster, repo.root, simFolder('cluster-runs-'), log);
        mark('cluster verdicts');
      }
      if (block.name === 'switch-ingress') {
        const get = (sel: string): string => run('kubectl', ['get', 'gateway,httproute,ingress,networkpolicy', '-n', SIM_NAMESPACE, '-l', sel, '-o', 'name'], { env }).stdout.trim();
        report.afterSwitch = { gatewayObjects: get('splitbench.io/ingress=gateway-api'), nginxObjects: get('splitbench.io/ingress=ingress-nginx') };
      }
      if (block.name === 'clean-up') {
        const ns = run('kubectl', ['get', 'namespace', SIM_NAMESPACE, '-o', 'jsonpath={.status.phase}'], { env });
        report.afterCleanUp = { namespacePhase: ns.status === 0 ? ns.stdout : 'gone' };
      }
    }
    report.ok = true;
  } catch (err) {
    report.error = (err as Error).message;
  } finally {
    log('stopping the cluster');
    cluster?.stop();
    repo.remove();
    mark('stopped');
  }
  return report;
}
