// Tested against: real `kubectl kustomize` output (offline, what `kubectl apply -k grafana/k8s` would
// send) validated with the Kubernetes schemas of kubernetes-models, plus our own checks: pinned images,
// hardened containers, provisioning mounted from ConfigMaps that hold exactly the generated files,
// plugins and ports that match the code, and scrape targets that match the app's own manifests in k8s/.
// No cluster runs here.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import t from 'tap';
import { parse, parseAllDocuments } from 'yaml';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { REPO_ROOT } from '../stack/tools.js';
import { renderAll } from './build.js';
import { PLUGINS } from './datasources.js';
import { GRADES_API_PORT, loadConfig } from '../grades-api/config.js';
import { KUBE_STATE_METRICS, METRICS_TARGETS, PROMETHEUS_PORT } from './prometheus-config.js';
import { DASHBOARDS_DIR, PROVISIONING_ENV } from './provisioning.js';
import { NAMESPACE } from './prom-queries.js';

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [k: string]: unknown;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: unknown };
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: EnvVar[];
  ports?: { name?: string; containerPort: number }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean };
  containers: Container[];
  initContainers?: (Container & { command?: string[] })[];
  volumes?: { name: string; configMap?: { name: string } }[];
}
type DeploymentObj = Obj & { spec: { template: { metadata: { labels: Record<string, string> }; spec: PodSpec } } };

function kustomize(dir: string): Obj[] {
  const out = execFileSync('kubectl', ['kustomize', path.join(REPO_ROOT, dir)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseAllDocuments(out).map((d) => d.toJS() as Obj).filter((o) => o !== null);
}

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'apps/v1/Deployment': Deployment,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
};

const objects = kustomize('grafana/k8s');
const find = <T = Obj>(kind: string, name: string): T => {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0] as T;
};
const deployments = objects.filter((o) => o.kind === 'Deployment') as DeploymentObj[];
const envOf = (c: Container, name: string): EnvVar | undefined => c.env?.find((e) => e.name === name);
const configMapOf = (d: DeploymentObj, volume: string): Obj & { data: Record<string, string> } => {
  const v = d.spec.template.spec.volumes?.find((x) => x.name === volume);
  if (v?.configMap === undefined) throw new Error(`${d.metadata.name}: volume ${volume} is not a ConfigMap`);
  return find(`ConfigMap`, v.configMap.name);
};

