/**
 * The pods behind each party of contract/data-flow.ts, for evaluating NetworkPolicies: ours are read
 * from the built manifests (pod template labels), the others are the namespaces and labels their
 * installers give them (Envoy Gateway's proxy labels, the ingress-nginx chart, kube-dns, Linkerd).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { INGRESS_HTTP, PARTIES, type Party } from '../../contract/data-flow.js';
import { kustomize, parseObjects, REPO_ROOT, type K8sObject } from './kustomize.js';
import type { Endpoint } from './netpol.js';
import type { IngressComponent } from './variants.js';
import { hasPodTemplate, podTemplate } from './workloads.js';

export const NAMESPACE = 'splitbench';

/** Where each ingress controller runs and the port its pods listen on for HTTP. */
export const INGRESS_CONTROLLERS: Record<IngressComponent, { namespace: string; labels: Record<string, string>; httpPort: number }> = {
  // Envoy Gateway labels its proxy pods so (internal/infrastructure/kubernetes/proxy) and listens on
  // the Gateway's port + 10000 when that is below 1024 (wellKnownPortShift).
  'gateway-api': {
    namespace: 'envoy-gateway-system',
    labels: {
      'app.kubernetes.io/name': 'envoy',
      'app.kubernetes.io/component': 'proxy',
      'app.kubernetes.io/managed-by': 'envoy-gateway',
      'gateway.envoyproxy.io/owning-gateway-name': 'splitbench',
      'gateway.envoyproxy.io/owning-gateway-namespace': NAMESPACE,
    },
    httpPort: 10080,
  },
  'ingress-nginx': {
    namespace: 'ingress-nginx',
    labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/instance': 'ingress-nginx' },
    httpPort: 80,
  },
};

const EXTERNAL: Partial<Record<Party, Omit<Endpoint, 'party'>>> = {
  'k6-operator': { namespace: 'k6-operator-system', labels: { 'control-plane': 'controller-manager' } },
  'kube-dns': { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
  'linkerd-control-plane': { namespace: 'linkerd', labels: { 'linkerd.io/control-plane-component': 'destination' } },
  'linkerd-viz-prometheus': { namespace: 'linkerd-viz', labels: { component: 'prometheus', 'linkerd.io/extension': 'viz' } },
  'outside-cluster': { namespace: '', labels: {}, external: true },
};

/** The workloads of a build by their `app` label: party name -> pod labels. */
function podLabels(objects: K8sObject[]): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const o of objects.filter(hasPodTemplate)) {
    const labels = podTemplate(o).metadata?.labels ?? {};
    if (labels.app !== undefined) out.set(labels.app, labels);
  }
  return out;
}

/** Every party as an endpoint, for one ingress variant; throws when a party has no pods in the builds. */
export function endpoints(appBuild: K8sObject[], ingress: IngressComponent): Endpoint[] {
  const observability = kustomize(path.join(REPO_ROOT, 'linkerd', 'observability'));
  // The Job template itself (building k8s/loadtest/job needs the generated data pool).
  const job = parseObjects(readFileSync(path.join(REPO_ROOT, 'k8s', 'loadtest', 'job', 'job.yaml'), 'utf8'), 'k8s/loadtest/job/job.yaml');
  const labels = new Map([...podLabels(appBuild), ...podLabels(observability), ...podLabels(job)]);
  return (Object.keys(PARTIES) as Party[]).map((party) => {
    if (party === 'ingress-controller') return { party, namespace: INGRESS_CONTROLLERS[ingress].namespace, labels: INGRESS_CONTROLLERS[ingress].labels };
    const ext = EXTERNAL[party];
    if (ext !== undefined) return { party, ...ext };
    const l = labels.get(party);
    if (l === undefined) throw new Error(`no pod template with app=${party} in linkerd/, linkerd/observability or k8s/loadtest/job`);
    return { party, namespace: NAMESPACE, labels: l };
  });
}

/** The port of a flow for this variant (the ingress controller's HTTP port differs per controller). */
export function flowPort(port: number | typeof INGRESS_HTTP, ingress: IngressComponent): number {
  return port === INGRESS_HTTP ? INGRESS_CONTROLLERS[ingress].httpPort : port;
}
