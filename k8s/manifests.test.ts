/**
 * The manifests, checked offline: every kustomization and component built with `kubectl kustomize`,
 * every object validated against the Kubernetes / Gateway API schemas, and the values that must agree
 * with the services' code (contract/) compared one by one. What only a real cluster can prove is listed
 * in docs/kubernetes.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { parse, parseAllDocuments } from 'yaml';
import { COURSE_PATH, HEALTHZ_PATH, READYZ_PATH } from '../contract/http.js';
import { DEFAULT_PORTS, DEFAULTS, ENV, SERVICE_ENV, SERVICES } from '../contract/services.js';
import { MONGO_DB_DEFAULT } from '../contract/stores.js';
import { copyToTemp, find, kustomize, one, REPO_ROOT, type K8sObject } from './lib/kustomize.js';
import { typeKey, validateObject } from './lib/schemas.js';
import { INGRESS_COMPONENTS, buildVariant, type Variant } from './lib/variants.js';
import { hasPodTemplate, onlyContainer, podTemplate, quantity, resolvePort, type Container } from './lib/workloads.js';

const NAMESPACE = 'splitbench';
const APP_SERVICES = [SERVICES.grpcClient, SERVICES.grpcServer, SERVICES.redisWriter] as const;
type AppService = (typeof APP_SERVICES)[number];
/** The port each service listens on with PORT (contract/services.ts). */
const SERVICE_PORT: Record<AppService, number> = {
  'grpc-client': DEFAULT_PORTS.grpcClient,
  'grpc-server': DEFAULT_PORTS.grpcServer,
  'redis-writer': DEFAULT_PORTS.redisWriter,
};
/** Where each service serves /healthz, /readyz and /metrics. */
const HTTP_PORT: Record<AppService, number> = {
  'grpc-client': DEFAULT_PORTS.grpcClient,
  'grpc-server': DEFAULT_PORTS.grpcServerHttp,
  'redis-writer': DEFAULT_PORTS.redisWriter,
};
/** Env vars the manifests add only to build MONGO_URL / REDIS_URL from the Secret (the services ignore them). */
const CREDENTIAL_ENV = new Set(['MONGO_USERNAME', 'MONGO_PASSWORD', 'REDIS_PASSWORD']);
const SECRET_NAME = 'splitbench-stores';
const EXAMPLE_SECRETS = path.join(REPO_ROOT, 'k8s', 'secrets', 'secrets.example.env');

function parseEnvFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq < 1) throw new Error(`not KEY=value: ${line}`);
    out.set(trimmed.slice(0, eq), trimmed.slice(eq + 1));
  }
  return out;
}

const base = kustomize(path.join(REPO_ROOT, 'k8s'));
const entry = kustomize(path.join(REPO_ROOT, 'linkerd'));
const variants: { variant: Variant; objects: K8sObject[] }[] = [];
for (const ingress of INGRESS_COMPONENTS) variants.push({ variant: { ingress }, objects: buildVariant({ ingress }) });

/** Builds of everything committed (no secrets.env): the base, the entry point and its ingress variants. */
const committedBuilds: { name: string; objects: K8sObject[] }[] = [
  { name: 'k8s', objects: base },
  { name: 'linkerd', objects: entry },
  ...variants.map((v) => ({ name: `linkerd with ${v.variant.ingress}`, objects: v.objects })),
  { name: 'k8s/components/gateway-api/class', objects: kustomize(path.join(REPO_ROOT, 'k8s', 'components', 'gateway-api', 'class')) },
  { name: 'k8s/namespace', objects: kustomize(path.join(REPO_ROOT, 'k8s', 'namespace')) },
];

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
      if (o.kind === 'Namespace') t.equal(o.metadata.name, NAMESPACE);
      else t.equal(o.metadata.namespace, NAMESPACE, `${b.name}: ${o.kind} ${o.metadata.name}`);
    }
  }
});

