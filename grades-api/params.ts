/**
 * grades-api's query-string rules: each endpoint names the parameters it takes; anything else, a
 * repeated parameter or a bad value is a 400 that says what is allowed. "*" or empty means All.
 */
import { MAX_TEXT_LENGTH, YEAR_MAX, YEAR_MIN } from '../contract/grade.js';
import { DIMENSIONS, type Dimension, type GradeFilter } from './mongo-reads.js';

/** A filter value that means "no filter": Grafana sends this for a variable set to All. */
export const ALL = '*';
export const LATEST_LIMIT = { default: 20, max: 200 } as const;

export class BadRequest extends Error {
  override name = 'BadRequest';
}

/**
 * Reads the filter (MongoDB endpoints only: `filters`) and `limit` (latest only) from the query string.
 * The Redis endpoints take no filters: their aggregates are not broken down by run, year or region.
 */
export function parseQuery(params: URLSearchParams, opts: { filters: boolean; limit: boolean }): { filter: GradeFilter; limit: number } {
  const filter: GradeFilter = {};
  let limit: number = LATEST_LIMIT.default;
  const known = new Set<string>([...(opts.filters ? DIMENSIONS : []), ...(opts.limit ? ['limit'] : [])]);
  for (const key of new Set(params.keys())) {
    if (!known.has(key)) {
      const allowed = known.size === 0 ? 'none (Redis holds running totals of route B, not broken down by any filter)' : [...known].join(', ');
      throw new BadRequest(`unknown parameter ${JSON.stringify(key)}; allowed: ${allowed}`);
    }
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
