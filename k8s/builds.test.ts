/**
 * The manifests, checked offline: every kustomization and component builds, every object validates against its
 * schema and lives in the namespace, and no Secret value is committed. What only a real cluster
 * can prove is listed in docs/kubernetes.md.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { parseAllDocuments } from 'yaml';
import { SERVICES } from '../contract/services.js';
import { base, committedBuilds, EXAMPLE_SECRETS, NAMESPACE, parseEnvFile, SECRET_NAME } from './lib/builds.js';
import { copyToTemp, find, kustomize, one, REPO_ROOT, type K8sObject } from './lib/kustomize.js';
import { typeKey, validateObject } from './lib/schemas.js';
import { hasPodTemplate, podTemplate } from './lib/workloads.js';
t.test('every kustomization and component here builds offline and is used by a build', async (t) => {
  // Every folder holding a kustomization.yaml under k8s/ (except loadtest, tested in loadtest.test.ts)
  // must be reachable from a build above, so nothing ships untested.
  const dirs: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir)) {
      const p = path.join(dir, e);
      if (statSync(p).isDirectory() && e !== 'loadtest' && e !== 'lib') walk(p);
      else if (e === 'kustomization.yaml') dirs.push(path.relative(REPO_ROOT, dir));
    }
  };
  walk(path.join(REPO_ROOT, 'k8s'));
  t.same(dirs.sort(), [
    'k8s',
    'k8s/components/gateway-api',
    'k8s/components/gateway-api/class',
    'k8s/components/ingress-nginx',
    'k8s/namespace',
    'k8s/secrets',
  ], 'the kustomizations under k8s/ are the ones these tests build (add new ones to the tests)');
  for (const b of committedBuilds) t.ok(b.objects.length > 0, `${b.name} builds and has objects`);
});

t.test('every object validates against its schema', async (t) => {
  for (const b of committedBuilds) {
    for (const o of b.objects) {
      t.doesNotThrow(() => validateObject(o), `${b.name}: ${typeKey(o)} ${o.metadata.name}`);
    }
  }
  // A wrong type must be caught, or this test proves nothing.
  const broken = structuredClone(one(base, 'Service', SERVICES.grpcClient)) as K8sObject & { spec: { ports: { port: unknown }[] } };
  (broken.spec.ports[0] as { port: unknown }).port = 'eighty';
  t.throws(() => validateObject(broken), /port/, 'a string port fails validation');
});

t.test('namespaced objects all live in the splitbench namespace', async (t) => {
  for (const b of committedBuilds.filter((x) => x.name.startsWith('linkerd') || x.name === 'k8s')) {
    for (const o of b.objects) {
      if (o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding') t.equal(o.metadata.namespace, undefined, `${b.name}: ${o.kind} is cluster-scoped`);
      else if (o.kind === 'Namespace') t.equal(o.metadata.name, NAMESPACE);
      else t.equal(o.metadata.namespace, NAMESPACE, `${b.name}: ${o.kind} ${o.metadata.name}`);
    }
  }
});

t.test('secrets: none committed; the example lists exactly the keys the manifests read', async (t) => {
  for (const b of committedBuilds) t.same(find(b.objects, 'Secret').map((s) => s.metadata.name), [], `${b.name}: no Secret object`);
  // No YAML file in k8s/ or linkerd/ may hold a Secret with data, whatever kustomization lists it.
  const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'k8s', 'linkerd'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const file of tracked.filter((f) => /\.ya?ml$/.test(f))) {
    const docs = parseAllDocuments(readFileSync(path.join(REPO_ROOT, file), 'utf8')).map((d) => d.toJS() as unknown);
    const secrets = docs.filter((d) => typeof d === 'object' && d !== null && (d as { kind?: unknown }).kind === 'Secret');
    t.equal(secrets.length, 0, `${file}: no Secret manifest`);
  }
  t.notOk(tracked.some((f) => path.basename(f) === 'secrets.env'), 'no secrets.env is tracked or unignored');
  t.match(readFileSync(path.join(REPO_ROOT, 'k8s', 'secrets', '.gitignore'), 'utf8'), /^secrets\.env$/m, 'k8s/secrets/.gitignore ignores secrets.env');

  const example = parseEnvFile(readFileSync(EXAMPLE_SECRETS, 'utf8'));
  for (const [k, v] of example) if (/PASSWORD/.test(k)) t.equal(v, '', `secrets.example.env: ${k} is left empty`);
  const refs = new Set<string>();
  // grafana/k8s (in linkerd/observability) reads its own admin Secret; grafana/README.md documents it.
  for (const b of committedBuilds.filter((x) => x.name !== 'linkerd/observability')) {
    for (const o of b.objects.filter(hasPodTemplate)) {
      for (const c of podTemplate(o).spec.containers) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (ref) {
            t.equal(ref.name, SECRET_NAME, `${o.metadata.name}/${e.name}: Secret ${SECRET_NAME}`);
            refs.add(ref.key);
          }
        }
        t.notOk(c.envFrom?.some((f) => f.secretRef), `${o.metadata.name}: no whole-Secret envFrom`);
      }
    }
  }
  t.same([...refs].sort(), [...example.keys()].sort(), 'the example file has exactly the keys the manifests read');

  // The Secret kustomization works once secrets.env exists: build it from a copy with the example filled in.
  const tmp = copyToTemp(['k8s']);
  try {
    const filled = [...example.entries()].map(([k, v]) => `${k}=${v === '' ? 'test0value' : v}`).join('\n');
    writeFileSync(path.join(tmp.root, 'k8s', 'secrets', 'secrets.env'), `${filled}\n`);
    const objects = kustomize(path.join(tmp.root, 'k8s', 'secrets'));
    for (const o of objects) t.doesNotThrow(() => validateObject(o), `k8s/secrets: ${o.kind} ${o.metadata.name}`);
    const secret = one<K8sObject & { data: Record<string, string> }>(objects, 'Secret', SECRET_NAME);
    t.equal(secret.metadata.namespace, NAMESPACE, 'the Secret lands in the app namespace under its exact name');
    t.same(Object.keys(secret.data).sort(), [...example.keys()].sort(), 'with every key of the example');
    t.same(find(objects, 'Namespace').map((n) => n.metadata.name), [NAMESPACE], 'and creates the namespace first');
    t.same(find(objects, 'Namespace'), find(base, 'Namespace'), 'the same Namespace object as the app, so applying either never strips the other');
  } finally {
    tmp.remove();
  }
  t.throws(() => kustomize(path.join(REPO_ROOT, 'k8s', 'secrets-missing')), /kubectl kustomize/, 'a missing folder fails the build helper');
});

