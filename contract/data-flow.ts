/**
 * Who connects to whom, on which port: the one definition of splitbench's data flow in a cluster.
 * The NetworkPolicies (linkerd/policy, the ingress components) must allow exactly the connections
 * `allowedConnections()` lists, and Linkerd's authorization of the stores exactly the clients
 * `storeClients()` names; k8s/network-policy.test.ts and k8s/linkerd-policy.test.ts check both.
 */
import { DEFAULT_PORTS, SERVICES } from './services.js';

/** Everything that sends or receives. `inNamespace` parties run in splitbench and are policed there. */
export const PARTIES = {
  /** The meshed ingress controller: Envoy Gateway's Envoy pods or the ingress-nginx controller. */
  'ingress-controller': { inNamespace: false, meshed: true },
  'grpc-client': { inNamespace: true, meshed: true },
  'grpc-server': { inNamespace: true, meshed: true },
  'redis-writer': { inNamespace: true, meshed: true },
  mongodb: { inNamespace: true, meshed: true },
  redis: { inNamespace: true, meshed: true },
  'grades-api': { inNamespace: true, meshed: true },
  grafana: { inNamespace: true, meshed: true },
  prometheus: { inNamespace: true, meshed: true },
  'kube-state-metrics': { inNamespace: true, meshed: true },
  /** The load generator: the k6 Job's pod, or the k6-operator's initializer, starter and runners. Never meshed. */
  k6: { inNamespace: true, meshed: false },
  'k6-operator': { inNamespace: false, meshed: false },
  'kube-dns': { inNamespace: false, meshed: false },
  'linkerd-control-plane': { inNamespace: false, meshed: false },
  /** linkerd-viz's own Prometheus, which scrapes every proxy. */
  'linkerd-viz-prometheus': { inNamespace: false, meshed: false },
  /**
   * Addresses outside the pod network: the API server, the kubelets, Grafana's plugin catalog. One
   * party, because a NetworkPolicy can tell them apart only by port, not by address.
   */
  'outside-cluster': { inNamespace: false, meshed: false },
} as const satisfies Record<string, { inNamespace: boolean; meshed: boolean }>;
export type Party = keyof typeof PARTIES;

/** Ports of the parties that are not splitbench services (their images' defaults). */
export const THIRD_PARTY_PORTS = {
  mongodb: 27017,
  redis: 6379,
  grafana: 3000,
  prometheus: 9090,
  kubeStateMetrics: 8080,
  /** k6's REST API on each runner, which the operator's starter and controller call. */
  k6Api: 6565,
  dns: 53,
} as const;

/** The Linkerd proxy's own ports: meshed clients tunnel to `inbound`; Prometheus scrapes `admin`. */
export const MESH_PORTS = { inbound: 4143, admin: 4191 } as const;
/** Linkerd's control plane as every proxy calls it: identity 8080, destination 8086, policy 8090. */
export const LINKERD_CONTROL_PLANE_PORTS = [8080, 8086, 8090] as const;

/** The ingress controller's HTTP port depends on which one is installed; resolved per variant. */
export const INGRESS_HTTP = 'ingress-http' as const;

export interface Flow {
  from: Party;
  to: Party;
  port: number | typeof INGRESS_HTTP;
  protocol?: 'TCP' | 'UDP';
  why: string;
}