t.test('one name through every layer: folder = image = Deployment = app label = Service', async (t) => {
  const images = (parse(readFileSync(path.join(REPO_ROOT, 'k8s', 'kustomization.yaml'), 'utf8')) as {
    images: { name: string; newName: string; newTag: string }[];
  }).images;
  t.same(images.map((i) => i.name).sort(), [...APP_SERVICES].sort(), 'one images entry per service');
  for (const name of APP_SERVICES) {
    t.ok(existsSync(path.join(REPO_ROOT, name, 'main.ts')), `${name}/main.ts exists: the folder is the service`);
    const dep = one(entry, 'Deployment', name);
    const tpl = podTemplate(dep);
    const c = onlyContainer(dep);
    const img = images.find((i) => i.name === name);
    t.equal(dep.metadata.labels?.app, name, `${name}: Deployment label app`);
    t.same((dep.spec as { selector: unknown }).selector, { matchLabels: { app: name } }, `${name}: selector is app=${name} only`);
    t.equal(tpl.metadata?.labels?.app, name, `${name}: pod label app`);
    t.equal(c.name, name, `${name}: container name`);
    t.equal(c.image, `${img?.newName}:${img?.newTag}`, `${name}: image pinned by kustomize images`);
    t.equal(c.image.split('/').pop()?.split(':')[0], name, `${name}: image repository ends with the service name`);
    t.notMatch(c.image, /:latest$|^[^:]+$/, `${name}: a concrete tag, never latest`);
    t.equal(tpl.spec.serviceAccountName, name, `${name}: own ServiceAccount`);
    one(entry, 'ServiceAccount', name);
    const svc = one<{ spec: { selector: Record<string, string> } }>(entry, 'Service', name);
    t.same(svc.spec.selector, { app: name }, `${name}: Service selects app=${name}`);
  }
});

t.test('ports agree with contract DEFAULT_PORTS', async (t) => {
  const configs = new Map(find(entry, 'ConfigMap').map((cm) => [cm.metadata.name, (cm as { data?: Record<string, string> }).data ?? {}]));
  for (const name of APP_SERVICES) {
    const dep = one(entry, 'Deployment', name);
    const c = onlyContainer(dep);
    const cmName = c.envFrom?.[0]?.configMapRef?.name ?? '';
    const env = configs.get(cmName);
    t.ok(env, `${name}: envFrom names a ConfigMap of this build (${cmName})`);
    t.equal(env?.[ENV.PORT], String(SERVICE_PORT[name]), `${name}: PORT`);
    t.ok(c.ports?.some((p) => p.containerPort === SERVICE_PORT[name]), `${name}: container port ${SERVICE_PORT[name]}`);
    t.ok(c.ports?.some((p) => p.containerPort === HTTP_PORT[name]), `${name}: container port ${HTTP_PORT[name]} for /healthz /readyz /metrics`);
    if (name === SERVICES.grpcServer) t.equal(env?.[ENV.HTTP_PORT], String(DEFAULT_PORTS.grpcServerHttp), 'grpc-server: HTTP_PORT');
    t.equal(podTemplate(dep).metadata?.annotations?.['prometheus.io/port'], String(HTTP_PORT[name]), `${name}: scrape port is the /metrics port`);
    const svc = one<{ spec: { ports: { port: number; targetPort: number | string }[] } }>(entry, 'Service', name);
    t.ok(svc.spec.ports.some((p) => p.port === SERVICE_PORT[name] && resolvePort(c, p.targetPort) === SERVICE_PORT[name]),
      `${name}: Service port ${SERVICE_PORT[name]} reaches the container port ${SERVICE_PORT[name]}`);
    for (const p of svc.spec.ports) t.ok(resolvePort(c, p.targetPort) !== undefined, `${name}: Service targetPort ${p.targetPort} exists in the container`);
  }
  const client = configs.get(onlyContainer(one(entry, 'Deployment', SERVICES.grpcClient)).envFrom?.[0]?.configMapRef?.name ?? '');
  t.equal(client?.[ENV.GRPC_SERVER_ADDR], `${SERVICES.grpcServer}:${DEFAULT_PORTS.grpcServer}`, 'grpc-client dials the grpc-server Service');
  const parent = one<{ spec: { ports: { port: number }[]; selector?: unknown } }>(entry, 'Service', SERVICES.ingress);
  t.same(parent.spec.ports.map((p) => p.port), [DEFAULT_PORTS.ingress], 'the split parent Service listens on the ingress port');
  t.equal(parent.spec.selector, undefined, 'the split parent Service selects no pods (the mesh answers for it)');
});

