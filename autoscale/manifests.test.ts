/**
 * What `--autoscale` applies, from the real `kubectl kustomize k8s/` build of this repository: each HPA
 * as it is and the Deployment it scales, plus the Namespace and ServiceAccounts the API server needs to
 * create their pods; --hpa-target changes the CPU target and nothing else.
 */
import t from 'tap';
import { kustomize } from '../k8s/lib/kustomize.js';
import { autoscaleManifests, K8S_DIR } from './manifests.js';

const SERVICES = ['grpc-client', 'grpc-server', 'redis-writer'];

t.test('the HPAs of k8s/ with their Deployments, and what their pods need', async (t) => {
  const m = autoscaleManifests();
  t.equal(m.namespace, 'splitbench');
  t.same(
    m.objects.map((o) => `${o.kind}/${o.metadata.name}`),
    ['Namespace/splitbench', ...SERVICES.map((s) => `ServiceAccount/${s}`), ...SERVICES.map((s) => `Deployment/${s}`), ...SERVICES.map((s) => `HorizontalPodAutoscaler/${s}`)],
    'no store, Service or ConfigMap: nothing the HPA controller does not need',
  );
  t.same(m.deployments, SERVICES.map((s) => ({ deployment: s, hpa: s, minReplicas: 1, maxReplicas: 3 })));
  const built = kustomize(K8S_DIR);
  for (const o of m.objects) t.same(o, built.find((b) => b.kind === o.kind && b.metadata.name === o.metadata.name), `${o.kind} ${o.metadata.name} exactly as kubectl kustomize k8s builds it`);
});

t.test('--hpa-target replaces the CPU target only; a test may replace the behavior', async (t) => {
  const base = autoscaleManifests();
  const behavior = { scaleDown: { stabilizationWindowSeconds: 15 } };
  const changed = autoscaleManifests({ targetPercent: 10, behavior });
  for (const [i, h] of changed.hpas.entries()) {
    const original = base.hpas[i]!;
    t.equal(original.spec.metrics?.[0]?.resource?.target.averageUtilization, 50, `${h.metadata.name}: 50% in k8s/`);
    t.equal(h.spec.metrics?.[0]?.resource?.target.averageUtilization, 10, `${h.metadata.name}: 10% applied`);
    t.same(h.spec.behavior, behavior);
    const strip = (x: typeof h): unknown => ({ ...x, spec: { ...x.spec, metrics: undefined, behavior: undefined } });
    t.same(strip(h), strip(original), 'nothing else differs');
  }
  t.equal(base.hpas[0]!.spec.metrics?.[0]?.resource?.target.averageUtilization, 50, 'the build itself is left alone');
});