t.test('every object is valid, in the namespace, with no Secret committed', async (t) => {
  for (const o of objects) {
    const Model = MODELS[`${o.apiVersion}/${o.kind}`];
    t.ok(Model, `${o.kind} ${o.metadata.name} has a schema here`);
    if (Model !== undefined) t.doesNotThrow(() => new Model(structuredClone(o) as never).validate(), `${o.kind} ${o.metadata.name} validates`);
    const clusterScoped = ['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind);
    if (!clusterScoped) t.equal(o.metadata.namespace, NAMESPACE, `${o.kind} ${o.metadata.name} in ${NAMESPACE}`);
  }
  t.notOk(objects.some((o) => o.kind === 'Secret'), 'credentials come from Secrets created outside git');
});

t.test('containers: pinned images, limits, probes, non-root, read-only root', async (t) => {
  t.same(deployments.map((d) => d.metadata.name).sort(), ['grades-api', 'grafana', 'kube-state-metrics', 'prometheus']);
  for (const d of deployments) {
    const pod = d.spec.template.spec;
    t.equal(pod.securityContext?.runAsNonRoot, true, `${d.metadata.name}: runAsNonRoot`);
    t.equal(d.spec.template.metadata.labels.app, d.metadata.name, `${d.metadata.name}: app label = name`);
    for (const c of pod.containers) {
      const where = `${d.metadata.name}/${c.name}`;
      t.match(c.image, /^[a-z0-9./-]+:[A-Za-z0-9._-]+$/, `${where}: image has a tag`);
      t.notMatch(c.image, /:latest$/, `${where}: not latest`);
      t.ok(c.resources?.requests?.cpu && c.resources.requests.memory && c.resources.limits?.memory, `${where}: requests and memory limit`);
      t.ok(c.readinessProbe && c.livenessProbe, `${where}: probes`);
      t.equal(c.securityContext?.readOnlyRootFilesystem, true, `${where}: read-only root`);
      t.equal(c.securityContext?.allowPrivilegeEscalation, false, `${where}: no privilege escalation`);
      t.same(c.securityContext?.capabilities?.drop, ['ALL'], `${where}: drops all capabilities`);
    }
  }
});

t.test('Grafana: provisioning and dashboards mounted from ConfigMaps holding the generated files', async (t) => {
  const files = renderAll();
  const g = find<DeploymentObj>('Deployment', 'grafana');
  const c = g.spec.template.spec.containers[0]!;
  // Grafana installs nothing itself (no internet needed at start); the init container installs the pinned plugin.
  t.equal(envOf(c, 'GF_PLUGINS_PREINSTALL_DISABLED')?.value, 'true', 'no plugin downloads at start, default apps included');
  t.notOk(envOf(c, 'GF_PLUGINS_PREINSTALL_SYNC') ?? envOf(c, 'GF_PLUGINS_PREINSTALL') ?? envOf(c, 'GF_INSTALL_PLUGINS'), 'and no install list it would ignore');
  const init = g.spec.template.spec.initContainers ?? [];
  t.equal(init.length, 1, 'one init container installs the plugin');
  for (const p of PLUGINS) {
    const cmd = init[0]?.command ?? [];
    t.same(cmd.slice(-4), ['plugins', 'install', p.id, p.version], `installs ${p.id} ${p.version} (grafana/datasources.ts)`);
    t.match(envOf(init[0]!, 'PLUGIN_URL')?.value ?? '', `/${p.id}/versions/${p.version}/`, 'from a URL of that version (replaceable by a mirror)');
    t.equal(cmd[cmd.indexOf('--pluginsDir') + 1], '/var/lib/grafana/plugins', 'into the plugins folder');
  }
  t.equal(init[0]?.volumeMounts?.find((m) => m.name === 'data')?.mountPath, '/var/lib/grafana', 'on the volume Grafana reads');
  t.equal(init[0]?.securityContext?.readOnlyRootFilesystem, true, 'init container: read-only root');
  for (const key of ['GF_SECURITY_ADMIN_USER', 'GF_SECURITY_ADMIN_PASSWORD']) {
    t.equal(envOf(c, key)?.valueFrom?.secretKeyRef?.name, 'grafana-admin', `${key} from the Secret grafana-admin`);
  }
  for (const name of Object.values(PROVISIONING_ENV)) t.ok(envOf(c, name), `${name} set for the provisioning files`);
  const mount = (volume: string): string | undefined => c.volumeMounts?.find((m) => m.name === volume)?.mountPath;

  t.equal(mount('datasources'), '/etc/grafana/provisioning/datasources');
  t.same(Object.values(configMapOf(g, 'datasources').data), [files.get('provisioning/datasources/splitbench.yaml')]);
  t.equal(mount('dashboard-providers'), '/etc/grafana/provisioning/dashboards');
  t.same(Object.values(configMapOf(g, 'dashboard-providers').data), [files.get('provisioning/dashboards/splitbench.yaml')]);
  t.equal(mount('dashboards'), DASHBOARDS_DIR, 'where the provider reads');
  const dashboards = configMapOf(g, 'dashboards').data;
  t.same(dashboards, { 'grades.json': files.get('dashboards/json/grades.json'), 'benchmark.json': files.get('dashboards/json/benchmark.json') });

  // The URLs the provisioning uses point at Services of this kustomization or of the app (k8s/).
  const app = kustomize('k8s');
  const services = new Map([...objects, ...app].filter((o) => o.kind === 'Service').map((o) => [o.metadata.name, o as Obj & { spec: { ports: { port: number }[] } }]));
  for (const name of [PROVISIONING_ENV.prometheusUrl, PROVISIONING_ENV.gradesApiUrl]) {
    const url = new URL(envOf(c, name)?.value ?? '');
    const svc = services.get(url.hostname);
    t.ok(svc?.spec.ports.some((p) => p.port === Number(url.port)), `${name}=${url.href} is a Service port`);
  }
});

t.test('Prometheus: remote-write receiver, and it scrapes each service where its Deployment serves /metrics', async (t) => {
  const p = find<DeploymentObj>('Deployment', 'prometheus');
  const c = p.spec.template.spec.containers[0]!;
  t.ok(c.args?.includes('--web.enable-remote-write-receiver'), 'k6 can remote-write');
  t.equal(c.ports?.[0]?.containerPort, PROMETHEUS_PORT);
  const config = parse(Object.values(configMapOf(p, 'config').data)[0]!) as { scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[] };
  t.same(config, parse(renderAll().get('k8s/generated/prometheus.yml')!));
  t.same(config.scrape_configs.find((j) => j.job_name === 'kube-state-metrics')?.static_configs?.[0]?.targets, [`${KUBE_STATE_METRICS.service}:${KUBE_STATE_METRICS.port}`]);
  const ksm = find<Obj & { spec: { ports: { port: number }[] } }>('Service', KUBE_STATE_METRICS.service);
  t.equal(ksm.spec.ports[0]?.port, KUBE_STATE_METRICS.port);

  const app = kustomize('k8s').filter((o) => o.kind === 'Deployment') as DeploymentObj[];
  for (const target of METRICS_TARGETS) {
    const d = app.find((x) => x.spec.template.metadata.labels.app === target.app);
    t.ok(d, `k8s/ has a Deployment with app=${target.app}`);
    const ports = d?.spec.template.spec.containers.flatMap((x) => x.ports ?? []).map((x) => x.containerPort) ?? [];
    t.ok(ports.includes(target.port), `${target.app} exposes ${target.port} (its /metrics port)`);
  }
});

t.test('grades-api: port and env match the service', async (t) => {
  const d = find<DeploymentObj>('Deployment', 'grades-api');
  const c = d.spec.template.spec.containers[0]!;
  t.equal(c.ports?.[0]?.containerPort, GRADES_API_PORT);
  const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? 'from-secret']));
  const config = loadConfig({ ...env, MONGO_URL: 'mongodb://u:p@mongodb:27017/?authSource=admin', REDIS_URL: env.REDIS_URL!.replace('$(REDIS_PASSWORD)', 'from-secret') });
  t.equal(config.port, GRADES_API_PORT, 'the env it is given loads');
  t.equal(envOf(c, 'MONGO_PASSWORD')?.valueFrom?.secretKeyRef?.name, 'splitbench-stores', 'the store credentials of the app');
  t.equal(envOf(c, 'REDIS_PASSWORD')?.valueFrom?.secretKeyRef?.name, 'splitbench-stores');
  t.equal(config.redisUrl, 'redis://default:from-secret@redis:6379', 'Redis: the Service of k8s/redis.yaml, with the password');
  const printed = execFileSync('bash', [path.join(REPO_ROOT, 'scripts/images.sh'), 'print'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  t.ok(printed.split('\n').includes(c.image), `scripts/images.sh builds ${c.image}, the image this Deployment runs`);
  const svc = find<Obj & { spec: { ports: { port: number }[] } }>('Service', 'grades-api');
  t.equal(svc.spec.ports[0]?.port, GRADES_API_PORT);
});
