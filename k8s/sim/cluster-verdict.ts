/**
 * The verdict half of scripts/k8s-loadtest.sh against the real API server: the script runs with
 * FOLLOW=1 and a known run id, waits for its Job, collects the runner pod's log with `kubectl logs`,
 * opens `kubectl port-forward`s to the mongodb and redis Services with the Secret's credentials, and
 * runs k8s/verdict/main.ts, which reads the route, the pods and the runners from the API server.
 *
 * What stands in: kwok serves the fake runner pod's log from a file (ClusterLogs), the output of a real
 * k6 run through the local stack with the run's id and the applied route's weights; kwok forwards the
 * stores' pods' ports to that stack's stores (ClusterPortForward): Redis with the Secret's password set
 * once the load is over, MongoDB behind a proxy that holds the Secret's user (mongo-auth.ts).
 *
 * Cases: the 50/50 route, the 90/10 route (components/split-90-10 applied), each judged against its
 * own applied weights; and a 50/50 run during which a grpc-client pod restarts (its status patched the
 * way a kubelet reports a restart), which must fail.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createClient } from 'redis';
import { stringify } from 'yaml';
import { K6_OFFLINE_ENV } from '../../contract/load-profiles.js';
import type { DemoSummary } from '../../demo/summary.js';
import { SPLIT_ROUTE_FILE, withWeights } from '../../linkerd/split.js';
import { pause } from '../../stack/process.js';
import { startStack, type RunningStack } from '../../stack/stack.js';
import { findBinary, REPO_ROOT } from '../../stack/tools.js';
import { entryFor } from '../lib/variants.js';
import { kubectl, run, type Cluster } from './cluster.js';
import { startAuthProxy, type AuthProxy } from './mongo-auth.js';
import { SIM_NAMESPACE } from './scaffolding.js';

export interface ClusterRun {
  name: string;
  runId: string;
  /** The weights applied in the cluster (grpc-client/redis-writer). */
  applied: [number, number];
  /** What the sim did during the run, if anything. */
  during?: string;
  status: number;
  verdict: string | null;
  expected: Record<string, number> | null;
  observed: Record<string, number> | null;
  reasons: string[];
  /** The verdict's closing lines as the script printed them. */
  lines: string[];
  stderr: string;
}

const CASES = [
  { name: 'split 50/50', applied: [50, 50] as [number, number], split: undefined },
  { name: 'split 90/10', applied: [90, 10] as [number, number], split: 'split-90-10' as const },
  { name: 'split 50/50, a grpc-client pod restarts during the run', applied: [50, 50] as [number, number], split: undefined, restart: 'grpc-client' },
];

function secret(cluster: Cluster, key: string): string {
  const r = kubectl(cluster, ['get', 'secret', '-n', SIM_NAMESPACE, 'splitbench-stores', '-o', `jsonpath={.data.${key}}`]);
  if (r.status !== 0) throw new Error(`the splitbench-stores Secret: ${r.stderr}`);
  return Buffer.from(r.stdout, 'base64').toString('utf8');
}

function apply(cluster: Cluster, what: string, objects: object[]): void {
  const r = kubectl(cluster, ['apply', '--server-side', '--force-conflicts', '-f', '-'], objects.map((o) => stringify(o)).join('---\n'));
  if (r.status !== 0) throw new Error(`${what}: ${r.stderr}`);
}

