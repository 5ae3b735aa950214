/**
 * The local ingress: splits POST /course between the two REST services by the HTTPRoute weights,
 * over keep-alive connections, and passes everything else of the contract through unchanged.
 * Upstream trouble is never a 2xx: refused or reset connections answer 503 + Retry-After, a slow
 * upstream 504. It counts what it routed (/stats as JSON, /metrics for Prometheus); the split itself is
 * tested on what the client saw, never on these.
 */
import http from 'node:http';
import { COURSE_PATH, HEADERS, HEALTHZ_PATH, METRICS_PATH, READYZ_PATH, RETRY_AFTER_SECONDS } from '../contract/http.js';
import type { RouteName } from '../contract/routes.js';
import { closeHttpServer } from '../service-kit/lifecycle.js';
import { createIngressMetrics } from './metrics.js';
import { RouteReplicas, type Replica } from './replicas.js';
import { weightedPicker } from './weighted-pick.js';

export interface Backend {
  route: RouteName;
  /** Base URLs of the route's replicas, e.g. http://127.0.0.1:8081 */
  urls: string[];
  weight: number;
}

export interface IngressOptions {
  backends: Backend[];
  /** Answer 504 when a backend has not answered within this. */
  upstreamTimeoutMs?: number;
  random?: () => number;
  /** How often replicas' readiness is polled (ms). Default 500. */
  readinessPollMs?: number;
  /** The metrics' `instance` label. Default `ingress`. */
  instance?: string;
}

export interface IngressStats {
  /** Requests to POST /course sent to each route. */
  routed: Record<string, number>;
  /** Answers per route and status. */
  statuses: Record<string, Record<string, number>>;
  /** Requests the ingress answered itself because the upstream failed. */
  upstreamErrors: Record<string, number>;
}

/** The ingress's own JSON counts (what it routed): shown beside the client's, never the evidence. */
export const STATS_PATH = '/stats';

// Hop-by-hop headers (RFC 9110 7.6.1) are for one connection, not to be forwarded.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);

function forwardable(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

export function createIngress(opts: IngressOptions) {
  const upstreamTimeoutMs = opts.upstreamTimeoutMs ?? 10_000;
  const replicas = new Map(opts.backends.map((b) => [b.route, new RouteReplicas(b.urls, opts.readinessPollMs)]));
  for (const r of replicas.values()) r.start();
  const pick = weightedPicker(opts.backends.map((b) => ({ value: b, weight: b.weight })), opts.random);
  const stats: IngressStats = { routed: {}, statuses: {}, upstreamErrors: {} };
  const weights = Object.fromEntries(opts.backends.map((b) => [b.route, b.weight]));
  const metrics = createIngressMetrics(weights, opts.instance ?? 'ingress');
  for (const b of opts.backends) {
    stats.routed[b.route] = 0;
    stats.statuses[b.route] = {};
    stats.upstreamErrors[b.route] = 0;
  }

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, backend: Backend): void => {
    const replica: Replica | undefined = replicas.get(backend.route)!.next();
    if (replica === undefined) {
      stats.upstreamErrors[backend.route]!++;
      if (req.method === 'POST') metrics.routed(backend.route, 'error');
      req.resume();
      return sendJson(res, 503, { error: 'unavailable', message: `no ready replica of the ${backend.route} route; retry with the same Idempotency-Key` }, { [HEADERS.retryAfter]: String(RETRY_AFTER_SECONDS) });
    }
    const target = new URL(req.url ?? '/', replica.url);
    const upstream = http.request(
      target,
      {
        method: req.method,
        headers: { ...forwardable(req.headers), 'x-forwarded-for': req.socket.remoteAddress ?? '' },
        agent: replica.agent,
        timeout: upstreamTimeoutMs,
      },
      (upRes) => {
        const status = String(upRes.statusCode ?? 502);
        const byStatus = stats.statuses[backend.route]!;
        byStatus[status] = (byStatus[status] ?? 0) + 1;
        if (req.method === 'POST') metrics.routed(backend.route, status);
        res.writeHead(upRes.statusCode ?? 502, forwardable(upRes.headers));
        upRes.pipe(res);
      },
    );
    upstream.on('timeout', () => {
      upstream.destroy(new Error('upstream timeout'));
    });
    upstream.on('error', (err) => {
      stats.upstreamErrors[backend.route]!++;
      if (req.method === 'POST') metrics.routed(backend.route, 'error');
      const timedOut = err.message === 'upstream timeout';
      sendJson(
        res,
        timedOut ? 504 : 503,
        {
          error: timedOut ? 'deadline_exceeded' : 'unavailable',
          message: `${backend.route} route (${replica.url}) ${timedOut ? `did not answer within ${upstreamTimeoutMs} ms` : `is unreachable: ${err.message}`}; the record may not be stored, retry with the same Idempotency-Key`,
        },
        timedOut ? {} : { [HEADERS.retryAfter]: String(RETRY_AFTER_SECONDS) },
      );
    });
    req.pipe(upstream);
  };

  /** Ready when every weighted route has a ready replica (a route with weight 0 gets no traffic). */
  const readiness = async (): Promise<{ ready: boolean; routes: Record<string, Record<string, number | string>> }> => {
    const routes: Record<string, Record<string, number | string>> = {};
    await Promise.all(opts.backends.map(async (b) => (routes[b.route] = await replicas.get(b.route)!.poll())));
    const ready = opts.backends.every((b) => b.weight === 0 || replicas.get(b.route)!.replicas.some((r) => r.ready));
    return { ready, routes };
  };

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === COURSE_PATH && req.method === 'POST') {
      const backend = pick();
      stats.routed[backend.route]!++;
      forward(req, res, backend);
      return;
    }
    if (path === COURSE_PATH) {
      // Non-POST methods still go to a backend, which answers the contract's 405.
      forward(req, res, pick());
      return;
    }
    if (req.method === 'GET' && path === HEALTHZ_PATH) return sendJson(res, 200, { status: 'ok' });
    if (req.method === 'GET' && path === READYZ_PATH) {
      void readiness().then((r) => sendJson(res, r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not ready', routes: r.routes }));
      return;
    }
    if (req.method === 'GET' && path === STATS_PATH) return sendJson(res, 200, { weights, ...stats });
    if (req.method === 'GET' && path === METRICS_PATH) {
      void metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (err: unknown) => sendJson(res, 500, { error: 'internal', message: `metrics failed: ${(err as Error).message}` }),
      );
      return;
    }
    sendJson(res, 404, { error: 'not_found', message: `no route for ${req.method} ${path}; POST ${COURSE_PATH} takes a grade record` });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  return {
    server,
    stats,
    close: async (graceMs = 5000): Promise<void> => {
      await closeHttpServer(server, graceMs);
      for (const r of replicas.values()) r.close();
    },
  };
}
