/**
 * The split, offline: the canonical HTTPRoute's shape and weights, each split component's weights as
 * its name says, each switch a one-line edit of linkerd/kustomization.yaml, and the mesh settings the
 * split and the autoscalers depend on.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { parse, stringify } from 'yaml';
import { DEFAULT_PORTS, SERVICES } from '../contract/services.js';
import { copyToTemp, find, kustomize, one, REPO_ROOT, type K8sObject } from '../k8s/lib/kustomize.js';
import { validateObject } from '../k8s/lib/schemas.js';
import { buildVariant, entryFor, INGRESS_COMPONENTS, type Variant } from '../k8s/lib/variants.js';
import { hasPodTemplate, podTemplate } from '../k8s/lib/workloads.js';
import { parseSplit, readSplit, routeFractions, SPLIT_ROUTE_FILE, SplitError, type Split } from './split.js';

const NAMESPACE = 'splitbench';
const SPLIT_COMPONENTS = readdirSync(path.join(REPO_ROOT, 'linkerd', 'components')).filter((d) => d.startsWith('split-')).sort();

/** split-90-10 -> { grpc-client: 90, redis-writer: 10 }: the folder name is the promise the test checks. */
function weightsFromName(component: string): Record<string, number> {
  const m = /^split-(\d+)-(\d+)$/.exec(component);
  if (!m) throw new Error(`${component}: split components are named split-<grpc-client %>-<redis-writer %>`);
  return { [SERVICES.grpcClient]: Number(m[1]), [SERVICES.redisWriter]: Number(m[2]) };
}

function routeOf(objects: K8sObject[]): Split {
  const route = one(objects, 'HTTPRoute', 'course-split');
  return parseSplit(JSON.stringify(route), 'built HTTPRoute');
}

type RouteDoc = { spec: { rules: unknown[]; parentRefs: unknown[] } };
function edit(text: string, change: (doc: RouteDoc) => void): string {
  const doc = parse(text) as RouteDoc;
  change(doc);
  return stringify(doc);
}

function weights(split: Split): Record<string, number> {
  return Object.fromEntries(split.backends.map((b) => [b.service, b.weight]));
}

t.test('the canonical route: linkerd/route/httproute.yaml splits ingress:8080 50/50', async (t) => {
  t.equal(path.relative(REPO_ROOT, SPLIT_ROUTE_FILE), path.join('linkerd', 'route', 'httproute.yaml'));
  const split = readSplit();
  t.same(split.parent, { service: SERVICES.ingress, port: DEFAULT_PORTS.ingress }, 'parent is the ingress Service on the ingress port');
  t.same(split.backends, [
    { service: SERVICES.grpcClient, port: DEFAULT_PORTS.grpcClient, weight: 50 },
    { service: SERVICES.redisWriter, port: DEFAULT_PORTS.redisWriter, weight: 50 },
  ]);
  t.same(routeFractions(split), { grpc: 0.5, redis: 0.5 }, 'as fractions per route (X-Route values)');
  const raw = kustomize(path.join(REPO_ROOT, 'linkerd', 'route'));
  t.equal(raw.length, 1);
  for (const o of raw) t.doesNotThrow(() => validateObject(o), 'the route validates against the Gateway API schema');
  t.equal(raw[0]?.metadata.namespace, NAMESPACE, 'the route lives in the app namespace');
  const parentRef = ((raw[0]?.spec as { parentRefs: Record<string, unknown>[] }).parentRefs)[0];
  t.same(parentRef, { group: 'core', kind: 'Service', name: SERVICES.ingress, port: DEFAULT_PORTS.ingress }, 'parentRef as Linkerd documents it');
});

t.test('each split component gives the weights its name says, with one line switched', async (t) => {
  t.same(SPLIT_COMPONENTS, ['split-100-0', 'split-90-10'], 'the split components (50/50 is the route itself)');
  const cases: { variant: Variant; want: Record<string, number> }[] = [
    { variant: { ingress: 'gateway-api' }, want: { [SERVICES.grpcClient]: 50, [SERVICES.redisWriter]: 50 } },
    ...SPLIT_COMPONENTS.map((split) => ({ variant: { ingress: 'ingress-nginx' as const, split }, want: weightsFromName(split) })),
    ...SPLIT_COMPONENTS.map((split) => ({ variant: { ingress: 'gateway-api' as const, split }, want: weightsFromName(split) })),
  ];
  for (const { variant, want } of cases) {
    const label = `${variant.ingress} + ${variant.split ?? '50/50'}`;
    const { changedLines } = entryFor(variant);
    const expectedChanges = (variant.split ? 1 : 0) + (variant.ingress === 'gateway-api' ? 0 : 2);
    t.equal(changedLines, expectedChanges, `${label}: ${expectedChanges} line(s) of linkerd/kustomization.yaml differ`);
    const objects = buildVariant(variant);
    const split = routeOf(objects);
    t.same(weights(split), want, `${label}: weights`);
    t.equal(Object.values(want).reduce((a, b) => a + b, 0), 100, `${label}: the weights read as percentages`);
    t.equal(find(objects, 'HTTPRoute').filter((r) => (r.spec as { parentRefs: { kind: string }[] }).parentRefs[0]?.kind === 'Service').length, 1, `${label}: one split route`);
  }
  t.throws(() => entryFor({ ingress: 'ingress-nginx', split: 'split-70-30' }), /no line for components\/split-70-30/, 'an unknown component is an error, not a silent 50/50');
});

