// Tested against: the real HTTPRoute of linkerd/route/httproute.yaml and real `kubectl kustomize`
// output, not kube-state-metrics (it is not built here). The custom-resource-state config that exports
// the HTTPRoute weights is checked for its shape (the fields of kube-state-metrics' pkg/customresourcestate
// config types) and walked over that HTTPRoute the way its path/valueFrom/labelsFromPath select values:
// the test says which values those paths pick, and that the Benchmark's query and the deployment use the
// same names.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { parse, parseAllDocuments } from 'yaml';
import { readSplit, SPLIT_ROUTE_FILE } from '../linkerd/split.js';
import { REPO_ROOT } from '../stack/tools.js';
import { configuredWeight, HTTPROUTE_BACKEND_WEIGHT } from './prom-queries.js';

const CONFIG_FILE = path.join(REPO_ROOT, 'grafana/k8s/kube-state-metrics-httproute.yaml');
interface Gauge {
  path: string[];
  valueFrom: string[];
  labelsFromPath: Record<string, string[]>;
}
interface KsmConfig {
  kind: string;
  spec: {
    resources: {
      groupVersionKind: { group: string; version: string; kind: string };
      metricNamePrefix: string;
      labelsFromPath: Record<string, string[]>;
      metrics: { name: string; help: string; each: { type: string; gauge: Gauge } }[];
    }[];
  };
}
interface K8sObject {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
  spec?: {
    template: {
      spec: {
        containers: { args?: string[]; volumeMounts: { name: string; mountPath: string }[] }[];
        volumes: { name: string; configMap?: { name: string } }[];
      };
    };
  };
}
const config = parse(readFileSync(CONFIG_FILE, 'utf8')) as KsmConfig;
const route = parse(readFileSync(SPLIT_ROUTE_FILE, 'utf8')) as Record<string, unknown> & { metadata: { name: string } };

/** A kube-state-metrics path: object keys, or an array index given as a number string. */
function walk(v: unknown, p: string[]): unknown {
  return p.reduce<unknown>((cur, key) => (Array.isArray(cur) ? cur[Number(key)] : typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[key] : undefined), v);
}

t.test('the config has the shape kube-state-metrics reads', async (t) => {
  t.equal(config.kind, 'CustomResourceStateMetrics');
  t.equal(config.spec.resources.length, 1);
  const r = config.spec.resources[0]!;
  const [group, version] = String(route.apiVersion).split('/');
  t.same(r.groupVersionKind, { group, version, kind: route.kind }, 'the HTTPRoute kind, at the apiVersion linkerd/route uses');
  t.equal(r.metrics.length, 1);
  const m = r.metrics[0]!;
  t.equal(`${r.metricNamePrefix}_${m.name}`, HTTPROUTE_BACKEND_WEIGHT, 'exports the metric the Benchmark dashboard queries');
  t.equal(m.each.type, 'Gauge');
  t.ok(m.help.length > 0);
  for (const p of [m.each.gauge.path, m.each.gauge.valueFrom, ...Object.values(m.each.gauge.labelsFromPath), ...Object.values(r.labelsFromPath)]) {
    t.ok(Array.isArray(p) && p.every((x) => typeof x === 'string'), `${JSON.stringify(p)} is a list of strings`);
  }
});

t.test('walked over the real HTTPRoute, it picks each backend and its weight', async (t) => {
  const r = config.spec.resources[0]!;
  const g = r.metrics[0]!.each.gauge;
  const each = walk(route, g.path);
  t.ok(Array.isArray(each), 'the path names the backendRefs list');
  const series = (each as unknown[]).map((ref) => ({
    ...Object.fromEntries(Object.entries(g.labelsFromPath).map(([label, p]) => [label, walk(ref, p)])),
    ...Object.fromEntries(Object.entries(r.labelsFromPath).map(([label, p]) => [label, walk({ ...route, metadata: { ...route.metadata, namespace: 'splitbench' } }, p)])),
    value: walk(ref, g.valueFrom),
  }));
  const split = readSplit(SPLIT_ROUTE_FILE);
  t.same(
    series,
    split.backends.map((b) => ({ backend: b.service, namespace: 'splitbench', httproute: split.name, value: b.weight })),
    'one series per backend: its Service name and weight, the route name and namespace',
  );
  const expr = configuredWeight('A', split.name).expr;
  for (const label of Object.keys(r.labelsFromPath)) t.match(expr, label, `the configured-weight query uses the label ${label}`);
  t.match(expr, `httproute="${split.name}"`);
  for (const b of split.backends) t.match(expr, `"backend", "${b.service}"`, `it names the route of backend ${b.service}`);
});

t.test('kube-state-metrics is deployed reading it, allowed to list HTTPRoutes and find their kind', async (t) => {
  const objects = parseAllDocuments(execFileSync('kubectl', ['kustomize', path.join(REPO_ROOT, 'grafana/k8s')], { encoding: 'utf8' })).map((d) => d.toJS() as K8sObject);
  const pod = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'kube-state-metrics')?.spec?.template.spec;
  const args = pod?.containers[0]?.args ?? [];
  const file = args.find((a) => a.startsWith('--custom-resource-state-config-file='))?.split('=')[1] ?? '';
  t.ok(args.find((a) => a.startsWith('--resources='))?.split(',').includes('httproutes'), '--resources lists httproutes');
  const mount = pod?.containers[0]?.volumeMounts.find((m) => file.startsWith(m.mountPath + '/'));
  const volume = pod?.volumes.find((v) => v.name === mount?.name);
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume?.configMap?.name);
  t.equal(cm?.data?.[path.basename(file)], readFileSync(CONFIG_FILE, 'utf8'), `${file} is this config, from a ConfigMap`);
  const rules = (kind: string) => objects.filter((o) => o.kind === kind).flatMap((o) => o.rules ?? []);
  t.ok(rules('Role').some((r) => r.apiGroups.includes('gateway.networking.k8s.io') && r.resources.includes('httproutes') && r.verbs.includes('watch')), 'Role: list/watch httproutes');
  t.ok(rules('ClusterRole').some((r) => r.apiGroups.includes('apiextensions.k8s.io') && r.resources.includes('customresourcedefinitions') && r.verbs.includes('list')), 'ClusterRole: list/watch CRDs');
});