t.test('each service gets exactly the env names it reads (SERVICE_ENV), with contract defaults', async (t) => {
  const known = new Set<string>(Object.values(ENV));
  for (const name of APP_SERVICES) {
    const c = onlyContainer(one(entry, 'Deployment', name));
    const cm = one<{ data: Record<string, string> }>(entry, 'ConfigMap', c.envFrom?.[0]?.configMapRef?.name ?? '');
    const fromConfig = Object.keys(cm.data);
    const direct = (c.env ?? []).map((e) => e.name);
    const appEnv = direct.filter((n) => !CREDENTIAL_ENV.has(n));
    for (const k of fromConfig) t.ok(known.has(k), `${name}: ConfigMap key ${k} is an ENV name`);
    t.same([...fromConfig, ...appEnv].sort(), [...SERVICE_ENV[name]].sort(), `${name}: ConfigMap keys + env = SERVICE_ENV`);
    t.same(fromConfig.filter((k) => appEnv.includes(k)), [], `${name}: no variable set twice`);
    t.equal(c.envFrom?.length, 1, `${name}: one ConfigMap, no other envFrom`);
    t.equal(cm.data[ENV.HOST], DEFAULTS.HOST, `${name}: HOST`);
    t.equal(cm.data[ENV.SHUTDOWN_GRACE_MS], String(DEFAULTS.SHUTDOWN_GRACE_MS), `${name}: SHUTDOWN_GRACE_MS`);
    t.equal(cm.data[ENV.LOG_LEVEL], DEFAULTS.LOG_LEVEL, `${name}: LOG_LEVEL`);
    if (SERVICE_ENV[name].includes('MONGO_DB')) t.equal(cm.data[ENV.MONGO_DB], MONGO_DB_DEFAULT, `${name}: MONGO_DB`);
    if (SERVICE_ENV[name].includes('MONGO_TIMEOUT_MS')) t.equal(cm.data[ENV.MONGO_TIMEOUT_MS], String(DEFAULTS.MONGO_TIMEOUT_MS), `${name}: MONGO_TIMEOUT_MS`);
    if (SERVICE_ENV[name].includes('REQUEST_TIMEOUT_MS')) t.equal(cm.data[ENV.REQUEST_TIMEOUT_MS], String(DEFAULTS.REQUEST_TIMEOUT_MS), `${name}: REQUEST_TIMEOUT_MS`);
    if (SERVICE_ENV[name].includes('GRPC_DEADLINE_MS')) t.equal(cm.data[ENV.GRPC_DEADLINE_MS], String(DEFAULTS.GRPC_DEADLINE_MS), `${name}: GRPC_DEADLINE_MS`);
    const instance = c.env?.find((e) => e.name === ENV.INSTANCE_ID);
    t.equal(instance?.valueFrom?.fieldRef?.fieldPath, 'metadata.name', `${name}: INSTANCE_ID is the pod name`);

    // $(VAR) expands only variables defined earlier in the list, and a store URL must name the store's Service.
    const env = c.env ?? [];
    for (const [i, e] of env.entries()) {
      for (const ref of (e.value ?? '').matchAll(/\$\(([A-Z_]+)\)/g)) {
        t.ok(env.slice(0, i).some((prev) => prev.name === ref[1]), `${name}: ${e.name} uses $(${ref[1]}) defined before it`);
      }
    }
    const mongoUrl = env.find((e) => e.name === ENV.MONGO_URL)?.value;
    if (SERVICE_ENV[name].includes('MONGO_URL')) t.match(mongoUrl, /^mongodb:\/\/\$\(MONGO_USERNAME\):\$\(MONGO_PASSWORD\)@mongodb:27017\//, `${name}: MONGO_URL`);
    const redisUrl = env.find((e) => e.name === ENV.REDIS_URL)?.value;
    if (SERVICE_ENV[name].includes('REDIS_URL')) t.equal(redisUrl, 'redis://default:$(REDIS_PASSWORD)@redis:6379', `${name}: REDIS_URL`);
  }
  t.ok(one<{ spec: { ports: { port: number }[] } }>(entry, 'Service', 'mongodb').spec.ports.some((p) => p.port === 27017), 'Service mongodb:27017 exists');
  t.ok(one<{ spec: { ports: { port: number }[] } }>(entry, 'Service', 'redis').spec.ports.some((p) => p.port === 6379), 'Service redis:6379 exists');
});

t.test('probes use the contract paths and ports', async (t) => {
  for (const name of APP_SERVICES) {
    const c = onlyContainer(one(entry, 'Deployment', name));
    const live = c.livenessProbe?.httpGet;
    t.equal(live?.path, HEALTHZ_PATH, `${name}: liveness path`);
    t.equal(live ? resolvePort(c, live.port) : undefined, HTTP_PORT[name], `${name}: liveness port`);
    if (name === SERVICES.grpcServer) {
      t.equal(c.readinessProbe?.grpc?.port, DEFAULT_PORTS.grpcServer, 'grpc-server: readiness is the gRPC health service on 50051');
      t.equal(c.readinessProbe?.grpc?.service, undefined, 'grpc-server: readiness asks the overall ("") status');
    } else {
      const ready = c.readinessProbe?.httpGet;
      t.equal(ready?.path, READYZ_PATH, `${name}: readiness path`);
      t.equal(ready ? resolvePort(c, ready.port) : undefined, HTTP_PORT[name], `${name}: readiness port`);
    }
  }
});

/** Every container of every pod template in every committed build. */
function allContainers(): { where: string; obj: K8sObject; c: Container }[] {
  const out: { where: string; obj: K8sObject; c: Container }[] = [];
  for (const b of committedBuilds) {
    for (const o of b.objects.filter(hasPodTemplate)) {
      const spec = podTemplate(o).spec;
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) out.push({ where: `${b.name}: ${o.kind} ${o.metadata.name}/${c.name}`, obj: o, c });
    }
  }
  return out;
}

