/**
 * docs/kubernetes.md against a real Kubernetes control plane (kube-apiserver, controller-manager,
 * scheduler, etcd built from their Go modules; kwok's fake nodes; metrics-server), run by
 * `npm run k8s:sim` in a network namespace whose only interface is loopback. This reads its report.
 * Takes about 7 minutes; fails with the build command when the tools are missing, never skips.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { kustomize, REPO_ROOT } from './lib/kustomize.js';
import { simBlocks } from './sim/docs.js';
import type { SimReport } from './sim/scenario.js';
import { BUILD_COMMAND, missingTools } from './sim/tools.js';
import { RECONFIGURED_ON_REAPPLY, type Check } from './sim/verdict.js';

t.setTimeout(30 * 60_000);
const SIM = path.join(REPO_ROOT, 'k8s', 'sim', 'main.ts');
const tsxArgs = ['--import', 'tsx', SIM];

t.test('with the tools missing and no way to build them, the simulation fails and names the command', async (t) => {
  const emptyCache = mkdtempSync(path.join(os.tmpdir(), 'splitbench-empty-cache-'));
  const emptyModules = mkdtempSync(path.join(os.tmpdir(), 'splitbench-empty-gomodcache-'));
  t.teardown(() => rmSync(emptyCache, { recursive: true, force: true }));
  t.teardown(() => rmSync(emptyModules, { recursive: true, force: true }));
  // No cached binaries, no module cache and no module proxy: the build it tries fails at once.
  const env = { ...process.env, SPLITBENCH_CACHE: emptyCache, GOMODCACHE: emptyModules, GOPROXY_SPLITBENCH: 'off' };
  const r = spawnSync(process.execPath, [...tsxArgs, '--skip-hpa'], { cwd: REPO_ROOT, encoding: 'utf8', env, timeout: 120_000 });
  t.match(r.stderr, /building etcd from the Go module proxy/, 'it tried to build the tools');
  t.equal(r.status, 3, 'exit status 3: tools missing and not buildable');
  t.match(r.stderr, BUILD_COMMAND, `says to run ${BUILD_COMMAND}`);
  const told = spawnSync(process.execPath, [...tsxArgs, '--no-build'], { cwd: REPO_ROOT, encoding: 'utf8', env, timeout: 60_000 });
  t.equal(told.status, 3, '--no-build: exit status 3 without building');
  t.notMatch(told.stderr, /building etcd/, 'and no build tried');
});

t.test('docs/kubernetes.md runs verbatim against a real API server', async (t) => {
  const missing = missingTools();
  if (missing !== undefined) return void t.fail(missing);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-sim-report-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const reportFile = path.join(dir, 'report.json');
  const child = spawn(process.execPath, [...tsxArgs, '--report', reportFile], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => void (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => void (output += d.toString()));
  t.teardown(() => void child.kill('SIGTERM'));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  t.comment(output.split('\n').filter((l) => !l.startsWith('[k8s:sim]   t+')).slice(-40).join('\n'));
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as SimReport & { checks: Check[] };
  t.equal(code, 0, `npm run k8s:sim exited 0${report.error ? `: ${report.error}` : ''}`);

  t.ok(report.isolated, 'ran in a private network namespace');
  t.same(report.interfaces, ['lo'], 'whose only interface is loopback: nothing can leave 127.0.0.0/8');
  t.match(report.versions['kube-apiserver'], /v1\.36\.3/, `kube-apiserver ${report.versions['kube-apiserver']}`);
  t.equal(report.versions['sigs.k8s.io/gateway-api'], 'v1.5.1', 'Gateway API CRDs from v1.5.1');

  for (const s of report.scaffolding) t.equal(s.status, 0, `scaffolding: ${s.what}`);
  t.same(report.docSteps.map((s) => s.name), simBlocks().map((b) => b.name), "every sim block of the docs ran, in the docs' order");
  for (const s of report.docSteps) t.equal(s.status, 0, `docs/kubernetes.md:${s.line} sim=${s.name} exited 0 ${s.stderr.slice(-500)}`);
  const warnings = [...report.scaffolding.flatMap((s) => s.warnings), ...report.docSteps.flatMap((s) => s.warnings)];
  t.same(warnings, [], 'the API server sent no warning');

  // Every object of `kubectl apply -k linkerd` was created by the docs' apply step.
  const apply = report.docSteps.find((s) => s.name === 'apply')?.stdout ?? '';
  // "deployment.apps/grpc-client created" -> deployment/grpc-client (the Namespace exists already, from k8s/secrets).
  const accepted = new Set(apply.split('\n').filter((l) => / (created|unchanged|configured)$/.test(l)).map((l) => {
    const [resource = '', name = ''] = (l.split(' ')[0] ?? '').split('/');
    return `${resource.split('.')[0]}/${name}`;
  }));
  for (const o of kustomize(path.join(REPO_ROOT, 'linkerd'))) t.ok(accepted.has(`${o.kind.toLowerCase()}/${o.metadata.name}`), `${o.kind} ${o.metadata.name} accepted`);

  t.equal(report.dryRuns.length, 6, 'two ingresses x three splits');
  for (const d of report.dryRuns) t.ok(d.status === 0 && d.objects > 40 && d.warnings.length === 0, `${d.variant}: server-side dry run of ${d.objects} objects passes ${d.status ? d.output.slice(0, 400) : ''}`);

  const again = report.secondApply?.lines ?? [];
  t.ok(again.length > 40, `the second apply listed ${again.length} objects`);
  for (const l of again.filter((x) => x.action !== 'unchanged')) t.ok(RECONFIGURED_ON_REAPPLY[l.object], `second apply: ${l.object} ${l.action} (must be unchanged unless listed with a reason)`);

  const jobs = report.loadRun?.jobs ?? [];
  t.ok(jobs.length >= 1 && jobs.every((j) => j.complete), `the load Job ran to completion: ${JSON.stringify(jobs)}`);
  t.ok((report.loadRun?.testRuns.length ?? 0) >= 1, `the load TestRun was accepted: ${report.loadRun?.testRuns.join(', ')}`);

  // The load script's verdict half, against the API server: each split judged against its own applied
  // route, and a pod restart during a run failing it.
  const runs = report.clusterRuns ?? [];
  for (const [grpc, redis] of [[50, 50], [90, 10]] as const) {
    const c = runs.find((x) => x.during === undefined && x.applied[0] === grpc && x.applied[1] === redis);
    t.ok(c, `a ${grpc}/${redis} run went through scripts/k8s-loadtest.sh with FOLLOW=1`);
    if (!c) continue;
    t.equal(c.status, 0, `${c.name}: the script exits 0 ${c.stderr.slice(-800)}`);
    t.equal(c.verdict, 'PASS', `${c.name}: PASS`);
    t.same(c.expected, { grpc: grpc / 100, redis: redis / 100 }, `${c.name}: tested against the applied ${grpc}/${redis} route`);
    t.match(c.lines.join('\n'), new RegExp(`route course-split: grpc-client=${grpc} redis-writer=${redis}; runners k6-\\S+ exit 0 \\(pod\\)`), `${c.name}: the route and the runner's exit code from the API server`);
    t.comment(`${c.name}: ${c.lines.join(' | ')}`);
  }
  const restart = runs.find((x) => x.during !== undefined);
  t.equal(restart?.status, 1, `a pod restart during the run: the script exits 1 (${restart?.during ?? 'not run'})`);
  t.equal(restart?.verdict, 'FAIL');
  t.ok(restart?.reasons.some((r) => /^a process crashed: pod grpc-client-\S+, container grpc-client: restarted 1 time during the run/.test(r)), `the restart is the reason: ${restart?.reasons[0] ?? ''}`);

  const hpa = report.hpa;
  t.ok(hpa, 'the autoscaling check ran');
  for (const phase of hpa ? [hpa.up, hpa.down] : []) {
    for (const [name, after] of Object.entries(phase.reachedAfter)) {
      t.ok(after !== null, `${name}: ${phase.target} replicas at ${phase.cpu} per container${after === null ? ` not reached within ${phase.boundSeconds} s` : ` after ${after} s`}`);
    }
  }
  const first = new Map<string, number>();
  for (const s of hpa?.timeline ?? []) if (!first.has(s.hpa)) first.set(s.hpa, s.replicas);
  t.ok([...first.values()].every((r) => r === 1), 'every HPA started from 1 replica');

  t.equal(report.afterSwitch?.gatewayObjects, '', 'switching ingress left no gateway-api object');
  t.ok((report.afterSwitch?.nginxObjects ?? '') !== '', 'and the ingress-nginx objects are there');
  t.match(report.afterCleanUp?.namespacePhase, /^(gone|Terminating)$/, 'clean-up removes the namespace');

  const left = spawnSync('pgrep', ['-f', 'splitbench-sim-'], { encoding: 'utf8' });
  t.equal(left.stdout.trim(), '', 'no process of the simulated cluster is left running');
});