const P = THIRD_PARTY_PORTS;
/** The application's and its observers' connections, as they would exist without a mesh. */
export const DATA_FLOW: readonly Flow[] = [
  { from: 'ingress-controller', to: SERVICES.grpcClient, port: DEFAULT_PORTS.grpcClient, why: 'route A of the split' },
  { from: 'ingress-controller', to: SERVICES.redisWriter, port: DEFAULT_PORTS.redisWriter, why: 'route B of the split' },
  { from: SERVICES.grpcClient, to: SERVICES.grpcServer, port: DEFAULT_PORTS.grpcServer, why: 'route A: REST to gRPC' },
  { from: SERVICES.grpcServer, to: 'mongodb', port: P.mongodb, why: 'route A writes the record' },
  { from: SERVICES.redisWriter, to: 'mongodb', port: P.mongodb, why: 'route B writes the record' },
  { from: SERVICES.redisWriter, to: 'redis', port: P.redis, why: 'route B updates the aggregates' },
  { from: 'grades-api', to: 'mongodb', port: P.mongodb, why: 'the records view Grafana reads' },
  { from: 'grafana', to: 'redis', port: P.redis, why: 'the aggregates dashboard' },
  { from: 'grafana', to: 'grades-api', port: DEFAULT_PORTS.gradesApi, why: 'the records dashboard' },
  { from: 'grafana', to: 'prometheus', port: P.prometheus, why: 'the benchmark dashboard' },
  { from: 'grafana', to: 'outside-cluster', port: 443, why: 'installs its datasource plugins at start' },
  { from: 'prometheus', to: SERVICES.grpcClient, port: DEFAULT_PORTS.grpcClient, why: '/metrics' },
  { from: 'prometheus', to: SERVICES.grpcServer, port: DEFAULT_PORTS.grpcServerHttp, why: '/metrics' },
  { from: 'prometheus', to: SERVICES.redisWriter, port: DEFAULT_PORTS.redisWriter, why: '/metrics' },
  { from: 'prometheus', to: 'kube-state-metrics', port: P.kubeStateMetrics, why: 'replica and HPA metrics' },
  { from: 'prometheus', to: 'outside-cluster', port: 443, why: 'service discovery from the API server (the kubernetes Service port)' },
  { from: 'prometheus', to: 'outside-cluster', port: 6443, why: 'service discovery from the API server (its own port)' },
  { from: 'prometheus', to: 'outside-cluster', port: 10250, why: "the kubelets' cAdvisor CPU per container" },
  { from: 'kube-state-metrics', to: 'outside-cluster', port: 443, why: 'watches the namespace through the API server' },
  { from: 'kube-state-metrics', to: 'outside-cluster', port: 6443, why: 'watches the namespace through the API server' },
  { from: 'k6', to: 'ingress-controller', port: INGRESS_HTTP, why: 'the load' },
  { from: 'k6', to: 'prometheus', port: P.prometheus, why: "k6's remote-write output" },
  { from: 'k6', to: 'k6', port: P.k6Api, why: "the operator's starter starts every runner" },
  { from: 'k6-operator', to: 'k6', port: P.k6Api, why: 'the operator polls the runners' },
];

const key = (f: Flow): string => `${f.from}>${f.to}:${f.port}/${f.protocol ?? 'TCP'}`;

/**
 * Every connection the network must allow: the data flow, plus what the mesh and DNS add. Between two
 * meshed pods the client's proxy tunnels to the server's proxy port, so each such flow also needs
 * MESH_PORTS.inbound (linkerd2 issue 15246: that is why the stores also get Linkerd authorization by
 * identity, which NetworkPolicy ports alone cannot give).
 */
export function allowedConnections(): Flow[] {
  const out = new Map<string, Flow>();
  const add = (f: Flow): void => void out.set(key(f), f);
  for (const f of DATA_FLOW) {
    add(f);
    if (PARTIES[f.from].meshed && PARTIES[f.to].meshed) add({ ...f, port: MESH_PORTS.inbound, why: `${f.why} (proxy to proxy)` });
  }
  for (const [name, party] of Object.entries(PARTIES) as [Party, (typeof PARTIES)[Party]][]) {
    // Our Prometheus reads every proxy it may reach, above all the ingress controller's: the split is counted there.
    if (party.meshed) add({ from: 'prometheus', to: name, port: MESH_PORTS.admin, why: 'proxy metrics' });
    if (!party.inNamespace) continue;
    add({ from: name, to: 'kube-dns', port: P.dns, protocol: 'UDP', why: 'DNS' });
    add({ from: name, to: 'kube-dns', port: P.dns, protocol: 'TCP', why: 'DNS' });
    if (!party.meshed) continue;
    for (const port of LINKERD_CONTROL_PLANE_PORTS) add({ from: name, to: 'linkerd-control-plane', port, why: 'the proxy asks the control plane' });
    add({ from: 'linkerd-viz-prometheus', to: name, port: MESH_PORTS.admin, why: 'linkerd viz' });
  }
  return [...out.values()];
}

/** The stores and who may connect to them: Linkerd authorizes exactly these clients by identity. */
export function storeClients(): Record<'mongodb' | 'redis', Party[]> {
  const clients = (store: Party): Party[] => [...new Set(DATA_FLOW.filter((f) => f.to === store).map((f) => f.from))].sort();
  return { mongodb: clients('mongodb'), redis: clients('redis') };
}
