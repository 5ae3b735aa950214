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
  grades: {
    uid: 'splitbench-grades-api',
    type: 'yesoreyeram-infinity-datasource',
    name: 'splitbench stores (grades-api)',
    reads: "the MongoDB records of both routes and route B's Redis aggregates, through the read-only grades-api",
  },
} as const satisfies Record<string, DatasourceSpec>;

export type DatasourceKey = keyof typeof DATASOURCES;

/** The `datasource` reference a panel or target carries. */
export function dsRef(key: DatasourceKey): { type: string; uid: string } {
  return { type: DATASOURCES[key].type, uid: DATASOURCES[key].uid };
}

/**
 * The plugin Grafana needs besides its built-in Prometheus, pinned: a moving plugin version could
 * change a query model under a committed dashboard. Infinity reads both stores through grades-api
 * (grafana/README.md says why not redis-datasource).
 */
export const PLUGINS = [{ id: DATASOURCES.grades.type, version: '3.2.0' }] as const;
