// The cluster verdict on real parts: the local stack stands in for the cluster's services and stores,
// and two real k6 processes run one test split by execution segments, as k6-operator's runners do
// (parallelism 2). Their logs, ack lines and summary lines together, go to k8s/verdict/main.ts, with
// the API server's answers (route, pods, runner pods) given as files (--cluster-from).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { K6_OFFLINE_ENV } from '../../contract/load-profiles.js';
import type { DemoSummary } from '../../demo/summary.js';
import { startStack } from '../../stack/stack.js';
import { findBinary, REPO_ROOT } from '../../stack/tools.js';
import { runCommand } from '../../test/run-cli.js';
import { clusterState, writeClusterDir } from './fixtures.js';

/** A runner's log is what the verdict reads, written as the pod's log would be. */
async function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, logFile?: string): Promise<{ code: number | null; out: string }> {
  const r = await runCommand(cmd, args, env);
  if (logFile) writeFileSync(logFile, r.output);
  return { code: r.code, out: r.output };
}

t.test('two runners by execution segments: one verdict, counts that add up, PASS', async (t) => {
  const k6 = findBinary('k6');
  if (!k6) return t.fail('k6 is missing: run bash scripts/install-tools.sh (npm test does)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-verdict-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const stack = await startStack({ port: 0, dir: path.join(dir, 'stack') });
  t.teardown(() => stack.stop());
  const pool = path.join(dir, 'pool.json');
  writeFileSync(pool, JSON.stringify([{ curso: 'SO1', facultad: 'Ingenieria', carrera: 'Sistemas', region: 'NORTE', nota: 80 }, { curso: 'BD1', facultad: 'Ingenieria', carrera: 'Civil', region: 'PETEN' }]));
  const runId = `verdict-${process.pid}`;
  // Thresholds ON, as a cluster runner's are (its Job sets none, so the script's defaults): the verdict
  // merges each runner's judged thresholds, and this test wants both to pass. Only latency is widened
  // (P95_MS/P99_MS), because two shared cores are not what it tests; the error-rate threshold is the default.
  const env = { ...process.env, ...K6_OFFLINE_ENV, BASE_URL: stack.endpoints.ingress, RUN_ID: runId, DATA: pool, SCENARIO: 'load', RATE: '40', DURATION: '5s', SUMMARY_LOG: '1', P95_MS: '600000', P99_MS: '600000', SUMMARY: path.join(dir, 'unused.json') };
  const segments = ['0:1/2', '1/2:1'];
  const logs = segments.map((_, i) => path.join(dir, `runner-${i + 1}.log`));
  const runners = await Promise.all(
    segments.map((seg, i) => run(k6, ['run', '--log-format', 'raw', '--execution-segment', seg, '--execution-segment-sequence', '0,1/2,1', path.join(REPO_ROOT, 'loadtest', 'main.ts')], env, logs[i])),
  );
  t.same(runners.map((r) => r.code), [0, 0], 'both runners pass their own thresholds');

  const out = path.join(dir, 'verdict');
  const verdict = (outDir: string, cluster: Parameters<typeof clusterState>[0], files = logs): Promise<{ code: number | null; out: string }> =>
    run(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'k8s', 'verdict', 'main.ts'), '--run-id', runId, '--out', outDir, '--runner-selector', 'k6_cr=k6-x,runner=true',
      '--cluster-from', writeClusterDir(path.join(outDir + '-cluster'), clusterState({ runners: { 'runner-1': 0, 'runner-2': 0 }, ...cluster })),
      '--mongo-url', stack.endpoints.mongoUrl, '--mongo-db', stack.endpoints.mongoDb, '--redis-url', stack.endpoints.redisUrl, ...files], process.env);
  const v = await verdict(out, {});
  t.equal(v.code, 0, `exit 0 on PASS\n${v.out.slice(-3000)}`);
  const s = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as DemoSummary;
  t.equal(s.verdict, 'PASS');
  t.same(s.k6?.thresholdsFailed, [], 'the runners judged thresholds (merged, not null) and none failed');
  const acked = (log: string): number => (readFileSync(log, 'utf8').match(/^splitbench\.ack /gm) ?? []).length;
  const perRunner = logs.map(acked);
  t.ok(perRunner.every((n) => n > 0), `each runner acknowledged writes: ${perRunner.join(' + ')}`);
  t.equal(s.routes.grpc.acknowledged + s.routes.redis.acknowledged, perRunner[0]! + perRunner[1]!, 'the verdict counts both runners');
  t.same(s.reconciliation, { lost: 0, duplicated: 0, unacknowledged: 0 });
  t.equal(s.split?.n, s.k6?.requests, "the split is tested on both runners' requests");
  t.equal(s.environment.settings.runners, 2);
  t.same((s.environment.settings.runnerExits as { exitCode: number; from: string }[]).map((e) => [e.exitCode, e.from]), [[0, 'pod'], [0, 'pod']], "each runner's exit code, from its pod");
  t.equal((s.environment as unknown as { server: string }).server, 'v1.36.3', "the environment is the cluster's");

  // The weights are the cluster's route: the same 50/50 traffic judged against an applied 90/10 fails.
  const ninety = await verdict(path.join(dir, 'v-90-10'), { weights: [90, 10] });
  t.equal(ninety.code, 1, '50/50 traffic against the applied 90/10 route: FAIL');
  t.match(ninety.out, /split.*OUTSIDE the weights/i);
  // A restart of a system pod during the run is a crash; a runner's own failure is counted.
  const restarted = await verdict(path.join(dir, 'v-restart'), { restartsAfter: { 'redis-writer': 1 } });
  t.equal(restarted.code, 1, 'a pod restart during the run: FAIL');
  t.match(restarted.out, /pod redis-writer-0, container redis-writer: restarted 1 time during the run/);
  const failedRunner = await verdict(path.join(dir, 'v-exit'), { runners: { 'runner-1': 0, 'runner-2': 107 } });
  t.equal(failedRunner.code, 1, "a runner's exit code 107: FAIL");
  t.match(failedRunner.out, /k6 exited 107/);

  // A runner that did not finish (no summary line) makes the verdict refuse, not guess.
  writeFileSync(logs[1]!, readFileSync(logs[1]!, 'utf8').replace(/^splitbench\.k6-summary .*$/m, ''));
  const cut = await verdict(out, {});
  t.equal(cut.code, 2);
  t.match(cut.out, /runner-2\.log holds 0 summary lines, not 1: did that runner finish\?/);
});
