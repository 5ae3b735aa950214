/**
 * Grades dashboard: the grade aggregates side by side from both stores, each panel a twin of the other
 * store's. Redis holds route B's aggregates only (written by redis-writer); MongoDB holds the records of
 * both routes. Both are read through grades-api with the Infinity datasource. Every panel's description
 * names its store, its endpoint, and the variables that apply.
 */
import { BigValueGraphMode, BigValueTextMode, ReduceDataOptionsBuilder, VizOrientation } from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as BarChart } from '@grafana/grafana-foundation-sdk/barchart';
import { CustomVariableBuilder, DashboardBuilder, QueryVariableBuilder, RowBuilder, VariableRefresh, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as Stat } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as Table } from '@grafana/grafana-foundation-sdk/table';
import { CURSOS, PASSING_NOTA, REGIONES } from '../../contract/grade.js';
import { ROUTES } from '../../contract/routes.js';
import { GRADES_COLLECTION, REDIS_KEYS } from '../../contract/stores.js';
import { dsRef } from '../datasources.js';
import { ALL, GRADE_VARIABLES, LATEST_COUNT, MONGO_QUERIES, REDIS_QUERIES, type GradesApiQuery } from '../queries.js';
import { gradesApiTarget, numberPanels, orderAsQueried } from './builders.js';

export const GRADES_UID = 'splitbench-grades';
/** Records without a year are counted as "(none)"; that is no value to filter on. */
export const YEAR_VARIABLE_REGEX = '/^[0-9]{4}$/';

/** Variable names, from the one map in queries.ts. */
const GRADE_VARIABLES_NAMES = Object.fromEntries(Object.keys(GRADE_VARIABLES).map((k) => [k, k])) as { [K in keyof typeof GRADE_VARIABLES]: K };

const COUNT_DIMENSIONS = ['curso', 'facultad', 'carrera', 'region'] as const;

/** One store's side of the dashboard: its panel titles say which, its notes where the numbers come from. */
interface Store {
  title: string;
  note: (q: GradesApiQuery, what: string) => string;
  queries: { totals: GradesApiQuery; byCurso: GradesApiQuery; latest: GradesApiQuery; countBy: Record<(typeof COUNT_DIMENSIONS)[number], GradesApiQuery> };
}

const endpointOf = (q: GradesApiQuery): string => q.url.split('?')[0] ?? q.url;
const REDIS: Store = {
  title: 'Redis (route B)',
  note: (q, what) =>
    `Store: Redis (route B only: records that redis-writer accepted; route A never writes Redis), ${what}, read through grades-api ${endpointOf(q)}. ` +
    'Variables do not apply: the Redis aggregates are running totals, not broken down by run, year, region or route.',
  queries: REDIS_QUERIES,
};
const MONGO: Store = {
  title: 'MongoDB (both routes)',
  note: (q, what) =>
    `Store: MongoDB collection "${GRADES_COLLECTION}" (records of both routes), ${what}, read through grades-api ${endpointOf(q)}. ` +
    `Variables that apply: ${Object.keys(GRADE_VARIABLES).join(', ')}.`,
  queries: MONGO_QUERIES,
};

function customVariable(name: string, label: string, values: readonly string[]): CustomVariableBuilder {
  return new CustomVariableBuilder(name)
    .label(label)
    .values(values.join(','))
    .includeAll(true)
    .allValue(ALL)
    .current({ text: 'All', value: '$__all' });
}

function apiVariable(name: string, label: string, q: GradesApiQuery, regex?: string): QueryVariableBuilder {
  // Infinity's variable editor in "Infinity" mode: the same query model as a panel target.
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(dsRef('grades'))
    .query({ queryType: 'infinity', infinityQuery: { ...q, refId: 'variable' }, query: '', refId: 'variable' })
    .refresh(VariableRefresh.OnDashboardLoad)
    .includeAll(true)
    .allValue(ALL)
    .current({ text: 'All', value: '$__all' })
    .regex(regex ?? '');
}

