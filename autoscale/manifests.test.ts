/**
 * Reading HPAs and Deployments: from this repository's real k8s/*.yaml, from the real `kubectl kustomize`
 * build of linkerd/ (where the proxy's CPU request is added), and from small hand-written manifests for
 * the defaults and for every error, which must name the file, the object and the field.
 */
import path from 'node:path';
import t from 'tap';
import { stringify } from 'yaml';
import { kustomize, REPO_ROOT } from '../k8s/lib/kustomize.js';
import { defaultBehavior } from './behavior.js';
import { milliValue } from './fields.js';
import { parseAutoscaledDeployments, readAutoscaledDeployments, type SourcedObject } from './manifests.js';

const APP_SERVICES = ['grpc-client', 'grpc-server', 'redis-writer'];

t.test('the repository\'s k8s/*.yaml: an HPA for each service, 1..3 replicas at 50% of a 250m request', async (t) => {
  const found = readAutoscaledDeployments();
  t.same(found.map((d) => d.deployment).sort(), APP_SERVICES);
  for (const d of found) {
    t.same(
      { min: d.minReplicas, max: d.maxReplicas, target: d.targetCpuUtilizationPercent, hpa: d.hpa, files: d.files },
      { min: 1, max: 3, target: 50, hpa: d.deployment, files: { deployment: `${d.deployment}.yaml`, hpa: `${d.deployment}.yaml` } },
      d.deployment,
    );
    t.same(d.cpuRequest, { containersMillicores: 250, linkerdProxyMillicores: null, clusterMillicores: 250, localMillicores: 250 }, `${d.deployment}: no proxy in the base`);
    t.ok(d.behaviorSpecified);
    t.same(d.behavior, {
      scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 30 }], tolerance: null },
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 2, periodSeconds: 15 }], tolerance: null },
    });
  }
});

t.test('the meshed build (kubectl kustomize linkerd): the cluster divides by app + proxy, the local autoscaler by the app alone', async (t) => {
  const objects: SourcedObject[] = kustomize(path.join(REPO_ROOT, 'linkerd')).map((object) => ({ source: 'kubectl kustomize linkerd', object }));
  const found = parseAutoscaledDeployments(objects);
  t.same(found.map((d) => d.deployment).sort(), APP_SERVICES);
  for (const d of found) t.same(d.cpuRequest, { containersMillicores: 250, linkerdProxyMillicores: 100, clusterMillicores: 350, localMillicores: 250 }, d.deployment);
});

function deployment(container: Record<string, unknown> = { name: 'web', resources: { requests: { cpu: '200m' } } }): Record<string, unknown> {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec: { containers: [container] } } } };
}

function hpa(spec: Record<string, unknown> = {}, name = 'web'): Record<string, unknown> {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 4, ...spec },
  };
}

function read(...objects: Record<string, unknown>[]): ReturnType<typeof parseAutoscaledDeployments> {
  return parseAutoscaledDeployments(objects.map((object) => ({ source: `${object.kind === 'Deployment' ? 'web' : 'hpa'}.yaml`, object })));
}

t.test('the API server\'s defaults fill what the HPA leaves out', async (t) => {
  const [bare] = read(deployment(), hpa());
  t.match(bare, { minReplicas: 1, targetCpuUtilizationPercent: 80, behaviorSpecified: false }, 'minReplicas 1 and a cpu 80% metric');
  t.same(bare?.behavior, defaultBehavior(300));
  t.same(read(deployment(), hpa())[0]?.behavior.scaleDown.stabilizationWindowSeconds, 300);
  t.same(parseAutoscaledDeployments([{ source: 'w', object: deployment() }, { source: 'h', object: hpa() }], 120)[0]?.behavior.scaleDown.stabilizationWindowSeconds, 120, 'the window follows the controller flag');

  const [partial] = read(deployment(), hpa({ behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } }));
  t.ok(partial?.behaviorSpecified);
  t.same(partial?.behavior.scaleDown, { ...defaultBehavior().scaleDown, stabilizationWindowSeconds: 60 }, 'only the given field replaces its default');
  t.same(partial?.behavior.scaleUp, defaultBehavior().scaleUp);
});

