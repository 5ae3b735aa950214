/**
 * Envoy as the local ingress: the configuration, as plain data. The HTTPRoute (linkerd/route/) becomes
 * a route whose weighted clusters are the split's backends (Envoy picks per request at random by
 * weight, as Linkerd's proxy does); each route's running replicas are its cluster's endpoints. Weights
 * and endpoints are xDS resources in files Envoy watches (envoy/xds-files.ts), so a changed weight, a
 * restart or the autoscaler reaches Envoy without restarting it. Everything else is static.
 *
 * The HTTP contract of the Node ingress this replaces holds: an upstream that refuses, resets or is
 * missing answers 503 with Retry-After and a JSON body; a slow one 504 with a JSON body; X-Route and the
 * services' own answers pass through untouched; /readyz is 200 when every weighted route has a healthy
 * endpoint (Envoy's active health checks on the services' /readyz).
 */
import { COURSE_PATH, HEADERS, HEALTHZ_PATH, READYZ_PATH, RETRY_AFTER_SECONDS } from '../contract/http.js';
import type { RouteName } from '../contract/routes.js';

/** The route configuration's name (RDS) and the files Envoy watches in the xDS folder. */
export const ROUTE_CONFIG_NAME = 'split';
export const ROUTES_FILE = 'routes.json';
export const endpointsFile = (route: RouteName): string => `endpoints-${route}.json`;

/** Envoy's resource type URLs for the two kinds of resource we deliver from files. */
const TYPE = {
  routeConfiguration: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  clusterLoadAssignment: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
} as const;

/** How often Envoy asks each endpoint's /readyz: as often as the Node ingress polled. */
export const HEALTH_CHECK_INTERVAL_MS = 500;

export interface EnvoyLayout {
  /** The ingress's listening port (k6 and curl POST here). */
  port: number;
  /** Envoy's admin port: /ready, /stats/prometheus, /clusters. Loopback only. */
  adminPort: number;
  /** Folder of the xDS files (absolute). */
  xdsDir: string;
  /** Every route (a cluster each), so a weight can move to any of them later. */
  routes: readonly RouteName[];
  /** The routes /readyz waits for: those with a weight above 0 at start (a route without traffic need not be up). */
  readyRoutes: readonly RouteName[];
  /** Answer 504 when a route has not answered within this. */
  upstreamTimeoutMs: number;
}

const seconds = (ms: number): string => `${ms / 1000}s`;

/** A config source reading one file of `dir` and reloading it when a new version is moved in. */
function fileSource(dir: string, file: string): Record<string, unknown> {
  return { path_config_source: { path: `${dir}/${file}`, watched_directory: { path: dir } }, resource_api_version: 'V3' };
}

/**
 * Answers Envoy makes itself, in the contract's shape. Envoy's default is a text body ("no healthy
 * upstream"); clients of splitbench get `{error, message}` (contract/http.ts CourseError) and, when a
 * retry helps, Retry-After. Matched on Envoy's response flags: UT upstream timeout; UH no healthy
 * endpoint; UF connect failure; UC, UR the upstream closed or reset; UO a circuit breaker overflowed.
 */
