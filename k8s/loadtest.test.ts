/**
 * The in-cluster load: k8s/loadtest/{job,operator} built offline (from a copy holding stand-in k6
 * scripts, so the manifests are checked whatever state loadtest/ is in), rendered per run, and the
 * wiring between the scripts, the data pool and the mounts checked.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { RUN_ID_PATTERN } from '../contract/http.js';
import { isProfileName } from '../contract/load-profiles.js';
import { copyToTemp, find, kustomize, one, REPO_ROOT, type K8sObject } from './lib/kustomize.js';
import { validateObject } from './lib/schemas.js';
import { onlyContainer, podTemplate, quantity, type Container } from './lib/workloads.js';
import { defaultRunId, renderRun, runObjectName, toYaml, RenderError, type Mode } from './loadtest/render.js';

const NAMESPACE = 'splitbench';
const K6_IMAGE = /^grafana\/k6:(\d+)\.\d+\.\d+$/;
const generator = parse(readFileSync(path.join(REPO_ROOT, 'k8s', 'loadtest', 'scripts', 'kustomization.yaml'), 'utf8')) as {
  configMapGenerator: { name: string; files: string[] }[];
};
const scriptFiles = generator.configMapGenerator.find((g) => g.name === 'k6-scripts')?.files ?? [];
const contractFiles = generator.configMapGenerator.find((g) => g.name === 'k6-contract')?.files ?? [];
const dataFiles = generator.configMapGenerator.find((g) => g.name === 'k6-data')?.files ?? [];

/** Builds k8s/loadtest/<mode> from a copy with stand-ins for every file the generators read. */
function buildWithStandIns(mode: Mode): K8sObject[] {
  const tmp = copyToTemp(['k8s']);
  try {
    for (const rel of generator.configMapGenerator.flatMap((g) => g.files)) {
      const file = path.resolve(tmp.root, 'k8s', 'loadtest', 'scripts', rel);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, rel.endsWith('.json') ? '[]\n' : `// stand-in for ${path.basename(rel)}\nexport default function () {}\n`);
    }
    return kustomize(path.join(tmp.root, 'k8s', 'loadtest', mode), { loadRestrictorNone: true });
  } finally {
    tmp.remove();
  }
}

const job = buildWithStandIns('job');
const operator = buildWithStandIns('operator');

function configMapKeys(objects: K8sObject[], name: string): string[] {
  return Object.keys((one(objects, 'ConfigMap', name) as { data?: Record<string, string> }).data ?? {}).sort();
}

t.test('the generators read the scripts from loadtest/, the contract from contract/, the pool from data/', async (t) => {
  const rel = (files: string[]): string[] => files.map((f) => path.relative('../../..', f));
  t.ok(rel(scriptFiles).every((f) => f.startsWith('loadtest/')), 'k6-scripts: loadtest/ only');
  t.ok(rel(contractFiles).every((f) => f.startsWith('contract/')), 'k6-contract: contract/ only');
  t.same(rel(dataFiles), ['data/pool.json'], 'k6-data (made by npm run gen)');
});

/** The k6 modules in loadtest/ (not the Node tests beside them). */
function onDiskScripts(): string[] {
  return readdirSync(path.join(REPO_ROOT, 'loadtest')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts')).sort();
}

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
  t.same(scriptFiles.map((f) => path.basename(f)).sort(), onDiskScripts(), 'k6-scripts holds every loadtest/*.ts module');
});

