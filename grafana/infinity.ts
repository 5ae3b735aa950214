/**
 * Two rules of Grafana's Infinity datasource (3.2.0) the dashboards depend on, for tests:
 *
 * 1. How its backend parser turns a JSON answer into a data frame. Taken from the plugin's recorded
 *    answers for all 15 Grades panels (test-fixtures/plugin-answers/yesoreyeram-infinity-datasource,
 *    which infinity.test.ts compares this with): one field per query column, named by its `text`, in
 *    alphabetical order of the names whatever order the query lists them in (the plugin builds rows as
 *    Go maps and emits their keys sorted); numbers are nullable float64, strings nullable strings,
 *    `timestamp` columns nullable times (milliseconds on the wire). The panel tests use the recordings
 *    themselves; only variables.test.ts builds frames with this, for filtered URLs nobody recorded.
 * 2. Which URL it fetches and whether `allowedHosts` lets it: pkg/infinity/request.go `GetQueryURL`
 *    prefixes the datasource URL unless the query URL already starts with it, and
 *    pkg/infinity/request_validator.go `ValidateRequest` allows a request when its URL string starts
 *    with one of `allowedHosts`: a plain string prefix, not a host comparison.
 */
import type { DataFrameJSON } from './grafana-data.js';
import type { GradesApiQuery, InfinityColumn } from './queries.js';

const WIRE = {
  string: { type: 'string', frame: 'string' },
  number: { type: 'number', frame: 'float64' },
  timestamp: { type: 'time', frame: 'time.Time' },
} as const;

/** Go's fmt %v of a number or boolean in a string column; the same as JS for whole numbers and short decimals. */
const goText = (v: number | boolean): string => String(v);

function cell(v: unknown, type: InfinityColumn['type']): string | number | null {
  if (type === 'string') return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? goText(v) : null;
  if (type === 'number') {
    if (typeof v === 'number') return v;
    // Go's strconv.ParseFloat of the whole string.
    if (typeof v === 'string' && v.trim() === v && v !== '' && Number.isFinite(Number(v))) return Number(v);
    return null;
  }
  if (typeof v === 'string' && v !== '') {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? null : ms;
  }
  // A number in a timestamp column is read as a year (Go layout "2006").
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 9999) return Date.UTC(v, 0, 1);
  return null;
}

/** The frame Infinity's backend parser (table format) builds from a grades-api answer, in wire JSON. */
export function infinityFrame(q: GradesApiQuery, body: unknown): DataFrameJSON {
  const rows: unknown[] = Array.isArray(body) ? body : typeof body === 'object' && body !== null ? [body] : [];
  // No rows, no fields: the panel shows "No data".
  const columns = rows.length === 0 ? [] : [...q.columns].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  return {
    schema: {
      name: q.refId,
      refId: q.refId,
      fields: columns.map((c) => ({ name: c.text, type: WIRE[c.type].type as never, typeInfo: { frame: WIRE[c.type].frame, nullable: true } })),
    },
    data: { values: columns.map((c) => rows.map((r) => cell(typeof r === 'object' && r !== null ? (r as Record<string, unknown>)[c.selector] : undefined, c.type))) },
  };
}

/** GetQueryURL: the URL Infinity requests for a query URL (before it re-encodes the query string). */
export function infinityRequestUrl(datasourceUrl: string, queryUrl: string): string {
  return queryUrl.startsWith(datasourceUrl) ? queryUrl : datasourceUrl + queryUrl;
}

/** ValidateRequest's allowedHosts rule: an empty list allows anything; otherwise a string prefix. */
export function infinityAllows(allowedHosts: readonly string[], requestUrl: string): boolean {
  return allowedHosts.length === 0 || allowedHosts.some((h) => requestUrl.startsWith(h));
}
