/**
 * The ingress components, checked offline: the Gateway API is the default, each build has one ingress
 * sending /course to the split parent, and every ingress object carries the label switching deletes
 * by. What only a real cluster can prove is listed in docs/kubernetes.md.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { COURSE_PATH } from '../contract/http.js';
import { DEFAULT_PORTS, SERVICES } from '../contract/services.js';
import { committedBuilds, entry, variants } from './lib/builds.js';
import { find, one, parseObjects, REPO_ROOT, type K8sObject } from './lib/kustomize.js';

const ENVOY_SERVICE = 'splitbench-gateway';
const jobBaseUrl = (parseObjects(readFileSync(path.join(REPO_ROOT, 'k8s', 'loadtest', 'job', 'job.yaml'), 'utf8'), 'job.yaml')[0] as K8sObject & {
  spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
}).spec.template.spec.containers[0]?.env.find((e) => e.name === 'BASE_URL')?.value;

t.test('the Gateway API is the default ingress; every ingress object is labelled with its component', async (t) => {
  t.match(readFileSync(path.join(REPO_ROOT, 'linkerd', 'kustomization.yaml'), 'utf8'), /^ {2}- \.\.\/k8s\/components\/gateway-api$/m, 'gateway-api is the uncommented line');
  t.equal(find(entry, 'Gateway').length, 1, 'the entry point builds the Gateway');
  for (const { variant, objects } of variants) {
    const own = objects.filter((o) => o.metadata.labels?.['splitbench.io/ingress'] !== undefined);
    t.ok(own.length >= 3, `${variant.ingress}: ${own.length} labelled objects`);
    t.ok(own.every((o) => o.metadata.labels?.['splitbench.io/ingress'] === variant.ingress), `${variant.ingress}: all labelled ${variant.ingress}, so switching can delete them by label`);
    for (const kind of ['Gateway', 'Ingress']) for (const o of find(objects, kind)) t.equal(o.metadata.labels?.['splitbench.io/ingress'], variant.ingress, `${kind} ${o.metadata.name} labelled`);
    const routes = find(objects, 'HTTPRoute').filter((r) => r.metadata.name !== 'course-split');
    for (const r of routes) t.equal(r.metadata.labels?.['splitbench.io/ingress'], variant.ingress, `HTTPRoute ${r.metadata.name} labelled`);
    t.equal(one(objects, 'HTTPRoute', 'course-split').metadata.labels?.['splitbench.io/ingress'], undefined, 'the split itself is not an ingress object');
  }
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
      const ep = one<K8sObject & { spec: { routingType: string; provider: { type: string; kubernetes: { envoyDeployment: { pod: { annotations: Record<string, string> } }; envoyService: { name: string; type: string } } } } }>(classObjects, 'EnvoyProxy', gc.spec.parametersRef.name);
      t.equal(ep.spec.provider.kubernetes.envoyService.name, ENVOY_SERVICE, 'the Envoy Service has the fixed name the load Job and script use');
      t.equal(jobBaseUrl, `http://${ENVOY_SERVICE}.${ep.metadata.namespace}.svc.cluster.local`, "the k6 Job's default BASE_URL is that Service");
      t.match(readFileSync(path.join(REPO_ROOT, 'scripts', 'k8s-loadtest.sh'), 'utf8'), `BASE_URL="${jobBaseUrl}"`, 'and so is the load script\'s gateway target');
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