/** A real local k6 run through the stack, as a runner pod would print it (--log-format raw, SUMMARY_LOG=1). */
async function k6Log(stack: RunningStack, runId: string, pool: string, file: string): Promise<void> {
  const k6 = findBinary('k6');
  if (!k6) throw new Error('k6 is missing: run bash scripts/install-tools.sh');
  // Thresholds ON, as a real runner pod's are (the Job sets none: the script's defaults), so the verdict
  // reads a log like a runner's, with judged thresholds that pass. Latency alone is widened, as in the
  // verdict's integration test: two cores shared with a control plane; the error-rate threshold is the default.
  const env = { ...process.env, ...K6_OFFLINE_ENV, BASE_URL: stack.endpoints.ingress, RUN_ID: runId, DATA: pool, SCENARIO: 'load', RATE: '40', DURATION: '5s', SUMMARY_LOG: '1', P95_MS: '600000', P99_MS: '600000', SUMMARY: `${file}.summary.json` };
  const r = run(k6, ['run', '--log-format', 'raw', path.join(REPO_ROOT, 'loadtest', 'main.ts')], { env, timeoutMs: 120_000 });
  // kwok serves a pod's log from a file in the container runtime's (CRI) format, as a node keeps it.
  const t = new Date().toISOString().replace('Z', '000000Z');
  writeFileSync(file, (r.stdout + r.stderr).split('\n').filter((l, i, all) => l !== '' || i < all.length - 1).map((l) => `${t} stdout F ${l}\n`).join(''));
  if (!/^splitbench\.k6-summary /m.test(r.stdout + r.stderr)) throw new Error(`the local k6 run ${runId} printed no summary line (exit ${r.status}): ${r.stderr.slice(-1000)}`);
}

/** The script, with FOLLOW=1; `during` runs once its Job exists (before the verdict reads the pods). */
function runScript(cluster: Cluster, repo: string, runId: string, during?: () => void): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['scripts/k8s-loadtest.sh'], { cwd: repo, env: { ...cluster.env, RUN_ID: runId, FOLLOW: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    let done = false;
    const timer = setTimeout(() => child.kill('SIGTERM'), 600_000);
    child.on('exit', (code) => {
      done = true;
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout, stderr });
    });
    if (during) {
      void (async () => {
        while (!done) {
          if (kubectl(cluster, ['get', 'job', '-n', SIM_NAMESPACE, `k6-${runId}`, '-o', 'name']).status === 0) return during();
          await pause(100);
        }
      })();
    }
  });
}

/** Reports one restart of `app`'s first pod the way a kubelet would: restartCount + 1, the last state terminated. */
function restartPod(cluster: Cluster, app: string): string {
  const r = kubectl(cluster, ['get', 'pods', '-n', SIM_NAMESPACE, '-l', `app=${app}`, '-o', 'json']);
  const pod = (JSON.parse(r.stdout) as { items: { metadata: { name: string }; status: { containerStatuses: Record<string, unknown>[] } }[] }).items[0];
  if (!pod) throw new Error(`no ${app} pod to restart`);
  const statuses = pod.status.containerStatuses.map((c, i) => (i === 0 ? { ...c, restartCount: Number(c.restartCount ?? 0) + 1, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: new Date().toISOString(), finishedAt: new Date().toISOString() } } } : c));
  const p = kubectl(cluster, ['patch', 'pod', pod.metadata.name, '-n', SIM_NAMESPACE, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { containerStatuses: statuses } })]);
  if (p.status !== 0) throw new Error(`patching ${pod.metadata.name}'s status: ${p.stderr}`);
  return `pod ${pod.metadata.name} reported 1 restart (OOMKilled)`;
}