t.test('every container has CPU and memory requests and limits, request <= limit', async (t) => {
  const containers = allContainers();
  t.ok(containers.length >= 5, 'the builds hold the services and the stores');
  for (const { where, c } of containers) {
    for (const r of ['cpu', 'memory']) {
      const req = c.resources?.requests?.[r];
      const lim = c.resources?.limits?.[r];
      t.ok(req !== undefined && lim !== undefined, `${where}: ${r} request and limit`);
      if (req !== undefined && lim !== undefined) t.ok(quantity(req) <= quantity(lim), `${where}: ${r} request ${req} <= limit ${lim}`);
    }
  }
  t.equal(quantity('250m'), 0.25);
  t.equal(quantity('128Mi'), 128 * 2 ** 20);
});

t.test('every pod runs as non-root with a read-only root and no capabilities', async (t) => {
  for (const b of committedBuilds) {
    for (const o of b.objects.filter(hasPodTemplate)) {
      const spec = podTemplate(o).spec;
      const where = `${b.name}: ${o.kind} ${o.metadata.name}`;
      t.equal(spec.securityContext?.runAsNonRoot, true, `${where}: runAsNonRoot`);
      t.ok((spec.securityContext?.runAsUser ?? 0) > 0, `${where}: numeric non-root runAsUser`);
      t.equal(spec.securityContext?.seccompProfile?.type, 'RuntimeDefault', `${where}: seccomp RuntimeDefault`);
    }
  }
  for (const { where, c } of allContainers()) {
    t.equal(c.securityContext?.readOnlyRootFilesystem, true, `${where}: readOnlyRootFilesystem`);
    t.equal(c.securityContext?.allowPrivilegeEscalation, false, `${where}: allowPrivilegeEscalation false`);
    t.ok(c.securityContext?.capabilities?.drop?.includes('ALL'), `${where}: drops ALL capabilities`);
    t.same(c.securityContext?.capabilities?.add ?? [], [], `${where}: adds no capability`);
    t.notOk(c.securityContext?.privileged, `${where}: not privileged`);
  }
  const dockerfileUser = /^USER\s+(\d+)(?::\d+)?\s*$/m.exec(readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8'))?.[1];
  for (const name of APP_SERVICES) {
    t.equal(String(podTemplate(one(entry, 'Deployment', name)).spec.securityContext?.runAsUser), dockerfileUser, `${name}: runAsUser is the Dockerfile's USER`);
  }
});

t.test('shutdown: the grace period covers preStop plus SHUTDOWN_GRACE_MS', async (t) => {
  for (const name of APP_SERVICES) {
    const dep = one(entry, 'Deployment', name);
    const spec = podTemplate(dep).spec;
    const c = onlyContainer(dep);
    const preStopMs = (c.lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000;
    const graceS = spec.terminationGracePeriodSeconds ?? 30;
    t.ok(graceS * 1000 > DEFAULTS.SHUTDOWN_GRACE_MS, `${name}: terminationGracePeriodSeconds ${graceS}s > SHUTDOWN_GRACE_MS`);
    t.ok(graceS * 1000 > DEFAULTS.SHUTDOWN_GRACE_MS + preStopMs, `${name}: ${graceS}s > preStop ${preStopMs}ms + grace ${DEFAULTS.SHUTDOWN_GRACE_MS}ms`);
  }
});

t.test('HPAs: autoscaling/v2, 1..3 replicas at 50% CPU, short scale-down, targets exist', async (t) => {
  for (const b of [{ name: 'k8s', objects: base }, { name: 'linkerd', objects: entry }]) {
    const hpas = find(b.objects, 'HorizontalPodAutoscaler');
    t.same(hpas.map((h) => h.metadata.name).sort(), [...APP_SERVICES].sort(), `${b.name}: one HPA per service`);
    for (const h of hpas) {
      t.equal(h.apiVersion, 'autoscaling/v2');
      const spec = h.spec as {
        scaleTargetRef: { apiVersion: string; kind: string; name: string };
        minReplicas: number;
        maxReplicas: number;
        metrics: { type: string; resource?: { name: string; target: { type: string; averageUtilization?: number } } }[];
        behavior?: { scaleDown?: { stabilizationWindowSeconds?: number } };
      };
      const where = `${b.name}: HPA ${h.metadata.name}`;
      t.same(spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: h.metadata.name }, `${where}: targets its Deployment`);
      const target = one(b.objects, 'Deployment', spec.scaleTargetRef.name);
      t.equal((target.spec as { replicas?: number }).replicas, undefined, `${where}: the Deployment leaves replicas to the HPA`);
      t.equal(spec.minReplicas, 1, `${where}: min 1`);
      t.equal(spec.maxReplicas, 3, `${where}: max 3`);
      t.same(spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }], `${where}: CPU 50%`);
      const window = spec.behavior?.scaleDown?.stabilizationWindowSeconds;
      t.ok(window !== undefined && window >= 30 && window <= 120, `${where}: scale-down window ${window}s is short (benchmark runs), not the 300s default`);
      for (const c of podTemplate(target).spec.containers) t.ok(c.resources?.requests?.cpu, `${where}: ${c.name} has the CPU request utilization is measured against`);
    }
    for (const s of find(b.objects, 'StatefulSet')) {
      t.notOk(hpas.some((h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === s.metadata.name), `${b.name}: ${s.metadata.name} is never autoscaled`);
    }
  }
});