const totalsStat = (store: Store): Stat =>
  new Stat()
    .title(`Totals: ${store.title}`)
    .description(store.note(store.queries.totals, `records, graded, passed, failed; avg_nota = nota_sum / graded, pass_rate = passed / graded (pass at ${PASSING_NOTA})`))
    .height(5)
    .span(12)
    .graphMode(BigValueGraphMode.None)
    .textMode(BigValueTextMode.ValueAndName)
    .orientation(VizOrientation.Horizontal)
    .overrideByName('avg_nota', [{ id: 'decimals', value: 2 }])
    .overrideByName('pass_rate', [{ id: 'unit', value: 'percentunit' }])
    .reduceOptions(new ReduceDataOptionsBuilder().values(false).calcs(['lastNotNull']).fields('/^(records|graded|passed|failed|avg_nota|pass_rate)$/'))
    .datasource(dsRef('grades'))
    .withTarget(gradesApiTarget(store.queries.totals))
    .transformations([orderAsQueried(store.queries.totals)]);

/** A horizontal bar per value of the dimension: the string field `dim` and the number field `records`. */
const countBars = (title: string, description: string, q: GradesApiQuery, dim: string, height: number, span: number): BarChart =>
  new BarChart()
    .title(title)
    .description(description)
    .height(height)
    .span(span)
    .datasource(dsRef('grades'))
    .withTarget(gradesApiTarget(q))
    .transformations([orderAsQueried(q)])
    .xField(dim)
    .orientation(VizOrientation.Horizontal);

const byCursoTable = (store: Store): Table =>
  new Table()
    .title(`By curso: ${store.title}`)
    .description(store.note(store.queries.byCurso, 'per curso: records, graded, nota_sum, passed, failed; avg_nota = nota_sum / graded, pass_rate = passed / graded'))
    .height(9)
    .span(12)
    .datasource(dsRef('grades'))
    .withTarget(gradesApiTarget(store.queries.byCurso))
    .transformations([orderAsQueried(store.queries.byCurso)])
    .overrideByName('avg_nota', [{ id: 'decimals', value: 2 }])
    .overrideByName('pass_rate', [{ id: 'unit', value: 'percentunit' }]);

const latestTable = (store: Store, source: string): Table =>
  new Table()
    .title(`Latest records: ${store.title}`)
    .description(store.note(store.queries.latest, `the newest ${LATEST_COUNT} records, newest first (${source})`))
    .height(10)
    .span(24)
    .datasource(dsRef('grades'))
    .withTarget(gradesApiTarget(store.queries.latest))
    .transformations([orderAsQueried(store.queries.latest)]);

export function gradesDashboard(): Dashboard {
  const b = new DashboardBuilder('splitbench / Grades')
    .uid(GRADES_UID)
    .description('Grade aggregates from Redis (route B) and MongoDB (both routes), both read through grades-api; see grafana/README.md for which panel reads what.')
    .tags(['splitbench', 'grades'])
    .refresh('10s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .editable()
    .withVariable(customVariable(GRADE_VARIABLES_NAMES.curso, 'curso', CURSOS))
    .withVariable(customVariable(GRADE_VARIABLES_NAMES.region, 'region', REGIONES))
    .withVariable(apiVariable(GRADE_VARIABLES_NAMES.year, 'year', MONGO_QUERIES.yearValues, YEAR_VARIABLE_REGEX))
    .withVariable(customVariable(GRADE_VARIABLES_NAMES.route, 'route', ROUTES))
    .withVariable(apiVariable(GRADE_VARIABLES_NAMES.run, 'run', MONGO_QUERIES.runValues));

  b.withRow(new RowBuilder('Totals'));
  b.withPanel(totalsStat(REDIS));
  b.withPanel(totalsStat(MONGO));

  b.withRow(new RowBuilder('Counts'));
  for (const dim of COUNT_DIMENSIONS) {
    for (const store of [REDIS, MONGO]) {
      const q = store.queries.countBy[dim];
      b.withPanel(countBars(`Records by ${dim}: ${store.title}`, store.note(q, `records per ${dim}`), q, dim, 8, 12));
    }
  }
  const route = MONGO_QUERIES.countBy.route;
  b.withPanel(
    countBars(
      'Records by route: MongoDB (the split as stored)',
      `${MONGO.note(route, 'records per route')} The share of stored records per route; compare with the Benchmark dashboard's observed split.`,
      route,
      'route',
      6,
      24,
    ),
  );

  b.withRow(new RowBuilder('Average nota and pass/fail by curso'));
  b.withPanel(byCursoTable(REDIS));
  b.withPanel(byCursoTable(MONGO));

  b.withRow(new RowBuilder('Latest records'));
  b.withPanel(latestTable(REDIS, `XREVRANGE ${REDIS_KEYS.recent}, a capped stream`));
  b.withPanel(latestTable(MONGO, 'by receivedAt'));
  return numberPanels(b.build());
}