export async function judgeRunsInCluster(cluster: Cluster, repo: string, workdir: string, log: (l: string) => void): Promise<ClusterRun[]> {
  const out: ClusterRun[] = [];
  const mongoUser = secret(cluster, 'MONGO_USERNAME');
  const mongoPassword = secret(cluster, 'MONGO_PASSWORD');
  const redisPassword = secret(cluster, 'REDIS_PASSWORD');
  const entry = path.join(repo, 'linkerd', 'kustomization.yaml');
  const original = readFileSync(entry, 'utf8');
  const pool = path.join(repo, 'data', 'pool.json');
  let stack: RunningStack | undefined;
  let proxy: AuthProxy | undefined;
  let stackWeights = '';
  try {
    for (const [i, c] of CASES.entries()) {
      const runId = `sim-${i + 1}-${c.applied.join('-')}`;
      const dir = path.join(workdir, runId);
      mkdirSync(dir, { recursive: true });
      log(`cluster verdict ${i + 1}/${CASES.length}: ${c.name} (run ${runId})`);
      // The route the cluster applies: the docs' entry point with the split component's line flipped.
      writeFileSync(entry, entryFor(c.split ? { ingress: 'gateway-api', split: c.split } : { ingress: 'gateway-api' }, original).text);
      const applied = run('kubectl', ['apply', '-k', 'linkerd'], { env: cluster.env, cwd: repo });
      if (applied.status !== 0) throw new Error(`kubectl apply -k linkerd (${c.name}): ${applied.stderr}`);
      // The local stack splits by the same weights, so the runner's log is what that route would give.
      if (stackWeights !== c.applied.join('/')) {
        await proxy?.stop();
        await stack?.stop();
        const routeFile = path.join(dir, 'httproute.yaml');
        writeFileSync(routeFile, withWeights(readFileSync(SPLIT_ROUTE_FILE, 'utf8'), { 'grpc-client': c.applied[0], 'redis-writer': c.applied[1] }));
        stack = await startStack({ port: 0, dir: path.join(dir, 'stack'), routeFile });
        proxy = await startAuthProxy(new URL(stack.endpoints.mongoUrl).host, mongoUser, mongoPassword);
        stackWeights = c.applied.join('/');
      }
      const redisUrl = new URL(stack!.endpoints.redisUrl);
      const setRedisPassword = async (pw: string, current?: string): Promise<void> => {
        const r = createClient({ url: `redis://127.0.0.1:${redisUrl.port}`, ...(current ? { password: current } : {}) });
        await r.connect();
        await r.sendCommand(['CONFIG', 'SET', 'requirepass', pw]);
        await r.close();
      };
      const logFile = path.join(dir, 'runner.log');
      await k6Log(stack!, runId, pool, logFile);
      // The services are done writing; the cluster's Redis asks for the Secret's password from here on.
      await setRedisPassword(redisPassword);
      apply(cluster, 'kwok ClusterLogs and ClusterPortForward', [
        { apiVersion: 'kwok.x-k8s.io/v1alpha1', kind: 'ClusterLogs', metadata: { name: 'splitbench-runner-logs' }, spec: { selector: { matchNamespaces: [SIM_NAMESPACE] }, logs: [{ containers: ['k6'], logsFile: logFile, follow: false }] } },
        {
          apiVersion: 'kwok.x-k8s.io/v1alpha1',
          kind: 'ClusterPortForward',
          metadata: { name: 'splitbench-stores' },
          spec: {
            selector: { matchNamespaces: [SIM_NAMESPACE] },
            forwards: [
              { ports: [27017], target: { address: '127.0.0.1', port: proxy!.port } },
              { ports: [6379], target: { address: '127.0.0.1', port: Number(redisUrl.port) } },
            ],
          },
        },
      ]);
      let during: string | undefined;
      const r = await runScript(cluster, repo, runId, c.restart ? () => void (during = restartPod(cluster, c.restart)) : undefined);
      let summary: DemoSummary | undefined;
      try {
        summary = JSON.parse(readFileSync(path.join(repo, 'results', runId, 'summary.json'), 'utf8')) as DemoSummary;
      } catch {
        summary = undefined;
      }
      const lines = r.stdout.split('\n').filter((l) => /^(verdict|split|cluster|reconciled)\s/.test(l.trim()));
      out.push({
        name: c.name,
        runId,
        applied: c.applied,
        ...(during ? { during } : {}),
        status: r.status,
        verdict: summary?.verdict ?? null,
        expected: summary?.split ? { ...summary.split.expected } : null,
        observed: summary?.split ? { grpc: summary.split.observed.grpc.count, redis: summary.split.observed.redis.count } : null,
        reasons: summary?.reasons ?? [],
        lines,
        stderr: r.stderr.slice(-3000),
      });
      log(`  exit ${r.status}, ${summary?.verdict ?? 'no summary.json'}: ${lines.join(' | ')}`);
      await setRedisPassword('', redisPassword);
    }
  } finally {
    writeFileSync(entry, original);
    const back = run('kubectl', ['apply', '-k', 'linkerd'], { env: cluster.env, cwd: repo });
    if (back.status !== 0) log(`re-applying the docs' entry point failed: ${back.stderr}`);
    await proxy?.stop();
    await stack?.stop();
  }
  return out;
}
