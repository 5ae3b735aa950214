/**
 * Every Grades dashboard query, defined once: Infinity GETs of grades-api, which reads both stores (the
 * MongoDB records of both routes, route B's Redis aggregates) and answers the same JSON rows for both.
 * The dashboards put these objects into panels; the tests run the same objects against grades-api over
 * a real MongoDB-wire server and a real redis-server. Paths and fields come from grades-api and
 * contract/, never typed here.
 */
import { dsRef } from './datasources.js';
import type { Dimension } from '../grades-api/mongo-reads.js';
import type { RedisDimension } from '../grades-api/redis-reads.js';
import { API_PATHS } from '../grades-api/server.js';

export interface InfinityColumn {
  selector: string;
  text: string;
  type: 'string' | 'number' | 'timestamp';
}

export interface GradesApiQuery {
  refId: string;
  datasource: { type: string; uid: string };
  type: 'json';
  source: 'url';
  parser: 'backend';
  format: 'table';
  /** Relative to the datasource URL (grades-api); may hold dashboard variables. */
  url: string;
  url_options: { method: 'GET'; data: '' };
  root_selector: '';
  /** In the order the panel shows them (Infinity itself returns them sorted by name: see infinity.ts). */
  columns: InfinityColumn[];
}

/** How many recent records the "latest" panels show. */
export const LATEST_COUNT = 20;

/** Dashboard variables of the Grades dashboard, and the grades-api filter parameter each one sets. */
export const GRADE_VARIABLES = {
  curso: 'curso',
  region: 'region',
  year: 'year',
  route: 'route',
  run: 'runId',
} as const satisfies Record<string, Dimension>;

/** The value a variable takes for "All"; grades-api reads it as "no filter". */
export { ALL } from '../grades-api/server.js';

const filterParams = Object.entries(GRADE_VARIABLES)
  .map(([variable, param]) => `${param}=\${${variable}:percentencode}`)
  .join('&');

const num = (selector: string, text = selector): InfinityColumn => ({ selector, text, type: 'number' });
const str = (selector: string, text = selector): InfinityColumn => ({ selector, text, type: 'string' });

function gradesApi(url: string, columns: InfinityColumn[], refId = 'A'): GradesApiQuery {
  return {
    refId,
    datasource: dsRef('grades'),
    type: 'json',
    source: 'url',
    parser: 'backend',
    format: 'table',
    url,
    url_options: { method: 'GET', data: '' },
    root_selector: '',
    columns,
  };
}

const totalsColumns = [num('records'), num('graded'), num('nota_sum'), num('passed'), num('failed'), num('avg_nota'), num('pass_rate')];
const countColumns = (dim: string): InfinityColumn[] => [str('value', dim), num('records')];
const recordColumns: InfinityColumn[] = [
  { selector: 'receivedAt', text: 'receivedAt', type: 'timestamp' },
  str('route'),
  str('runId'),
  str('curso'),
  str('facultad'),
  str('carrera'),
  str('region'),
  num('nota'),
  str('semestre'),
  num('year'),
  str('carnet'),
  str('nombre'),
  str('instance'),
  str('id'),
];

/** MongoDB (both routes): every URL carries the dashboard variables as grades-api filters. */
export const MONGO_QUERIES = {
  totals: gradesApi(`${API_PATHS.totals}?${filterParams}`, totalsColumns),
  countBy: {
    curso: gradesApi(`${API_PATHS.counts('curso')}?${filterParams}`, countColumns('curso')),
    facultad: gradesApi(`${API_PATHS.counts('facultad')}?${filterParams}`, countColumns('facultad')),
    carrera: gradesApi(`${API_PATHS.counts('carrera')}?${filterParams}`, countColumns('carrera')),
    region: gradesApi(`${API_PATHS.counts('region')}?${filterParams}`, countColumns('region')),
    route: gradesApi(`${API_PATHS.counts('route')}?${filterParams}`, countColumns('route')),
  },
  byCurso: gradesApi(`${API_PATHS.byCurso}?${filterParams}`, [str('curso'), ...totalsColumns]),
  latest: gradesApi(`${API_PATHS.latest}?${filterParams}&limit=${LATEST_COUNT}`, recordColumns),
  /** Variable options: values present in the records (unfiltered, so a choice never hides the others). */
  yearValues: gradesApi(API_PATHS.counts('year'), [str('value', 'year')]),
  runValues: gradesApi(API_PATHS.counts('runId'), [str('value', 'runId')]),
} as const;

const redisCount = (dim: RedisDimension): GradesApiQuery => gradesApi(API_PATHS.redis.counts(dim), countColumns(dim));

/** Redis (route B's running totals): no variables, the aggregates are not broken down by them. */
export const REDIS_QUERIES = {
  totals: gradesApi(API_PATHS.redis.totals, totalsColumns),
  countBy: { curso: redisCount('curso'), facultad: redisCount('facultad'), carrera: redisCount('carrera'), region: redisCount('region') },
  byCurso: gradesApi(API_PATHS.redis.byCurso, [str('curso'), ...totalsColumns]),
  // The Redis stream does not keep which pod stored a record.
  latest: gradesApi(`${API_PATHS.redis.latest}?limit=${LATEST_COUNT}`, recordColumns.filter((c) => c.selector !== 'instance')),
} as const;
