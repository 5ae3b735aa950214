/**
 * The in-cluster load's manifests, offline: the ConfigMap generators read loadtest/, contract/ and
 * data/; every file loadtest/main.ts reaches is mounted where its relative path points; the Job and
 * the TestRun are outside the mesh, pinned to k6 v2, log raw, and carry the labels the policies use.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { isProfileName } from '../contract/load-profiles.js';
import { configMapKeys, contractFiles, dataFiles, generator, job, K6_IMAGE, NAMESPACE, operator, scriptFiles } from './lib/loadtest-builds.js';
import { find, one, REPO_ROOT, type K8sObject } from './lib/kustomize.js';
import { validateObject } from './lib/schemas.js';
import { onlyContainer, podTemplate, quantity, type Container } from './lib/workloads.js';

t.test('the generators read the scripts from loadtest/, the contract from contract/, the pool from data/', async (t) => {
  const rel = (files: string[]): string[] => files.map((f) => path.relative('../../..', f));
  t.ok(rel(scriptFiles).every((f) => f.startsWith('loadtest/')), 'k6-scripts: loadtest/ only');
  t.ok(rel(contractFiles).every((f) => f.startsWith('contract/')), 'k6-contract: contract/ only');
  t.same(rel(dataFiles), ['data/pool.json'], 'k6-data (made by npm run gen)');
});

/** Repository-relative files reachable from loadtest/main.ts through relative imports, plus the default data file. */
function scriptClosure(): string[] {
  const seen = new Set<string>();
  const queue = ['loadtest/main.ts'];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
      queue.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1] as string)));
    }
  }
  const data = /E\.DATA,\s*'([^']+)'/.exec(readFileSync(path.join(REPO_ROOT, 'loadtest', 'settings.ts'), 'utf8'))?.[1];
  if (data !== undefined) seen.add(path.posix.normalize(path.posix.join('loadtest', data)));
  return [...seen].sort();
}