t.test('the split components refuse to patch a reordered route', async (t) => {
  // Swap the backends: a component that patched by position would now give 90% to redis-writer.
  const tmp = copyToTemp(['k8s', 'linkerd']);
  try {
    const file = path.join(tmp.root, 'linkerd', 'route', 'httproute.yaml');
    const text = readFileSync(file, 'utf8');
    const swapped = text.replace(/name: grpc-client\n(\s+)port: 8081/, 'name: TMP\n$1port: 8082')
      .replace(/name: redis-writer\n(\s+)port: 8082/, 'name: grpc-client\n$1port: 8081')
      .replace('name: TMP', 'name: redis-writer');
    t.not(swapped, text, 'the copy has its backends swapped');
    writeFileSync(file, swapped);
    t.same(weights(parseSplit(swapped)), { 'redis-writer': 50, 'grpc-client': 50 }, 'the swapped route itself is still valid');
    for (const split of SPLIT_COMPONENTS) {
      writeFileSync(path.join(tmp.root, 'linkerd', 'kustomization.yaml'), entryFor({ ingress: 'gateway-api', split }).text);
      t.throws(() => kustomize(path.join(tmp.root, 'linkerd')), /test|testing|value/i, `${split}: the build fails instead of splitting the wrong way`);
    }
  } finally {
    tmp.remove();
  }
});

t.test('every backend and the parent exist as Services in the route namespace, on the route ports', async (t) => {
  for (const ingress of INGRESS_COMPONENTS) {
    const objects = buildVariant({ ingress });
    const route = one(objects, 'HTTPRoute', 'course-split');
    const split = routeOf(objects);
    const services = find(objects, 'Service');
    const servicePorts = (name: string): number[] =>
      (services.find((s) => s.metadata.name === name)?.spec as { ports: { port: number }[] } | undefined)?.ports.map((p) => p.port) ?? [];
    t.ok(servicePorts(split.parent.service).includes(split.parent.port), `${ingress}: parent ${split.parent.service}:${split.parent.port} exists`);
    t.equal(services.find((s) => s.metadata.name === split.parent.service)?.metadata.namespace, route.metadata.namespace, `${ingress}: parent in the route's namespace`);
    for (const b of split.backends) {
      t.ok(servicePorts(b.service).includes(b.port), `${ingress}: backend ${b.service}:${b.port} exists`);
      t.equal(services.find((s) => s.metadata.name === b.service)?.metadata.namespace, route.metadata.namespace, `${ingress}: ${b.service} in the route's namespace`);
      t.ok(find(objects, 'Deployment', b.service).length === 1, `${ingress}: ${b.service} has a Deployment behind it`);
    }
    t.same(find(objects, 'ServiceProfile'), [], `${ingress}: no ServiceProfile (it would override the HTTPRoute)`);
  }
});

