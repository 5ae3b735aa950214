/**
 * grades-api: read-only JSON over the MongoDB records, one GET endpoint per Grades dashboard panel
 * (Grafana reads it with the Infinity datasource). Builds the server without listening, so tests bind
 * port 0. It never writes: the handlers only run find and aggregate.
 */
import http from 'node:http';
import type { Collection } from 'mongodb';
import { MAX_TEXT_LENGTH, YEAR_MAX, YEAR_MIN } from '../contract/grade.js';
import { HEALTHZ_PATH, READYZ_PATH, RETRY_AFTER_SECONDS } from '../contract/http.js';
import type { Logger } from '../service-kit/logger.js';
import type { GradeDocument } from '../stores/mongo-grades.js';
import { byCurso, countBy, DIMENSIONS, latest, totals, type Dimension, type GradeFilter } from './aggregations.js';

/** The endpoints; grafana/queries.ts builds every panel's URL from these. */
export const API_PATHS = {
  totals: '/v1/totals',
  byCurso: '/v1/by-curso',
  counts: (dimension: Dimension): string => `/v1/counts/${dimension}`,
  latest: '/v1/latest',
} as const;

/** A filter value that means "no filter": Grafana sends this for a variable set to All. */
export const ALL = '*';
export const LATEST_LIMIT = { default: 20, max: 200 } as const;

export interface GradesApiDeps {
  collection: Collection<GradeDocument>;
  /** Pings MongoDB; rejects when it cannot be reached. */
  ping: () => Promise<void>;
  logger: Logger;
}

class BadRequest extends Error {}

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

/** Reads the filter (and `limit` where allowed) from the query string; anything else is a 400. */
export function parseQuery(params: URLSearchParams, allowLimit: boolean): { filter: GradeFilter; limit: number } {
  const filter: GradeFilter = {};
  let limit: number = LATEST_LIMIT.default;
  const known = new Set<string>([...DIMENSIONS, ...(allowLimit ? ['limit'] : [])]);
  for (const key of new Set(params.keys())) {
    if (!known.has(key)) throw new BadRequest(`unknown parameter ${JSON.stringify(key)}; allowed: ${[...known].join(', ')}`);
    const values = params.getAll(key);
    if (values.length > 1) throw new BadRequest(`parameter ${key} given ${values.length} times`);
    const v = (values[0] ?? '').trim();
    if (v === '' || v === ALL) continue;
    if (key === 'limit') {
      if (!/^[0-9]{1,4}$/.test(v) || Number(v) < 1 || Number(v) > LATEST_LIMIT.max) throw new BadRequest(`limit must be 1..${LATEST_LIMIT.max}`);
      limit = Number(v);
    } else if (key === 'year') {
      if (!/^[0-9]{4}$/.test(v) || Number(v) < YEAR_MIN || Number(v) > YEAR_MAX) throw new BadRequest(`year must be ${YEAR_MIN}..${YEAR_MAX}`);
      filter.year = Number(v);
    } else {
      if (v.length > MAX_TEXT_LENGTH) throw new BadRequest(`${key} must be at most ${MAX_TEXT_LENGTH} characters`);
      filter[key as Exclude<Dimension, 'year'>] = v;
    }
  }
  return { filter, limit };
}

export function createGradesApi(deps: GradesApiDeps): http.Server {
  const { collection, logger } = deps;
  const countsPrefix = '/v1/counts/';

  const route = async (path: string, params: URLSearchParams): Promise<unknown> => {
    if (path === API_PATHS.totals) return [await totals(collection, parseQuery(params, false).filter)];
    if (path === API_PATHS.byCurso) return byCurso(collection, parseQuery(params, false).filter);
    if (path === API_PATHS.latest) {
      const q = parseQuery(params, true);
      return latest(collection, q.filter, q.limit);
    }
    if (path.startsWith(countsPrefix)) {
      const dim = path.slice(countsPrefix.length);
      if (!(DIMENSIONS as readonly string[]).includes(dim)) return undefined;
      return countBy(collection, dim as Dimension, parseQuery(params, false).filter);
    }
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
      deps.ping().then(
        () => send(res, 200, { status: 'ready' }),
        (err: unknown) => send(res, 503, { status: 'unavailable', message: String(err) }, { 'retry-after': String(RETRY_AFTER_SECONDS) }),
      );
      return;
    }
    route(url.pathname, url.searchParams).then(
      (body) => {
        if (body === undefined) send(res, 404, { error: 'not_found', message: `no endpoint ${url.pathname}` });
        else send(res, 200, body);
      },
      (err: unknown) => {
        if (err instanceof BadRequest) {
          send(res, 400, { error: 'bad_request', message: err.message });
          return;
        }
        logger.warn('query failed', { path: url.pathname, err });
        send(res, 503, { error: 'unavailable', message: 'MongoDB did not answer; retry' }, { 'retry-after': String(RETRY_AFTER_SECONDS) });
      },
    );
  });
}
