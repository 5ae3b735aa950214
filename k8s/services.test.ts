/**
 * The manifests, checked offline: the three services' manifests agree with contract/ (names, ports, env, probe
 * paths), and each service's own loadConfig accepts what its manifest gives it. What only a real cluster
 * can prove is listed in docs/kubernetes.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { HEALTHZ_PATH, READYZ_PATH } from '../contract/http.js';
import { DEFAULT_PORTS, DEFAULTS, ENV, SERVICE_ENV, SERVICES } from '../contract/services.js';
import { MONGO_DB_DEFAULT } from '../contract/stores.js';
import { APP_SERVICES, entry, HTTP_PORT, resolvedEnv, SERVICE_PORT, type AppService } from './lib/builds.js';
import { find, one, REPO_ROOT } from './lib/kustomize.js';
import { onlyContainer, podTemplate, resolvePort } from './lib/workloads.js';
/** Env vars the manifests add only to build MONGO_URL / REDIS_URL from the Secret (the services ignore them). */
const CREDENTIAL_ENV = new Set(['MONGO_USERNAME', 'MONGO_PASSWORD', 'REDIS_PASSWORD']);

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
    if (SERVICE_ENV[name].includes('MONGO_INSERT_BATCH')) t.equal(cm.data[ENV.MONGO_INSERT_BATCH], String(DEFAULTS.MONGO_INSERT_BATCH), `${name}: MONGO_INSERT_BATCH`);
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