t.test('stores: single-replica StatefulSets with volumes and pinned official images', async (t) => {
  const expected: Record<string, { image: RegExp; mount: string; port: number }> = {
    redis: { image: /^redis:\d+\.\d+\.\d+$/, mount: '/data', port: 6379 },
    mongodb: { image: /^mongo:\d+\.\d+\.\d+$/, mount: '/data/db', port: 27017 },
  };
  t.same(find(entry, 'StatefulSet').map((s) => s.metadata.name).sort(), Object.keys(expected).sort());
  for (const [name, want] of Object.entries(expected)) {
    const sts = one(entry, 'StatefulSet', name);
    const spec = sts.spec as { replicas: number; serviceName: string; volumeClaimTemplates: { metadata: { name: string }; spec: { resources: { requests: { storage: string } } } }[] };
    t.equal(spec.replicas, 1, `${name}: one replica`);
    t.equal(spec.serviceName, name, `${name}: serviceName`);
    const c = onlyContainer(sts);
    t.match(c.image, want.image, `${name}: official image with a full version tag`);
    const claim = spec.volumeClaimTemplates[0];
    t.ok(claim && quantity(claim.spec.resources.requests.storage) > 0, `${name}: a PersistentVolumeClaim template`);
    t.ok(c.volumeMounts?.some((m) => m.name === claim?.metadata.name && m.mountPath === want.mount), `${name}: data volume mounted at ${want.mount}`);
    t.ok(c.ports?.some((p) => p.containerPort === want.port), `${name}: port ${want.port}`);
    t.ok(c.readinessProbe && c.livenessProbe, `${name}: readiness and liveness probes`);
  }
  t.same((onlyContainer(one(entry, 'StatefulSet', 'redis')).args ?? []).slice(0, 2), ['--requirepass', '$(REDIS_PASSWORD)'], 'redis requires the password from the Secret');
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
  for (const b of committedBuilds) {
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

t.test('ingress components: one ingress per build, sending /course to the split parent', async (t) => {
  for (const { variant, objects } of variants) {
    const ingresses = find(objects, 'Ingress');
    const gateways = find(objects, 'Gateway');
    if (variant.ingress === 'ingress-nginx') {
      t.equal(gateways.length, 0, 'ingress-nginx build: no Gateway');
      const ing = one<{ metadata: { annotations: Record<string, string> }; spec: { ingressClassName: string; rules: { http: { paths: { path: string; pathType: string; backend: { service: { name: string; port: { number: number } } } }[] } }[] } }>(objects, 'Ingress', 'course');
      t.equal(ing.metadata.annotations['nginx.ingress.kubernetes.io/service-upstream'], 'true', 'service-upstream, so the meshed controller sends to the ClusterIP');
      t.equal(ing.spec.ingressClassName, 'nginx');
      const paths = ing.spec.rules.flatMap((r) => r.http.paths);
      t.same(paths.map((p) => [p.path, p.pathType, p.backend.service.name, p.backend.service.port.number]), [[COURSE_PATH, 'Exact', SERVICES.ingress, DEFAULT_PORTS.ingress]]);
    } else {
      t.equal(ingresses.length, 0, 'gateway-api build: no Ingress');
      const gw = one<{ spec: { gatewayClassName: string; listeners: { name: string; port: number; protocol: string }[] } }>(objects, 'Gateway', 'splitbench');
      const route = one<{ spec: { parentRefs: { kind: string; name: string; sectionName: string }[]; rules: { matches: { path: { type: string; value: string } }[]; backendRefs: { kind: string; name: string; port: number }[] }[] } }>(objects, 'HTTPRoute', 'course-ingress');
      t.same(route.spec.parentRefs.map((p) => [p.kind, p.name]), [['Gateway', 'splitbench']], 'the Gateway route is attached to our Gateway');
      t.ok(gw.spec.listeners.some((l) => l.name === route.spec.parentRefs[0]?.sectionName), 'to a listener that exists');
      t.same(route.spec.rules.map((r) => [r.matches[0]?.path, r.backendRefs.map((b) => [b.kind, b.name, b.port])]),
        [[{ type: 'Exact', value: COURSE_PATH }, [['Service', SERVICES.ingress, DEFAULT_PORTS.ingress]]]]);
      const classObjects = committedBuilds.find((b) => b.name === 'k8s/components/gateway-api/class')?.objects ?? [];
      const gc = one<{ spec: { controllerName: string; parametersRef: { group: string; kind: string; name: string; namespace: string } } }>(classObjects, 'GatewayClass', gw.spec.gatewayClassName);
      const ep = one<K8sObject & { spec: { routingType: string; provider: { type: string; kubernetes: { envoyDeployment: { pod: { annotations: Record<string, string> } } } } } }>(classObjects, 'EnvoyProxy', gc.spec.parametersRef.name);
      t.equal(gc.spec.controllerName, 'gateway.envoyproxy.io/gatewayclass-controller');
      t.same([gc.spec.parametersRef.group, gc.spec.parametersRef.kind, gc.spec.parametersRef.namespace], ['gateway.envoyproxy.io', 'EnvoyProxy', ep.metadata.namespace], 'the class points at the EnvoyProxy');
      t.equal(ep.apiVersion, 'gateway.envoyproxy.io/v1alpha1');
      t.equal(ep.spec.routingType, 'Service', 'Envoy sends to the ClusterIP, where Linkerd applies the split');
      t.equal(ep.spec.provider.type, 'Kubernetes');
      t.equal(ep.spec.provider.kubernetes.envoyDeployment.pod.annotations['linkerd.io/inject'], 'enabled', 'the Envoy pods are meshed');
      t.ok(ep.spec.provider.kubernetes.envoyDeployment.pod.annotations['config.linkerd.io/proxy-cpu-request'], 'with a proxy CPU request');
    }
  }
});

/** The environment a container would see: ConfigMap, then env in order with $(VAR) expanded, secrets from `secrets`. */
function resolvedEnv(objects: K8sObject[], c: Container, podName: string, secrets: Map<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    const cm = from.configMapRef ? one<{ data: Record<string, string> }>(objects, 'ConfigMap', from.configMapRef.name) : undefined;
    Object.assign(env, cm?.data ?? {});
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value.replace(/\$\(([A-Z_]+)\)/g, (whole, name: string) => env[name] ?? whole);
    else if (e.valueFrom?.secretKeyRef) env[e.name] = secrets.get(e.valueFrom.secretKeyRef.key) ?? '';
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') env[e.name] = podName;
  }
  return env;
}

t.test("each service's own loadConfig accepts the environment its manifest gives it", async (t) => {
  // Credentials as the docs tell users to make them (openssl rand -hex 24).
  const secrets = new Map([['MONGO_USERNAME', 'splitbench'], ['MONGO_PASSWORD', 'a'.repeat(48)], ['REDIS_PASSWORD', 'b'.repeat(48)]]);
  const loaders: Record<AppService, (env: Record<string, string>) => Promise<unknown>> = {
    'grpc-client': async (env) => (await import('../grpc-client/config.js')).loadConfig(env),
    'grpc-server': async (env) => (await import('../grpc-server/config.js')).loadConfig(env),
    'redis-writer': async (env) => (await import('../redis-writer/config.js')).loadConfig(env),
  };
  for (const name of APP_SERVICES) {
    const c = onlyContainer(one(entry, 'Deployment', name));
    const podName = `${name}-7d9f8b6c5d-x2x7q`;
    const env = resolvedEnv(entry, c, podName, secrets);
    const config = (await loaders[name](env)) as { port: number; host: string; instanceId: string; shutdownGraceMs: number; mongoUrl?: string; redisUrl?: string; httpPort?: number };
    t.equal(config.port, SERVICE_PORT[name], `${name}: listens on ${SERVICE_PORT[name]}`);
    t.equal(config.host, DEFAULTS.HOST, `${name}: on all interfaces`);
    t.equal(config.instanceId, podName, `${name}: instance id is the pod name`);
    t.equal(config.shutdownGraceMs, DEFAULTS.SHUTDOWN_GRACE_MS, `${name}: shutdown grace`);
    if (config.httpPort !== undefined) t.equal(config.httpPort, DEFAULT_PORTS.grpcServerHttp, `${name}: HTTP side port`);
    if (config.mongoUrl !== undefined) t.equal(config.mongoUrl, `mongodb://splitbench:${'a'.repeat(48)}@mongodb:27017/?authSource=admin`, `${name}: MONGO_URL with the credentials expanded`);
    if (config.redisUrl !== undefined) t.equal(config.redisUrl, `redis://default:${'b'.repeat(48)}@redis:6379`, `${name}: REDIS_URL with the password expanded`);
  }
  // The check has teeth: an unexpanded reference (a credential defined after its use) is not a valid URL.
  await t.rejects(loaders['redis-writer']({ REDIS_URL: 'redis://default:$(REDIS_PASSWORD)@red is:6379' }), /REDIS_URL/);
});
