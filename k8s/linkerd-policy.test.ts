/**
 * Linkerd's authorization of the stores (linkerd/policy/stores-authorization.yaml), checked offline
 * field by field against the shapes of Linkerd's policy CRDs (Server policy.linkerd.io/v1beta3,
 * MeshTLSAuthentication and AuthorizationPolicy v1alpha1: not available here as schemas, and the
 * simulated API server only stores them through stand-in CRDs), and against contract/data-flow.ts:
 * exactly the stores' clients are admitted, by ServiceAccounts that exist and that meshed pods use.
 */
import path from 'node:path';
import t from 'tap';
import { storeClients } from '../contract/data-flow.js';
import { find, kustomize, one, REPO_ROOT, type K8sObject } from './lib/kustomize.js';
import { hasPodTemplate, onlyContainer, podTemplate } from './lib/workloads.js';

const entry = kustomize(path.join(REPO_ROOT, 'linkerd'));
const observability = kustomize(path.join(REPO_ROOT, 'linkerd', 'observability'));
const all = [...entry, ...observability];

interface Server { spec: { podSelector: { matchLabels: Record<string, string> }; port: string | number; proxyProtocol: string; accessPolicy: string } }
interface MeshTls { spec: { identityRefs: { kind: string; name: string; namespace?: string }[] } }
interface Authz { spec: { targetRef: { group: string; kind: string; name: string }; requiredAuthenticationRefs: { group: string; kind: string; name: string }[] } }

/** Pods (of either build) that run as this ServiceAccount, with whether they are meshed. */
function podsOf(serviceAccount: string): { name: string; meshed: boolean }[] {
  return all.filter(hasPodTemplate).filter((o) => podTemplate(o).spec.serviceAccountName === serviceAccount)
    .map((o) => ({ name: o.metadata.name, meshed: podTemplate(o).metadata?.annotations?.['linkerd.io/inject'] === 'enabled' }));
}

for (const [store, clients] of Object.entries(storeClients())) {
  t.test(`${store}: Linkerd admits exactly ${clients.join(', ')}`, async (t) => {
    const server = one<K8sObject & Server>(entry, 'Server', store);
    t.equal(server.apiVersion, 'policy.linkerd.io/v1beta3');
    t.same(server.spec.podSelector, { matchLabels: { app: store } }, 'selects the store pods');
    const sts = one(entry, 'StatefulSet', store);
    t.ok(onlyContainer(sts).ports?.some((p) => p.name === server.spec.port), `port ${server.spec.port} is a named port of the ${store} container`);
    t.equal(server.spec.proxyProtocol, 'opaque', 'not HTTP: no protocol detection');
    t.equal(server.spec.accessPolicy, 'deny', 'anything not authorized below is refused (and the default is written out)');

    const authz = find(entry, 'AuthorizationPolicy').filter((a) => (a as K8sObject & Authz).spec.targetRef.name === store) as (K8sObject & Authz)[];
    t.equal(authz.length, 1, 'one AuthorizationPolicy targets the Server');
    const a = authz[0] as K8sObject & Authz;
    t.equal(a.apiVersion, 'policy.linkerd.io/v1alpha1');
    t.same(a.spec.targetRef, { group: 'policy.linkerd.io', kind: 'Server', name: store });
    t.equal(a.spec.requiredAuthenticationRefs.length, 1, 'one required authentication');
    const ref = a.spec.requiredAuthenticationRefs[0] as Authz['spec']['requiredAuthenticationRefs'][number];
    t.same([ref.group, ref.kind], ['policy.linkerd.io', 'MeshTLSAuthentication']);
    const mtls = one<K8sObject & MeshTls>(entry, 'MeshTLSAuthentication', ref.name);
    t.equal(mtls.apiVersion, 'policy.linkerd.io/v1alpha1');
    t.same(mtls.spec.identityRefs.map((r) => r.kind), clients.map(() => 'ServiceAccount'), 'identities by ServiceAccount');
    t.same(mtls.spec.identityRefs.map((r) => r.name).sort(), clients, 'exactly the clients of contract/data-flow.ts');
    t.notOk(mtls.spec.identityRefs.some((r) => r.namespace !== undefined), 'all in the namespace');
    for (const client of clients) {
      t.equal(find(all, 'ServiceAccount', client).length, 1, `ServiceAccount ${client} exists (linkerd/ or linkerd/observability)`);
      const pods = podsOf(client);
      t.ok(pods.length > 0 && pods.every((p) => p.meshed), `${client}'s pods run as it and are meshed: ${JSON.stringify(pods)}`);
    }
  });
}

t.test('no other Linkerd policy objects, and the stores do not run as a client identity', async (t) => {
  const kinds = entry.filter((o) => o.apiVersion.startsWith('policy.linkerd.io/')).map((o) => `${o.kind}/${o.metadata.name}`).sort();
  t.same(kinds, [
    'AuthorizationPolicy/mongodb', 'AuthorizationPolicy/redis', 'MeshTLSAuthentication/mongodb-clients',
    'MeshTLSAuthentication/redis-clients', 'Server/mongodb', 'Server/redis',
  ]);
  for (const store of ['mongodb', 'redis']) {
    const sa = podTemplate(one(entry, 'StatefulSet', store)).spec.serviceAccountName;
    t.notOk(sa !== undefined && Object.values(storeClients()).flat().includes(sa as never), `${store} does not share a client's identity`);
  }
});
