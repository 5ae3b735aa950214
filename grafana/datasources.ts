/**
 * The Grafana datasources the dashboards read, with fixed uids: the provisioning YAML, the dashboards'
 * panel targets and the README's import instructions all come from this one list.
 */

export interface DatasourceSpec {
  /** Fixed uid: dashboards reference it, so an imported dashboard works once a datasource has it. */
  uid: string;
  /** Grafana plugin id (the datasource `type`). */
  type: string;
  name: string;
  /** What it reads, for the README and the panel descriptions. */
  reads: string;
}

export const DATASOURCES = {
  prometheus: {
    uid: 'splitbench-prometheus',
    type: 'prometheus',
    name: 'splitbench Prometheus',
    reads: "the services' /metrics, k6 remote write, Linkerd proxy metrics, kube-state-metrics and cAdvisor",
  },
  redis: {
    uid: 'splitbench-redis',
    type: 'redis-datasource',
    name: 'splitbench Redis',
    reads: "route B's aggregates (contract/stores.ts REDIS_KEYS)",
  },
  grades: {
    uid: 'splitbench-grades-api',
    type: 'yesoreyeram-infinity-datasource',
    name: 'splitbench MongoDB (grades-api)',
    reads: 'the MongoDB records of both routes, through the read-only grades-api JSON endpoints',
  },
} as const satisfies Record<string, DatasourceSpec>;

export type DatasourceKey = keyof typeof DATASOURCES;

/** The `datasource` reference a panel or target carries. */
export function dsRef(key: DatasourceKey): { type: string; uid: string } {
  return { type: DATASOURCES[key].type, uid: DATASOURCES[key].uid };
}

/**
 * Plugins Grafana installs at start, pinned: a moving plugin version could change a query model under a
 * committed dashboard. Prometheus is built in.
 */
export const PLUGINS = [
  { id: DATASOURCES.redis.type, version: '2.2.0' },
  { id: DATASOURCES.grades.type, version: '3.2.0' },
] as const;