t.test('both builds validate and share the same ConfigMaps', async (t) => {
  for (const o of [...job, ...operator]) {
    t.doesNotThrow(() => validateObject(o), `${o.kind} ${o.metadata.name}`);
    t.equal(o.metadata.namespace, NAMESPACE, `${o.kind} ${o.metadata.name} in ${NAMESPACE}`);
  }
  t.same(find(job, 'ConfigMap').map((c) => c.metadata.name).sort(), find(operator, 'ConfigMap').map((c) => c.metadata.name).sort());
  t.same(configMapKeys(job, find(job, 'ConfigMap').find((c) => c.metadata.name.startsWith('k6-scripts-'))?.metadata.name ?? ''), onDiskScripts());
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
  t.same(c.args?.slice(0, 1), ['run']);
  const script = c.args?.[1] ?? '';
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
  t.match(env.get('BASE_URL'), /^http:\/\/ingress-nginx-controller\.ingress-nginx\.svc\.cluster\.local$/, 'default target: the ingress-nginx controller');
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
    metadata?: { annotations?: Record<string, string> };
    env?: { name: string; value?: string }[];
    volumes?: { name: string; configMap?: { name: string } }[];
    volumeMounts?: { name: string; mountPath: string }[];
    resources?: Container['resources'];
    securityContext?: { runAsNonRoot?: boolean };
    containerSecurityContext?: { allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
  };
  t.ok(Number.isInteger(spec.parallelism) && spec.parallelism >= 2, 'parallelism >= 2 (the reason to use the operator)');
  t.ok(spec.script.configMap.name.startsWith('k6-scripts-'), 'script ConfigMap name follows the generated hash (kustomizeconfig.yaml)');
  t.ok(configMapKeys(operator, spec.script.configMap.name).includes(spec.script.configMap.file), `${spec.script.configMap.file} is a key of it`);
  for (const [role, pod] of Object.entries({ runner: spec.runner, initializer: spec.initializer, starter: spec.starter })) {
    t.equal(pod.metadata?.annotations?.['linkerd.io/inject'], 'disabled', `${role}: outside the mesh`);
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

t.test('rendering a run: unique name, run id in env and labels, nothing else changed', async (t) => {
  const a = renderRun(job, { mode: 'job', runId: '20260815-143005', baseUrl: 'http://gw.example:80', scenario: 'stress' });
  const b = renderRun(job, { mode: 'job', runId: '20260815-143006' });
  const ja = one(a, 'Job', 'k6-20260815-143005');
  one(b, 'Job', 'k6-20260815-143006');
  t.equal(find(a, 'Job', 'k6').length, 0, 'the template name is gone');
  t.equal(ja.metadata.labels?.['splitbench.io/run-id'], '20260815-143005');
  t.equal(podTemplate(ja).metadata?.labels?.['splitbench.io/run-id'], '20260815-143005', 'pods carry the run id label too');
  const env = new Map((onlyContainer(ja).env ?? []).map((e) => [e.name, e.value]));
  t.same([env.get('RUN_ID'), env.get('BASE_URL'), env.get('SCENARIO')], ['20260815-143005', 'http://gw.example:80', 'stress']);
  t.equal(new Map((onlyContainer(one(b, 'Job', 'k6-20260815-143006')).env ?? []).map((e) => [e.name, e.value])).get('SCENARIO'), 'load', 'unset options keep the manifest defaults');
  t.same(find(a, 'ConfigMap'), find(job, 'ConfigMap'), 'ConfigMaps unchanged');
  t.equal(find(job, 'Job', 'k6').length, 1, 'the input is not mutated');
  for (const o of a) t.doesNotThrow(() => validateObject(o), `rendered ${o.kind} ${o.metadata.name} still validates`);
  t.match(toYaml(a), /name: k6-20260815-143005/);

  const tr = renderRun(operator, { mode: 'operator', runId: 'smoke.1', parallelism: 4 });
  const run = one<K8sObject & { spec: { parallelism: number; arguments: string; runner: { env: { name: string; value: string }[] }; initializer: { env: { name: string; value: string }[] } } }>(tr, 'TestRun', 'k6-smoke-1');
  t.equal(run.spec.parallelism, 4);
  t.equal(run.spec.arguments, '--tag testid=smoke.1');
  t.equal(run.spec.runner.env.find((e) => e.name === 'RUN_ID')?.value, 'smoke.1');
  t.equal(run.spec.initializer.env.find((e) => e.name === 'RUN_ID')?.value, 'smoke.1');

  t.throws(() => renderRun(job, { mode: 'job', runId: 'has space' }), RenderError, 'a run id outside the contract pattern');
  t.throws(() => renderRun(job, { mode: 'job', runId: 'ok', baseUrl: 'ingress:80' }), /http:\/\//, 'a base URL without scheme');
  t.throws(() => renderRun(operator, { mode: 'operator', runId: 'ok', parallelism: 0 }), /parallelism/);
  t.throws(() => renderRun(job, { mode: 'operator', runId: 'ok' }), /expected one TestRun/);
  const withVus = structuredClone(job);
  onlyContainer(one(withVus, 'Job', 'k6')).env?.push({ name: 'K6_VUS', value: '10' });
  t.throws(() => renderRun(withVus, { mode: 'job', runId: 'ok' }), /K6_VUS/, 'K6_VUS in the manifest is refused');
  const tuned = renderRun(job, { mode: 'job', runId: 'tuned', settings: { RATE: '1500', MAX_VUS: '400' } });
  const tunedEnv = new Map((onlyContainer(one(tuned, 'Job', 'k6-tuned')).env ?? []).map((e) => [e.name, e.value]));
  t.same([tunedEnv.get('RATE'), tunedEnv.get('MAX_VUS')], ['1500', '400'], 'settings become env vars');
  for (const bad of ['K6_DURATION', 'K6_STAGES', 'K6_ITERATIONS', 'K6_VUS']) {
    t.throws(() => renderRun(job, { mode: 'job', runId: 'ok', settings: { [bad]: '1' } }), /replace the script's scenarios/, `setting ${bad} is refused`);
  }
  t.throws(() => renderRun(job, { mode: 'job', runId: 'ok', settings: { 'rate-x': '1' } }), /not an environment variable name/);
  t.throws(() => renderRun(job, { mode: 'job', runId: 'ok', settings: { RUN_ID: 'x' } }), /its own option/);
});

t.test('run ids and object names', async (t) => {
  const id = defaultRunId(new Date('2026-08-15T14:30:05.123Z'));
  t.equal(id, '20260815-143005');
  t.match(id, RUN_ID_PATTERN, 'the default run id fits the contract pattern');
  t.equal(runObjectName('Run_2026.08'), 'k6-run-2026-08');
  const long = runObjectName('a'.repeat(64));
  t.ok(long.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(long), 'names are DNS-1123 labels of at most 63 characters');
});

t.test('scripts/k8s-loadtest.sh: valid bash, same default target as the manifests, never K6_VUS', async (t) => {
  const file = path.join(REPO_ROOT, 'scripts', 'k8s-loadtest.sh');
  const syntax = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
  t.equal(syntax.status, 0, `bash -n ${syntax.stderr}`);
  const text = readFileSync(file, 'utf8');
  const jobBaseUrl = (onlyContainer(one(job, 'Job', 'k6')).env ?? []).find((e) => e.name === 'BASE_URL')?.value ?? '';
  t.ok(jobBaseUrl !== '' && text.includes(`nginx) BASE_URL="${jobBaseUrl}"`), 'INGRESS=nginx targets the URL the Job defaults to');
  t.notMatch(text, /K6_VUS=|K6_ITERATIONS=/, 'never sets K6_VUS or K6_ITERATIONS');
  t.match(text, /kubectl apply --server-side/, 'applies server-side (large ConfigMaps exceed the client-side annotation limit)');
  t.match(text, /gateway\.envoyproxy\.io\/owning-gateway-name=splitbench/, 'INGRESS=gateway finds the Envoy Service of Gateway splitbench');
});

/** k6 v2 from the project's tools folder (scripts/install-tools.sh) or PATH. */
function findK6(): string | undefined {
  const local = path.join(REPO_ROOT, '.tools', 'bin', 'k6');
  if (existsSync(local)) return local;
  const which = spawnSync('sh', ['-c', 'command -v k6'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

/** Writes each mounted ConfigMap's keys under root + mountPath, as the kubelet would. */
function materialize(root: string, objects: K8sObject[], volumes: { name: string; configMap?: { name: string } }[], mounts: { name: string; mountPath: string }[]): void {
  for (const m of mounts) {
    const cmName = volumes.find((v) => v.name === m.name)?.configMap?.name;
    if (cmName === undefined) continue;
    const data = (one(objects, 'ConfigMap', cmName) as { data?: Record<string, string> }).data ?? {};
    mkdirSync(path.join(root, m.mountPath), { recursive: true });
    for (const [key, value] of Object.entries(data)) writeFileSync(path.join(root, m.mountPath, key), value);
  }
}

t.test('real k6 loads the real scripts from the mounted layout (Job and TestRun)', async (t) => {
  const k6 = findK6();
  if (k6 === undefined) {
    t.fail('k6 is missing: run bash scripts/install-tools.sh (npm test does)');
    return;
  }
  // Build from a copy holding the real scripts, contract and formatter, and a two-record pool (data/ is generated, not committed).
  const tmp = copyToTemp(['k8s', 'loadtest', 'contract', 'format']);
  try {
    mkdirSync(path.join(tmp.root, 'data'));
    writeFileSync(path.join(tmp.root, 'data', 'pool.json'), JSON.stringify([
      { curso: 'SO1', facultad: 'Ingenieria', carrera: 'Sistemas', region: 'NORTE' },
      { curso: 'ANP', facultad: 'Ingenieria', carrera: 'Arte', region: 'METROPOLITANA', nota: 61 },
    ]));
    const inspect = (script: string, env: Map<string, string | undefined>, cwd: string) => {
      const args = ['inspect', '--execution-requirements'];
      for (const [k, v] of env) if (v !== undefined) args.push('-e', `${k}=${v}`);
      return spawnSync(k6, [...args, script], {
        cwd,
        encoding: 'utf8',
        timeout: 60_000,
        env: { PATH: process.env.PATH ?? '', HOME: tmp.root, K6_NO_USAGE_REPORT: 'true', K6_AUTO_EXTENSION_RESOLUTION: 'false' },
      });
    };

    const jobObjects = renderRun(kustomize(path.join(tmp.root, 'k8s', 'loadtest', 'job'), { loadRestrictorNone: true }), { mode: 'job', runId: 'inspect-1' });
    const j = one(jobObjects, 'Job', 'k6-inspect-1');
    const c = onlyContainer(j);
    const jobRoot = path.join(tmp.root, 'pod-job');
    materialize(jobRoot, jobObjects, podTemplate(j).spec.volumes ?? [], c.volumeMounts ?? []);
    mkdirSync(path.join(jobRoot, 'results'), { recursive: true });
    const jobEnv = new Map((c.env ?? []).map((e) => [e.name, e.value]));
    const r1 = inspect(path.join(jobRoot, c.args?.[1] ?? ''), jobEnv, path.join(jobRoot, 'results'));
    t.equal(r1.status, 0, `Job layout: k6 inspect ${c.args?.[1]} succeeds ${r1.stderr.slice(-2000)}`);
    t.match(r1.stdout, /"scenarios"/, 'and reports the scenarios of the selected profile');

    const opObjects = renderRun(kustomize(path.join(tmp.root, 'k8s', 'loadtest', 'operator'), { loadRestrictorNone: true }), { mode: 'operator', runId: 'inspect-2' });
    const tr = one(opObjects, 'TestRun', 'k6-inspect-2').spec as {
      script: { configMap: { name: string; file: string } };
      initializer: { env: { name: string; value?: string }[]; volumes: { name: string; configMap?: { name: string } }[]; volumeMounts: { name: string; mountPath: string }[] };
    };
    const opRoot = path.join(tmp.root, 'pod-initializer');
    // The operator mounts the script ConfigMap at /test itself; the rest comes from our volumes.
    materialize(opRoot, opObjects, [{ name: 'k6-script', configMap: { name: tr.script.configMap.name } }, ...tr.initializer.volumes],
      [{ name: 'k6-script', mountPath: '/test' }, ...tr.initializer.volumeMounts]);
    const r2 = inspect(path.join(opRoot, 'test', tr.script.configMap.file), new Map(tr.initializer.env.map((e) => [e.name, e.value])), opRoot);
    t.equal(r2.status, 0, `TestRun layout: k6 inspect /test/${tr.script.configMap.file} succeeds ${r2.stderr.slice(-2000)}`);

    // And the check can fail: without the contract mount the imports do not resolve.
    rmSync(path.join(jobRoot, 'scripts', 'contract'), { recursive: true, force: true });
    const r3 = inspect(path.join(jobRoot, c.args?.[1] ?? ''), jobEnv, path.join(jobRoot, 'results'));
    t.not(r3.status, 0, 'without /scripts/contract k6 cannot load the script');
  } finally {
    tmp.remove();
  }
});
