/**
 * Least privilege on the network: for each ingress variant of `kubectl apply -k linkerd`, every
 * (from, to, port) the NetworkPolicies allow is derived by k8s/lib/netpol.ts (our reading of the
 * NetworkPolicy semantics; no CNI runs here) and compared with contract/data-flow.ts: any extra or
 * missing connection fails.
 */
import t from 'tap';
import { allowedConnections, PARTIES, type Party } from '../contract/data-flow.js';
import { find, type K8sObject } from './lib/kustomize.js';
import { allows, UnsupportedPolicy, type Endpoint } from './lib/netpol.js';
import { endpoints, flowPort, NAMESPACE } from './lib/parties.js';
import { buildVariant, INGRESS_COMPONENTS, type IngressComponent } from './lib/variants.js';

type Conn = `${string}>${string}:${number}/${string}`;
const conn = (from: string, to: string, port: number, protocol: string): Conn => `${from}>${to}:${port}/${protocol}`;

function expected(ingress: IngressComponent): Set<Conn> {
  return new Set(allowedConnections().map((f) => conn(f.from, f.to, flowPort(f.port, ingress), f.protocol ?? 'TCP')));
}

/** Every connection the policies allow between parties, at least one of them policed, over the ports in play. */
function actual(policies: K8sObject[], eps: Endpoint[], ports: { port: number; protocol: string }[]): Set<Conn> {
  const out = new Set<Conn>();
  for (const from of eps) {
    for (const to of eps) {
      if (!PARTIES[from.party as Party].inNamespace && !PARTIES[to.party as Party].inNamespace) continue;
      for (const { port, protocol } of ports) if (allows(policies, NAMESPACE, from, to, port, protocol)) out.add(conn(from.party, to.party, port, protocol));
    }
  }
  return out;
}

function portsInPlay(policies: K8sObject[], want: Set<Conn>): { port: number; protocol: string }[] {
  const set = new Set<string>(['1/TCP', '1/UDP']);
  for (const c of want) set.add(c.split(':')[1] as string);
  for (const p of policies) {
    const spec = p.spec as { ingress?: { ports?: { port?: number; protocol?: string }[] }[]; egress?: { ports?: { port?: number; protocol?: string }[] }[] };
    for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) for (const port of rule.ports ?? []) set.add(`${port.port}/${port.protocol ?? 'TCP'}`);
  }
  return [...set].map((s) => ({ port: Number(s.split('/')[0]), protocol: s.split('/')[1] as string }));
}

for (const ingress of INGRESS_COMPONENTS) {
  t.test(`${ingress}: the NetworkPolicies allow exactly contract/data-flow.ts`, async (t) => {
    const objects = buildVariant({ ingress });
    const policies = find(objects, 'NetworkPolicy');
    for (const p of policies) t.equal(p.metadata.namespace, NAMESPACE, `${p.metadata.name} is in ${NAMESPACE}`);
    const deny = policies.find((p) => p.metadata.name === 'default-deny')?.spec as { podSelector: object; policyTypes: string[]; ingress?: unknown; egress?: unknown } | undefined;
    t.same(deny, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, 'a default-deny policy selects every pod, both directions, no rules');
    const eps = endpoints(objects, ingress);
    const want = expected(ingress);
    const got = actual(policies, eps, portsInPlay(policies, want));
    const extra = [...got].filter((c) => !want.has(c)).sort();
    const missing = [...want].filter((c) => !got.has(c)).sort();
    t.same(extra, [], 'no connection beyond the data flow');
    t.same(missing, [], 'every connection of the data flow');
    t.ok(got.size > 40, `${got.size} allowed connections found`);
  });
}

t.test('the evaluation has teeth: a broken policy set shows up as extra or missing connections', async (t) => {
  const objects = buildVariant({ ingress: 'gateway-api' });
  const eps = endpoints(objects, 'gateway-api');
  const ep = (p: string): Endpoint => eps.find((e) => e.party === p) as Endpoint;
  const policies = find(objects, 'NetworkPolicy');
  t.ok(allows(policies, NAMESPACE, ep('grpc-server'), ep('mongodb'), 27017), 'grpc-server -> mongodb:27017 allowed');
  t.notOk(allows(policies, NAMESPACE, ep('grpc-client'), ep('mongodb'), 27017), 'grpc-client -> mongodb:27017 denied');
  t.notOk(allows(policies, NAMESPACE, ep('grpc-server'), ep('mongodb'), 6379), 'grpc-server -> mongodb on another port denied');
  t.notOk(allows(policies, NAMESPACE, ep('k6'), ep('mongodb'), 27017), 'the load generator cannot reach a store');
  const open = policies.filter((p) => !['default-deny', 'mongodb', 'linkerd-proxy'].includes(p.metadata.name));
  t.notOk(allows(open, NAMESPACE, ep('grpc-client'), ep('mongodb'), 27017), 'grpc-client still has egress rules of its own, so it stays denied');
  t.ok(allows(open, NAMESPACE, ep('k6-operator'), ep('mongodb'), 27017), 'once no policy selects MongoDB for ingress, anything outside reaches it');
  const named = structuredClone(policies[0] as K8sObject);
  (named.spec as { ingress: unknown }).ingress = [{ ports: [{ port: 'http' }] }];
  t.throws(() => allows([named], NAMESPACE, ep('k6-operator'), ep('grpc-client'), 8081), UnsupportedPolicy, 'a named port is refused, not guessed');
});
