/**
 * Real k6 (scripts/install-tools.sh builds it) inspects the real scripts from the layout the Job and
 * the TestRun mount, and fails when a mount is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { copyToTemp, kustomize, one, REPO_ROOT, type K8sObject } from './lib/kustomize.js';
import { onlyContainer, podTemplate } from './lib/workloads.js';
import { renderRun } from './loadtest/render.js';

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
    t.fail('k6 v2 is missing: run `bash scripts/install-tools.sh` (npm test does)');
    return;
  }
  // Build from a copy holding the real scripts and contract, and a two-record pool (data/ is generated, not committed).
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
    const r1 = inspect(path.join(jobRoot, c.args?.at(-1) ?? ''), jobEnv, path.join(jobRoot, 'results'));
    t.equal(r1.status, 0, `Job layout: k6 inspect ${c.args?.at(-1)} succeeds ${r1.stderr.slice(-2000)}`);
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
    const r3 = inspect(path.join(jobRoot, c.args?.at(-1) ?? ''), jobEnv, path.join(jobRoot, 'results'));
    t.not(r3.status, 0, 'without /scripts/contract k6 cannot load the script');
  } finally {
    tmp.remove();
  }
});
