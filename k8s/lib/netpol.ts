/**
 * Which connections a set of NetworkPolicies allows, by the rules of networking.k8s.io/v1: a pod
 * selected by any policy of a direction is isolated in that direction and then accepts only what
 * some rule of those policies allows; a connection needs the sender's egress and the receiver's
 * ingress. Only the fields our manifests use are understood (selectors with matchLabels and
 * matchExpressions In/NotIn/Exists/DoesNotExist, numeric ports, ipBlock as "outside the pod
 * network"); anything else throws, so a policy this cannot read never passes unread. No CNI runs
 * here: this is our reading of the API's documented semantics, checked by the tests in
 * network-policy.test.ts (including policies built to fail).
 */
import type { K8sObject } from './kustomize.js';

export interface Endpoint {
  /** The party's name in contract/data-flow.ts. */
  party: string;
  namespace: string;
  labels: Record<string, string>;
  /** Outside the pod network (API server, kubelets, internet): only ipBlock peers match it. */
  external?: boolean;
}

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
interface Peer { podSelector?: Selector; namespaceSelector?: Selector; ipBlock?: { cidr: string; except?: string[] } }
interface Port { protocol?: string; port?: number | string; endPort?: number }
interface Rule { from?: Peer[]; to?: Peer[]; ports?: Port[] }
interface PolicySpec { podSelector: Selector; policyTypes?: string[]; ingress?: Rule[]; egress?: Rule[] }

export class UnsupportedPolicy extends Error {
  override name = 'UnsupportedPolicy';
}

export function selects(sel: Selector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    switch (e.operator) {
      case 'In': if (!has || !(e.values ?? []).includes(value as string)) return false; break;
      case 'NotIn': if (has && (e.values ?? []).includes(value as string)) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: throw new UnsupportedPolicy(`selector operator ${e.operator}`);
    }
  }
  return true;
}

function peerMatches(peer: Peer, policyNs: string, other: Endpoint): boolean {
  const keys = Object.keys(peer);
  if (peer.ipBlock !== undefined) {
    if (keys.length !== 1) throw new UnsupportedPolicy('ipBlock together with a selector');
    if (peer.ipBlock.cidr !== '0.0.0.0/0' || (peer.ipBlock.except ?? []).length > 0) throw new UnsupportedPolicy(`ipBlock ${peer.ipBlock.cidr}: only 0.0.0.0/0 is understood`);
    return other.external === true;
  }
  if (other.external) return false;
  for (const k of keys) if (k !== 'podSelector' && k !== 'namespaceSelector') throw new UnsupportedPolicy(`peer field ${k}`);
  const nsLabels = { 'kubernetes.io/metadata.name': other.namespace };
  const nsOk = peer.namespaceSelector === undefined ? other.namespace === policyNs : selects(peer.namespaceSelector, nsLabels);
  const podOk = peer.podSelector === undefined ? true : selects(peer.podSelector, other.labels);
  return nsOk && podOk;
}

function portMatches(ports: Port[] | undefined, port: number, protocol: string): boolean {
  if (ports === undefined || ports.length === 0) return true;
  return ports.some((p) => {
    if (typeof p.port === 'string') throw new UnsupportedPolicy(`named port ${p.port}`);
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    return p.endPort === undefined ? p.port === port : port >= p.port && port <= p.endPort;
  });
}

function spec(o: K8sObject): PolicySpec {
  return o.spec as PolicySpec;
}

/** Is `from` -> `to`:`port`/`protocol` allowed? Endpoints outside `policedNamespace` are not policed here. */
export function allows(policies: K8sObject[], policedNamespace: string, from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): boolean {
  const side = (self: Endpoint, other: Endpoint, direction: 'Ingress' | 'Egress'): boolean => {
    if (self.external || self.namespace !== policedNamespace) return true;
    const applying = policies.filter((p) => {
      const types = spec(p).policyTypes ?? (direction === 'Ingress' || spec(p).egress !== undefined ? [direction] : []);
      return types.includes(direction) && selects(spec(p).podSelector, self.labels);
    });
    if (applying.length === 0) return true;
    return applying.some((p) => (direction === 'Ingress' ? spec(p).ingress : spec(p).egress)?.some((rule) => {
      const peers = direction === 'Ingress' ? rule.from : rule.to;
      const peerOk = peers === undefined || peers.length === 0 || peers.some((peer) => peerMatches(peer, policedNamespace, other));
      return peerOk && portMatches(rule.ports, port, protocol);
    }) ?? false);
  };
  return side(from, to, 'Egress') && side(to, from, 'Ingress');
}