t.test('the pod\'s request sums its containers and native sidecars, and reads the Linkerd annotation', async (t) => {
  const d = deployment();
  const template = (d.spec as { template: { metadata?: unknown; spec: Record<string, unknown> } }).template;
  template.spec.containers = [{ name: 'a', resources: { requests: { cpu: '0.25' } } }, { name: 'b', resources: { requests: { cpu: 1 } } }];
  template.spec.initContainers = [{ name: 'migrate' }, { name: 'sidecar', restartPolicy: 'Always', resources: { requests: { cpu: '50m' } } }];
  template.metadata = { annotations: { 'config.linkerd.io/proxy-cpu-request': '100m' } };
  t.same(read(d, hpa())[0]?.cpuRequest, { containersMillicores: 1300, linkerdProxyMillicores: 100, clusterMillicores: 1400, localMillicores: 1300 });
});

t.test('every error names the file, the object and the field, and what it must be', async (t) => {
  t.throws(() => read(deployment({ name: 'web' }), hpa()), { name: 'ManifestError', message: /^web\.yaml: Deployment web: spec\.template\.spec\.containers\[0\]\.resources\.requests\.cpu is missing/ });
  t.throws(() => read(deployment({ name: 'web', resources: { requests: { cpu: '1Gi' } } }), hpa()), /^web\.yaml: Deployment web: spec\.template\.spec\.containers\[0\]\.resources\.requests\.cpu must be a quantity/);
  t.throws(() => read(hpa({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'nope' } }), deployment()), /^hpa\.yaml: HorizontalPodAutoscaler web: spec\.scaleTargetRef\.name nope names no Deployment/);
  t.throws(() => read(deployment(), hpa({ minReplicas: 3, maxReplicas: 2 })), /^hpa\.yaml: HorizontalPodAutoscaler web: spec\.maxReplicas must be a whole number from 3 to/);
  t.throws(() => read(deployment(), hpa({ metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 50 } } }] })), /spec\.metrics\[0\] must be type Resource, resource\.name cpu/);
  t.throws(() => read(deployment(), hpa({ behavior: { scaleDown: { policies: [{ type: 'Replicas', value: 1, periodSeconds: 30 }] } } })), /hpa\.yaml: HorizontalPodAutoscaler web: spec\.behavior\.scaleDown\.policies\[0\]\.type must be Pods or Percent/);
  t.throws(() => read(deployment(), hpa({ behavior: { scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 0 }] } } })), /spec\.behavior\.scaleUp\.policies\[0\]\.periodSeconds must be a whole number from 1 to 1800, got 0/);
  t.throws(() => read(deployment(), hpa({ behavior: { scaleUp: { selectPolicy: 'max' } } })), /spec\.behavior\.scaleUp\.selectPolicy must be Max, Min or Disabled/);
  t.throws(() => read(deployment(), hpa({ behavior: { scaledown: {} } })), /spec\.behavior\.scaledown is not a field of behavior/);
  t.throws(() => read(deployment(), hpa(), hpa({}, 'web-2')), /HorizontalPodAutoscaler web-2: Deployment web is already scaled by HorizontalPodAutoscaler web/);
  t.throws(() => read(deployment(), { ...hpa(), apiVersion: 'autoscaling/v1' }), /apiVersion must be autoscaling\/v2/);
});

t.test('reading a folder: only its own *.yaml files; a YAML syntax error names the file', async (t) => {
  const ok = t.testdir({
    'web.yaml': `${stringify(deployment())}---\n${stringify(hpa())}`,
    'notes.txt': 'not yaml [',
    sub: { 'other.yaml': stringify(hpa({}, 'ignored')) },
  });
  t.same(readAutoscaledDeployments(ok).map((d) => [d.deployment, d.hpa, d.files.hpa]), [['web', 'web', 'web.yaml']]);
  const bad = t.testdir({ 'broken.yaml': 'spec: [unclosed\n' });
  t.throws(() => readAutoscaledDeployments(bad), /^broken\.yaml: document 1 is not valid YAML/);
});

t.test('quantities are read exactly, rounded up to the thousandth like MilliValue()', async (t) => {
  const cases: [unknown, number][] = [['250m', 250], [1, 1000], ['1', 1000], ['0.5', 500], [0.25, 250], ['1.1', 1100], ['.5', 500], ['0.0005', 1], ['1.5m', 2], ['0.05', 50]];
  for (const [input, expected] of cases) t.equal(milliValue(input, 'x'), expected, JSON.stringify(input));
  for (const bad of ['1Gi', '', 'm', '1e3', '-1', null]) t.throws(() => milliValue(bad, 'cpu'), /cpu must be a quantity/, JSON.stringify(bad));
});