t.test('every file loadtest/main.ts reaches is in a ConfigMap mounted where its relative path points', async (t) => {
  const closure = scriptClosure();
  t.ok(closure.includes('loadtest/profiles.ts') && closure.includes('data/pool.json'), `the walk found the imports and the data file: ${closure.join(', ')}`);
  const listed = new Map<string, string>();
  for (const g of generator.configMapGenerator) for (const f of g.files) listed.set(path.relative('../../..', f), g.name);
  const jobTpl = podTemplate(one(job, 'Job', 'k6'));
  const jobMounts = onlyContainer(one(job, 'Job', 'k6')).volumeMounts ?? [];
  const runner = (one(operator, 'TestRun', 'k6').spec as { runner: { volumes: { name: string; configMap?: { name: string } }[]; volumeMounts: { name: string; mountPath: string }[] } }).runner;
  for (const file of closure) {
    const generatorName = listed.get(file);
    t.ok(generatorName, `${file} is listed in k8s/loadtest/scripts/kustomization.yaml`);
    const dir = path.posix.dirname(file);
    // Job: the repository root is /scripts. TestRun: loadtest/ is the operator's /test, so the root is /.
    const jobMount = jobMounts.find((m) => m.mountPath === `/scripts/${dir}`);
    const jobCm = jobTpl.spec.volumes?.find((v) => v.name === jobMount?.name)?.configMap?.name ?? '';
    t.ok(generatorName !== undefined && jobCm.startsWith(`${generatorName}-`), `Job: /scripts/${file} comes from ${generatorName}`);
    if (dir === 'loadtest') continue;
    const runnerMount = runner.volumeMounts.find((m) => m.mountPath === `/${dir}`);
    const runnerCm = runner.volumes.find((v) => v.name === runnerMount?.name)?.configMap?.name ?? '';
    t.ok(generatorName !== undefined && runnerCm.startsWith(`${generatorName}-`), `TestRun: /${file} comes from ${generatorName}`);
  }
  const onDisk = readdirSync(path.join(REPO_ROOT, 'loadtest')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts')).sort();
  t.same(scriptFiles.map((f) => path.basename(f)).sort(), onDisk, 'k6-scripts holds every loadtest/*.ts module');
});

t.test('both builds validate and share the same ConfigMaps', async (t) => {
  for (const o of [...job, ...operator]) {
    t.doesNotThrow(() => validateObject(o), `${o.kind} ${o.metadata.name}`);
    t.equal(o.metadata.namespace, NAMESPACE, `${o.kind} ${o.metadata.name} in ${NAMESPACE}`);
  }
  t.same(find(job, 'ConfigMap').map((c) => c.metadata.name).sort(), find(operator, 'ConfigMap').map((c) => c.metadata.name).sort());
  t.same(configMapKeys(job, find(job, 'ConfigMap').find((c) => c.metadata.name.startsWith('k6-scripts-'))?.metadata.name ?? ''), scriptFiles.map((f) => path.basename(f)).sort());
});

t.test('the Job: outside the mesh, pinned k6 v2, scripts and pool mounted where relative paths find them', async (t) => {
  const j = one(job, 'Job', 'k6');
  const spec = j.spec as { backoffLimit: number; template: unknown };
  t.equal(spec.backoffLimit, 0, 'never retried: a retry would send the writes twice');
  const tpl = podTemplate(j);
  t.equal(tpl.metadata?.annotations?.['linkerd.io/inject'], 'disabled', 'not meshed: a meshed Job never completes');
  const c = onlyContainer(j);
  const major = Number(K6_IMAGE.exec(c.image)?.[1]);
  t.ok(major >= 2, `${c.image}: grafana/k6 with a full version, v2 or later (runs .ts natively)`);
  t.same(c.args?.slice(0, 3), ['run', '--log-format', 'raw'], 'k6 run with raw logs: the ack lines in the one format the reconciler reads');
  const script = c.args?.at(-1) ?? '';
  const mounts = new Map((c.volumeMounts ?? []).map((m) => [m.mountPath, m.name]));
  const volumes = new Map((tpl.spec.volumes ?? []).map((v) => [v.name, v.configMap?.name]));
  const scriptsCm = volumes.get(mounts.get(path.dirname(script)) ?? '');
  t.ok(scriptsCm?.startsWith('k6-scripts-'), `the script folder ${path.dirname(script)} is the k6-scripts ConfigMap (hashed name ${scriptsCm})`);
  t.ok(configMapKeys(job, scriptsCm ?? '').includes(path.basename(script)), `${script} is a key of that ConfigMap`);
  // loadtest/main.ts opens ../data/pool.json relative to itself, as in the repository layout.
  const dataDir = path.posix.join(path.dirname(script), '..', 'data');
  const dataCm = volumes.get(mounts.get(dataDir) ?? '');
  t.ok(dataCm?.startsWith('k6-data-'), `${dataDir} is the k6-data ConfigMap`);
  t.ok(configMapKeys(job, dataCm ?? '').includes('pool.json'), `${dataDir}/pool.json exists`);
  const env = new Map((c.env ?? []).map((e) => [e.name, e.value]));
  for (const name of ['BASE_URL', 'SCENARIO', 'RUN_ID']) t.ok(env.has(name), `env ${name}`);
  t.notOk(env.has('K6_VUS') || env.has('K6_ITERATIONS'), 'no K6_VUS / K6_ITERATIONS (they replace the scenarios)');
  t.equal(env.get('BASE_URL'), 'http://splitbench-gateway.envoy-gateway-system.svc.cluster.local', 'default target: the Envoy Service of Gateway splitbench');
  t.ok(isProfileName(env.get('SCENARIO') ?? ''), `default SCENARIO ${env.get('SCENARIO')} is a profile of contract/load-profiles.ts`);
  t.ok(c.resources?.requests?.cpu && quantity(c.resources.requests.cpu) >= 1, 'k6 gets at least one CPU, so the load generator is not the bottleneck');
});

t.test('the TestRun: parallelism, same mounts for initializer and runners, all outside the mesh', async (t) => {
  const tr = one<K8sObject & { spec: Record<string, unknown> }>(operator, 'TestRun', 'k6');
  t.equal(tr.apiVersion, 'k6.io/v1alpha1');
  const spec = tr.spec as {
    parallelism: number;
    script: { configMap: { name: string; file: string } };
    arguments?: string;
    runner: PodLike;
    initializer: PodLike;
    starter: PodLike;
  };
  type PodLike = {
    image?: string;
    metadata?: { annotations?: Record<string, string>; labels?: Record<string, string> };
    env?: { name: string; value?: string }[];
    volumes?: { name: string; configMap?: { name: string } }[];
    volumeMounts?: { name: string; mountPath: string }[];
    resources?: Container['resources'];
    securityContext?: { runAsNonRoot?: boolean };
    containerSecurityContext?: { allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
  };
  t.ok(Number.isInteger(spec.parallelism) && spec.parallelism >= 2, 'parallelism >= 2 (the reason to use the operator)');
  t.match(spec.arguments, /(^| )--log-format raw( |$)/, 'k6 logs raw, as in the Job');
  t.ok(spec.script.configMap.name.startsWith('k6-scripts-'), 'script ConfigMap name follows the generated hash (kustomizeconfig.yaml)');
  t.ok(configMapKeys(operator, spec.script.configMap.name).includes(spec.script.configMap.file), `${spec.script.configMap.file} is a key of it`);
  for (const [role, pod] of Object.entries({ runner: spec.runner, initializer: spec.initializer, starter: spec.starter })) {
    t.equal(pod.metadata?.annotations?.['linkerd.io/inject'], 'disabled', `${role}: outside the mesh`);
    t.equal(pod.metadata?.labels?.app, 'k6', `${role}: labelled app=k6, which the NetworkPolicies select`);
    t.equal(pod.securityContext?.runAsNonRoot, true, `${role}: runAsNonRoot`);
    t.ok(pod.containerSecurityContext?.capabilities?.drop?.includes('ALL'), `${role}: drops ALL capabilities`);
    for (const r of ['cpu', 'memory']) t.ok(pod.resources?.requests?.[r] && pod.resources.limits?.[r], `${role}: ${r} request and limit`);
  }
  for (const [role, pod] of Object.entries({ runner: spec.runner, initializer: spec.initializer })) {
    t.match(pod.image, K6_IMAGE, `${role}: pinned grafana/k6`);
    // The operator mounts the script ConfigMap at /test; ../data from there is /data.
    const dataVolume = pod.volumeMounts?.find((m) => m.mountPath === '/data')?.name;
    const cm = pod.volumes?.find((v) => v.name === dataVolume)?.configMap?.name ?? '';
    t.ok(cm.startsWith('k6-data-') && configMapKeys(operator, cm).includes('pool.json'), `${role}: /data/pool.json from k6-data (${cm})`);
    const env = new Map((pod.env ?? []).map((e) => [e.name, e.value]));
    for (const name of ['BASE_URL', 'SCENARIO', 'RUN_ID']) t.ok(env.has(name), `${role}: env ${name}`);
    t.notOk(env.has('K6_VUS'), `${role}: no K6_VUS`);
  }
});

