/**
 * grades-api: read-only JSON over both stores, one GET endpoint per Grades dashboard panel (Grafana reads
 * it with the Infinity datasource): the MongoDB records of both routes under /v1/, route B's Redis
 * aggregates under /v1/redis/. Builds the server without listening, so tests bind port 0. It never
 * writes: the handlers only run find and aggregate (MongoDB), HGETALL and XREVRANGE (Redis).
 */
import http from 'node:http';
import type { Collection } from 'mongodb';
import { HEALTHZ_PATH, READYZ_PATH, RETRY_AFTER_SECONDS } from '../contract/http.js';
import type { Logger } from '../service-kit/logger.js';
import { redactText } from '../service-kit/secrets.js';
import type { GradeDocument } from '../stores/mongo-grades.js';
import { byCurso, countBy, DIMENSIONS, latest, totals, type Dimension } from './mongo-reads.js';
import { BadRequest, parseQuery } from './params.js';
import { REDIS_DIMENSIONS, RedisDataError, redisByCurso, redisCountBy, redisLatest, redisTotals, type RedisDimension, type RedisReadClient } from './redis-reads.js';

export { ALL } from './params.js';

/** The endpoints; grafana/queries.ts builds every panel's URL from these. */
export const API_PATHS = {
  totals: '/v1/totals',
  byCurso: '/v1/by-curso',
  counts: (dimension: Dimension): string => `/v1/counts/${dimension}`,
  latest: '/v1/latest',
  redis: {
    totals: '/v1/redis/totals',
    byCurso: '/v1/redis/by-curso',
    counts: (dimension: RedisDimension): string => `/v1/redis/counts/${dimension}`,
    latest: '/v1/redis/latest',
  },
} as const;

export interface GradesApiDeps {
  /** The records' collection on a connected client; rejects while MongoDB cannot be reached. */
  records: () => Promise<Collection<GradeDocument>>;
  redis: RedisReadClient;
  /** Ping each store; reject when it cannot be reached. */
  pingMongo: () => Promise<void>;
  pingRedis: () => Promise<void>;
  logger: Logger;
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    // Aggregates change with every write; a cached answer would hide a run's progress.
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

const unavailable = (store: string): Record<string, string> => ({ error: 'unavailable', message: `${store} did not answer; retry` });

export function createGradesApi(deps: GradesApiDeps): http.Server {
  const { records, redis, logger } = deps;
  const dimensionOf = <D extends string>(path: string, prefix: string, known: readonly D[]): D | undefined => {
    const dim = path.slice(prefix.length);
    return path.startsWith(prefix) && (known as readonly string[]).includes(dim) ? (dim as D) : undefined;
  };

  /** Which store the path reads and the body; undefined: no such endpoint. */
  const route = (path: string, params: URLSearchParams): { store: 'MongoDB' | 'Redis'; run: () => Promise<unknown> } | undefined => {
    const mongo = (run: () => Promise<unknown>) => ({ store: 'MongoDB' as const, run });
    // Parameters are read inside run(), so a bad one rejects with BadRequest like any other failure.
    const filtered = (limit = false) => parseQuery(params, { filters: true, limit });
    const noFilters = (limit = false) => parseQuery(params, { filters: false, limit });
    if (path === API_PATHS.totals) return mongo(async () => [await totals(await records(), filtered().filter)]);
    if (path === API_PATHS.byCurso) return mongo(async () => byCurso(await records(), filtered().filter));
    if (path === API_PATHS.latest) {
      return mongo(async () => {
        const q = filtered(true);
        return latest(await records(), q.filter, q.limit);
      });
    }
    const dim = dimensionOf(path, '/v1/counts/', DIMENSIONS);
    if (dim !== undefined) return mongo(async () => countBy(await records(), dim, filtered().filter));
    const redisRead = (read: () => Promise<unknown>, limit = false) => ({
      store: 'Redis' as const,
      run: async () => {
        noFilters(limit);
        return read();
      },
    });
    if (path === API_PATHS.redis.totals) return redisRead(async () => [await redisTotals(redis)]);
    if (path === API_PATHS.redis.byCurso) return redisRead(() => redisByCurso(redis));
    if (path === API_PATHS.redis.latest) return redisRead(() => redisLatest(redis, noFilters(true).limit), true);
    const redisDim = dimensionOf(path, '/v1/redis/counts/', REDIS_DIMENSIONS);
    if (redisDim !== undefined) return redisRead(() => redisCountBy(redis, redisDim));
    return undefined;
  };

  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://grades-api');
    if (req.method !== 'GET') {
      send(res, 405, { error: 'method_not_allowed', message: 'grades-api is read-only: GET only' }, { allow: 'GET' });
      return;
    }
    if (url.pathname === HEALTHZ_PATH) {
      send(res, 200, { status: 'ok' });
      return;
    }
    if (url.pathname === READYZ_PATH) {
      // Ready when every panel can be answered: both stores reachable. The body names the one that is not.
      const check = (ping: () => Promise<void>) => ping().then(() => 'ok', (err: unknown) => redactText(String(err)));
      void Promise.all([check(deps.pingMongo), check(deps.pingRedis)]).then(([mongodb, redisState]) => {
        const ready = mongodb === 'ok' && redisState === 'ok';
        send(res, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', mongodb, redis: redisState }, ready ? {} : { 'retry-after': String(RETRY_AFTER_SECONDS) });
      });
      return;
    }
    const endpoint = route(url.pathname, url.searchParams);
    if (endpoint === undefined) {
      send(res, 404, { error: 'not_found', message: `no endpoint ${url.pathname}` });
      return;
    }
    endpoint.run().then(
      (body) => send(res, 200, body),
      (err: unknown) => {
        if (err instanceof BadRequest) return send(res, 400, { error: 'bad_request', message: err.message });
        if (err instanceof RedisDataError) {
          logger.error('unreadable Redis aggregate', { path: url.pathname, err });
          return send(res, 500, { error: 'bad_data', message: err.message });
        }
        logger.warn('query failed', { path: url.pathname, store: endpoint.store, err });
        send(res, 503, unavailable(endpoint.store), { 'retry-after': String(RETRY_AFTER_SECONDS) });
      },
    );
  });
}
