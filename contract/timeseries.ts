/**
 * results/<run-id>/timeseries.json: a run's k6 samples (route_* metrics only) aggregated per second per
 * route. timeseries/ writes it after k6 ends; the run report and `npm run compare` read it. One
 * definition: the type, its schema id and the one parser every reader uses. Bump the schema id when a
 * field changes meaning or goes away.
 *
 * Columnar on purpose: one shared time axis `t` and, per route, one array per figure aligned with it,
 * which is what a chart draws and small enough for a 10-minute soak (about 100 KB).
 */

export const TIMESERIES_SCHEMA = 'splitbench.timeseries/1';

/** Per route, one value per second of `t`. Counts are samples whose answer arrived in that second. */
export interface RouteSeries {
  /** Requests whose final answer came in this second (route_reqs). */
  requests: number[];
  /** Of those, acknowledged (route_acks). */
  acks: number[];
  /** Of those, not acknowledged (route_errors = 1). */
  errors: number[];
  /** Retries of an attempt this route answered (route_retries). */
  retries: number[];
  /** Attempts this route answered (route_attempts), every status. */
  attempts: number[];
  /** Attempts by HTTP status (route_attempts{status}); "0" is no answer. */
  attemptsByStatus: Record<string, number[]>;
  /**
   * Request latency (route_req_duration, ms) of the requests answered in this second, exact: k6's own
   * percentile definition (linear between closest ranks) over every sample of the second. null: none.
   */
  p50: (number | null)[];
  p95: (number | null)[];
  p99: (number | null)[];
  max: (number | null)[];
}

export interface RouteTotals {
  requests: number;
  acks: number;
  errors: number;
  retries: number;
  attempts: number;
  /** Over the whole run, same definition as the per-second figures (so they can be checked against k6's summary). */
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface TimeSeries {
  schema: typeof TIMESERIES_SCHEMA;
  /** Bucket width; always 1000 in this schema. */
  intervalMs: number;
  /** Start of each bucket, epoch seconds (what a chart's time axis takes); consecutive, no gaps. */
  t: number[];
  /** Every route k6 recorded, including `none`/`other` (answers without a usable X-Route). */
  routes: Record<string, RouteSeries>;
  totals: Record<string, RouteTotals>;
  /** Where the samples came from and how much of it was read. */
  source: { file: string; rows: number; routeRows: number; skipped: number };
}

export class TimeSeriesError extends Error {
  override name = 'TimeSeriesError';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a parsed timeseries.json: the schema id, the shared axis, and that every per-route array has
 * the axis's length (a chart would silently misalign otherwise). `source` names the file in errors.
 */
export function parseTimeSeries(json: unknown, source = 'timeseries.json'): TimeSeries {
  const bad = (what: string): never => {
    throw new TimeSeriesError(`${source}: ${what}`);
  };
  if (!isObject(json)) return bad('not a JSON object');
  if (json.schema !== TIMESERIES_SCHEMA) bad(`schema is ${JSON.stringify(json.schema)}, expected ${TIMESERIES_SCHEMA}`);
  const t = json.t;
  if (!Array.isArray(t) || !t.every((x) => Number.isFinite(x))) return bad('t must be an array of epoch seconds');
  if (!isObject(json.routes) || !isObject(json.totals) || !isObject(json.source)) return bad('routes, totals and source must be objects');
  for (const [route, raw] of Object.entries(json.routes)) {
    if (!isObject(raw)) return bad(`routes.${route} must be an object`);
    for (const key of ['requests', 'acks', 'errors', 'retries', 'attempts', 'p50', 'p95', 'p99', 'max']) {
      const arr = raw[key];
      if (!Array.isArray(arr) || arr.length !== t.length) bad(`routes.${route}.${key} must be an array as long as t (${t.length})`);
    }
    if (!isObject(raw.attemptsByStatus)) bad(`routes.${route}.attemptsByStatus must be an object`);
  }
  return json as unknown as TimeSeries;
}

/** The files of a run folder this contract is about. */
export const TIMESERIES_FILES = {
  /** Every k6 sample, as k6's `--out csv` writes it (gzip): the demo's k6 run writes it, timeseries/ reads it. */
  k6Samples: 'k6-samples.csv.gz',
  /** The route_* rows of k6Samples, verbatim with k6's header: kept after aggregation for exact window figures. */
  routeSamples: 'route-samples.csv.gz',
  series: 'timeseries.json',
} as const;