function localReplies(): Record<string, unknown> {
  const advice = 'the record may not be stored, retry with the same Idempotency-Key';
  const json = (error: string, message: string): Record<string, unknown> => ({ json_format: { error, message }, content_type: 'application/json' });
  return {
    mappers: [
      {
        filter: { response_flag_filter: { flags: ['UT'] } },
        body_format_override: json('deadline_exceeded', `the %UPSTREAM_CLUSTER% route did not answer in time (%RESPONSE_CODE_DETAILS%); ${advice}`),
      },
      {
        filter: { response_flag_filter: { flags: ['UH', 'UF', 'UC', 'UR', 'UO', 'URX'] } },
        headers_to_add: [{ header: { key: HEADERS.retryAfter, value: String(RETRY_AFTER_SECONDS) }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' }],
        body_format_override: json('unavailable', `the %UPSTREAM_CLUSTER% route is unreachable (%RESPONSE_CODE_DETAILS%); ${advice}`),
      },
    ],
  };
}

/** The bootstrap: listener, clusters, admin; routes and endpoints come from the watched files. */
export function bootstrap(layout: EnvoyLayout): Record<string, unknown> {
  const loopback = (port: number): Record<string, unknown> => ({ socket_address: { address: '127.0.0.1', port_value: port } });
  // Ready when every route has at least one healthy endpoint: with at most a few replicas, any
  // healthy one is at least 1% of them. An empty cluster counts as not ready (Envoy's health_check
  // filter fails a cluster without members unless its minimum is 0).
  const minHealthy = Object.fromEntries(layout.readyRoutes.map((r) => [r, { value: 1 }]));
  return {
    node: { id: 'splitbench-ingress', cluster: 'splitbench' },
    admin: { address: loopback(layout.adminPort) },
    static_resources: {
      listeners: [
        {
          name: 'ingress',
          address: loopback(layout.port),
          filter_chains: [
            {
              filters: [
                {
                  name: 'envoy.filters.network.http_connection_manager',
                  typed_config: {
                    '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
                    stat_prefix: 'ingress',
                    codec_type: 'AUTO',
                    rds: { route_config_name: ROUTE_CONFIG_NAME, config_source: fileSource(layout.xdsDir, ROUTES_FILE) },
                    local_reply_config: localReplies(),
                    http_filters: [
                      {
                        name: 'envoy.filters.http.health_check',
                        typed_config: {
                          '@type': 'type.googleapis.com/envoy.extensions.filters.http.health_check.v3.HealthCheck',
                          pass_through_mode: false,
                          headers: [{ name: ':path', string_match: { exact: READYZ_PATH } }],
                          cluster_min_healthy_percentages: minHealthy,
                        },
                      },
                      { name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
      clusters: layout.routes.map((route) => ({
        name: route,
        type: 'EDS',
        eds_cluster_config: { eds_config: fileSource(layout.xdsDir, endpointsFile(route)) },
        connect_timeout: '1s',
        health_checks: [
          {
            timeout: '1s',
            interval: seconds(HEALTH_CHECK_INTERVAL_MS),
            // One answer either way, as the Node ingress's poll did: a replica that stops answering
            // leaves the rotation after one interval, and one that comes back rejoins as fast.
            unhealthy_threshold: 1,
            healthy_threshold: 1,
            http_health_check: { path: READYZ_PATH },
          },
        ],
        // Envoy's default "panic" mode sends traffic to every endpoint, healthy or not, once fewer than
        // half are healthy: with one replica that means to a replica known to be down. Off: no healthy
        // endpoint answers 503 with Retry-After (flag UH) instead.
        common_lb_config: { healthy_panic_threshold: { value: 0 } },
        // Envoy keeps a host the endpoints no longer list for as long as it passes its health checks;
        // a replica being scaled down (still answering while it drains) would keep getting new requests.
        // Removed means removed, as a pod leaving a Service's endpoints.
        ignore_health_on_host_removal: true,
        // Envoy's default circuit breakers (1024 connections/requests per cluster) would make the ingress
        // a hidden limit of the benchmark; the services' own limits are the ones under test.
        circuit_breakers: { thresholds: [{ max_connections: 100_000, max_pending_requests: 100_000, max_requests: 100_000, max_retries: 3 }] },
      })),
    },
  };
}

/** The split as RDS: POST /course (any method: the services answer 405) by weight, /healthz here, the rest 404. */
export function routeConfiguration(weights: Partial<Record<RouteName, number>>, upstreamTimeoutMs: number): Record<string, unknown> {
  const clusters = Object.entries(weights).map(([name, weight]) => ({ name, weight }));
  if (clusters.length === 0 || clusters.every((c) => c.weight === 0)) throw new Error('the split needs at least one route with a weight above 0');
  for (const c of clusters) if (!Number.isInteger(c.weight) || c.weight < 0) throw new Error(`weight of ${c.name} must be a whole number >= 0, got ${c.weight}`);
  const json = (body: unknown): Record<string, unknown> => ({ inline_string: JSON.stringify(body) });
  return {
    '@type': TYPE.routeConfiguration,
    name: ROUTE_CONFIG_NAME,
    virtual_hosts: [
      {
        name: 'splitbench',
        domains: ['*'],
        routes: [
          {
            match: { path: COURSE_PATH },
            // Zero weights are left out: Envoy would refuse a weighted cluster of weight 0 in older
            // versions and it carries no traffic anyway.
            route: { weighted_clusters: { clusters: clusters.filter((c) => c.weight > 0) }, timeout: seconds(upstreamTimeoutMs) },
          },
          { match: { path: HEALTHZ_PATH }, direct_response: { status: 200, body: json({ status: 'ok' }) }, response_headers_to_add: [contentTypeJson] },
          {
            match: { prefix: '/' },
            direct_response: { status: 404, body: json({ error: 'not_found', message: `no route here; POST ${COURSE_PATH} takes a grade record` }) },
            response_headers_to_add: [contentTypeJson],
          },
        ],
      },
    ],
  };
}

const contentTypeJson = { header: { key: 'content-type', value: 'application/json' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' };

/** A route's endpoints as EDS: the base URLs of its running replicas (http://127.0.0.1:PORT). */
export function loadAssignment(route: RouteName, urls: string[]): Record<string, unknown> {
  return {
    '@type': TYPE.clusterLoadAssignment,
    cluster_name: route,
    endpoints:
      urls.length === 0
        ? []
        : [
            {
              lb_endpoints: urls.map((url) => {
                const u = new URL(url);
                return { endpoint: { address: { socket_address: { address: u.hostname, port_value: Number(u.port) } } } };
              }),
            },
          ],
  };
}