t.test('mesh: every workload injected with proxy resources; the HPA targets measurable', async (t) => {
  const objects = kustomize(path.join(REPO_ROOT, 'linkerd'));
  const workloads = objects.filter(hasPodTemplate);
  t.same(workloads.map((w) => w.metadata.name).sort(), ['grpc-client', 'grpc-server', 'mongodb', 'redis', 'redis-writer']);
  for (const w of workloads) {
    const a = podTemplate(w).metadata?.annotations ?? {};
    t.equal(a['linkerd.io/inject'], 'enabled', `${w.metadata.name}: injected`);
    for (const k of ['proxy-cpu-request', 'proxy-cpu-limit', 'proxy-memory-request', 'proxy-memory-limit']) {
      t.ok(a[`config.linkerd.io/${k}`], `${w.metadata.name}: config.linkerd.io/${k}`);
    }
  }
  for (const h of find(objects, 'HorizontalPodAutoscaler')) {
    const target = one(objects, 'Deployment', (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name);
    t.ok(podTemplate(target).metadata?.annotations?.['config.linkerd.io/proxy-cpu-request'], `${h.metadata.name}: the proxy has a CPU request, so CPU utilization is defined`);
  }
  for (const w of workloads) {
    const a = podTemplate(w).metadata?.annotations ?? {};
    // Linkerd 2.20 injects a native sidecar, which Kubernetes stops after the app; the old annotation is ignored.
    t.equal(a['config.alpha.linkerd.io/proxy-wait-before-exit-seconds'], undefined, `${w.metadata.name}: no proxy-wait-before-exit-seconds (native sidecars)`);
    t.notOk(Object.keys(a).some((k) => k.includes('native-sidecar')), `${w.metadata.name}: native sidecars left at Linkerd 2.20's default`);
  }
  const observability = kustomize(path.join(REPO_ROOT, 'linkerd', 'observability')).filter(hasPodTemplate);
  t.ok(observability.length >= 4 && observability.every((w) => podTemplate(w).metadata?.annotations?.['linkerd.io/inject'] === 'enabled'),
    `linkerd/observability meshes ${observability.map((w) => w.metadata.name).join(', ')}: the stores admit mesh identities only`);
  const mongo = one(objects, 'Service', 'mongodb');
  const mongoPorts = (mongo.spec as { ports: { port: number }[] }).ports.map((p) => String(p.port));
  t.same(mongo.metadata.annotations?.['config.linkerd.io/opaque-ports']?.split(','), mongoPorts, 'MongoDB port marked opaque');
  const base = kustomize(path.join(REPO_ROOT, 'k8s'));
  t.notOk(base.filter(hasPodTemplate).some((w) => podTemplate(w).metadata?.annotations?.['linkerd.io/inject']), 'the k8s/ base itself stays mesh-agnostic');
});

t.test('parseSplit accepts the documented shape and rejects every ambiguity', async (t) => {
  const good = readFileSync(SPLIT_ROUTE_FILE, 'utf8');
  t.same(weights(parseSplit(good)), { 'grpc-client': 50, 'redis-writer': 50 });
  t.same(routeFractions(parseSplit(good.replace('weight: 50', 'weight: 90').replace('weight: 50', 'weight: 10'))), { grpc: 0.9, redis: 0.1 });
  t.same(routeFractions(parseSplit(good.replace('weight: 50', 'weight: 3').replace('weight: 50', 'weight: 1'))), { grpc: 0.75, redis: 0.25 }, 'weights are relative, not percentages');
  t.same(parseSplit(good.replace('group: core', 'group: ""')).parent.service, 'ingress', 'the spec spelling of the core group works too');
  const bad: [string, string, RegExp][] = [
    ['not YAML', 'a: [', /not YAML/],
    ['another kind', good.replace('kind: HTTPRoute', 'kind: GRPCRoute'), /kind HTTPRoute/],
    ['an older API version', good.replace('gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'), /gateway\.networking\.k8s\.io\/v1/],
    ['a missing weight', good.replace(/\n\s+weight: 50/, ''), /weight is missing/],
    ['a negative weight', good.replace('weight: 50', 'weight: -1'), /integer 0\.\.1000000/],
    ['a fractional weight', good.replace('weight: 50', 'weight: 0.5'), /integer/],
    ['all weights zero', good.replace(/weight: 50/g, 'weight: 0'), /every weight is 0/],
    ['a Gateway parent', good.replace('group: core', 'group: gateway.networking.k8s.io').replace('kind: Service', 'kind: Gateway'), /parent must be a Service/],
    ['a parent in another namespace', good.replace('name: ingress', 'name: ingress\n      namespace: other'), /own namespace/],
    ['a backend in another namespace', good.replace('name: redis-writer', 'name: redis-writer\n          namespace: other'), /parent's namespace/],
    ['a rule matching only some paths', good.replace('value: /', 'value: /x'), /rules\[0\]\.matches is not supported/],
    ['a rule with filters', good.replace('      backendRefs:', '      filters: []\n      backendRefs:'), /rules\[0\]\.filters is not supported/],
    ['two rules', edit(good, (d) => d.spec.rules.push(structuredClone(d.spec.rules[0]))), /exactly one rule/],
    ['two parents', edit(good, (d) => d.spec.parentRefs.push(structuredClone(d.spec.parentRefs[0]))), /exactly one Service/],
    ['a duplicate backend', good.replace('name: redis-writer', 'name: grpc-client'), /listed twice/],
    ['one backend only', edit(good, (d) => (d.spec.rules[0] as { backendRefs: unknown[] }).backendRefs.pop()), /at least two backends/],
  ];
  for (const [what, text, want] of bad) t.throws(() => parseSplit(text), want, `rejects ${what}`);
  t.throws(() => parseSplit('[1, 2]'), SplitError, 'errors are SplitErrors');
  t.throws(() => routeFractions(parseSplit(good.replace(/name: redis-writer\n(\s+)port: 8082/, 'name: other\n$1port: 8082'))), /expected exactly grpc-client, redis-writer/, 'route fractions need exactly the two REST services');
  t.same(weights(parseSplit(edit(good, (d) => delete (d.spec.rules[0] as { matches?: unknown }).matches))), { 'grpc-client': 50, 'redis-writer': 50 }, 'a rule without matches (the same default) is accepted');
});
