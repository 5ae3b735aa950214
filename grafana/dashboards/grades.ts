/**
 * Grades dashboard: the grade aggregates side by side from both stores. Redis holds route B's
 * aggregates only (written by redis-writer); MongoDB holds the records of both routes (read through
 * grades-api). Every panel's description names its store, its key or endpoint, and the variables that apply.
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
import { ALL, GRADE_VARIABLES, GRADES_API_QUERIES, REDIS_QUERIES, type GradesApiQuery } from '../queries.js';
import { gradesApiTarget, numberPanels, redisTarget, transform } from './builders.js';

export const GRADES_UID = 'splitbench-grades';
/** Records without a year are counted as "(none)"; that is no value to filter on. */
export const YEAR_VARIABLE_REGEX = '/^[0-9]{4}$/';

/** Variable names, from the one map in queries.ts. */
const GRADE_VARIABLES_NAMES = Object.fromEntries(Object.keys(GRADE_VARIABLES).map((k) => [k, k])) as { [K in keyof typeof GRADE_VARIABLES]: K };

const COUNT_DIMENSIONS = ['curso', 'facultad', 'carrera', 'region'] as const;

const REDIS_NOTE =
  'Store: Redis (route B only: records that redis-writer accepted; route A never writes Redis). ' +
  'Variables do not apply: the Redis aggregates are running totals, not broken down by run, year, region or route.';
const mongoNote = (endpoint: string): string =>
  `Store: MongoDB collection "${GRADES_COLLECTION}" (records of both routes), read through grades-api ${endpoint}. ` +
  `Variables that apply: ${Object.keys(GRADE_VARIABLES).join(', ')}.`;
const endpointOf = (q: GradesApiQuery): string => q.url.split('?')[0] ?? q.url;

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

const totalsStat = (): Stat =>
  new Stat()
    .height(5)
    .span(12)
    .graphMode(BigValueGraphMode.None)
    .textMode(BigValueTextMode.ValueAndName)
    .orientation(VizOrientation.Horizontal)
    .overrideByName('avg_nota', [{ id: 'decimals', value: 2 }])
    .overrideByName('pass_rate', [{ id: 'unit', value: 'percentunit' }])
    .reduceOptions(new ReduceDataOptionsBuilder().values(false).calcs(['lastNotNull']).fields('/^(records|graded|passed|failed|avg_nota|pass_rate)$/'));

export function gradesDashboard(): Dashboard {
  const b = new DashboardBuilder('splitbench / Grades')
    .uid(GRADES_UID)
    .description('Grade aggregates from Redis (route B) and MongoDB (both routes); see grafana/README.md for which panel reads which store.')
    .tags(['splitbench', 'grades'])
    .refresh('10s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .editable()
    .withVariable(customVariable(GRADE_VARIABLES_NAMES.curso, 'curso', CURSOS))
    .withVariable(customVariable(GRADE_VARIABLES_NAMES.region, 'region', REGIONES))
    .withVariable(apiVariable(GRADE_VARIABLES_NAMES.year, 'year', GRADES_API_QUERIES.yearValues, YEAR_VARIABLE_REGEX))
    .withVariable(customVariable(GRADE_VARIABLES_NAMES.route, 'route', ROUTES))
    .withVariable(apiVariable(GRADE_VARIABLES_NAMES.run, 'run', GRADES_API_QUERIES.runValues));

  b.withRow(new RowBuilder('Totals'));
  b.withPanel(
    totalsStat()
      .title('Totals: Redis (route B)')
      .description(`${REDIS_NOTE} Key: HGETALL ${REDIS_KEYS.totals}; avg_nota = nota_sum / graded, pass_rate = passed / graded (pass at ${PASSING_NOTA}).`)
      .datasource(dsRef('redis'))
      .withTarget(redisTarget(REDIS_QUERIES.totals))
      .transformations([
        transform.toNumber('Value'),
        transform.rowsToFields(),
        transform.divide('avg_nota', 'nota_sum', 'graded'),
        transform.divide('pass_rate', 'passed', 'graded'),
      ]),
  );
  b.withPanel(
    totalsStat()
      .title('Totals: MongoDB (both routes)')
      .description(`${mongoNote(endpointOf(GRADES_API_QUERIES.totals))} avg_nota and pass_rate are computed by grades-api (pass at ${PASSING_NOTA}).`)
      .datasource(dsRef('grades'))
      .withTarget(gradesApiTarget(GRADES_API_QUERIES.totals)),
  );

  b.withRow(new RowBuilder('Counts'));
  for (const dim of COUNT_DIMENSIONS) {
    b.withPanel(
      new BarChart()
        .title(`Records by ${dim}: Redis (route B)`)
        .description(`${REDIS_NOTE} Key: HGETALL ${REDIS_KEYS.countBy[dim]}.`)
        .height(8)
        .span(12)
        .datasource(dsRef('redis'))
        .withTarget(redisTarget(REDIS_QUERIES.countBy[dim]))
        .transformations([transform.toNumber('Value'), transform.rename({ Field: dim, Value: 'records' }), transform.sortDesc('records')])
        .xField(dim)
        .orientation(VizOrientation.Horizontal),
    );
    b.withPanel(
      new BarChart()
        .title(`Records by ${dim}: MongoDB (both routes)`)
        .description(mongoNote(endpointOf(GRADES_API_QUERIES.countBy[dim])))
        .height(8)
        .span(12)
        .datasource(dsRef('grades'))
        .withTarget(gradesApiTarget(GRADES_API_QUERIES.countBy[dim]))
        .xField(dim)
        .orientation(VizOrientation.Horizontal),
    );
  }
  b.withPanel(
    new BarChart()
      .title('Records by route: MongoDB (the split as stored)')
      .description(`${mongoNote(endpointOf(GRADES_API_QUERIES.countBy.route))} The share of stored records per route; compare with the Benchmark dashboard's observed split.`)
      .height(6)
      .span(24)
      .datasource(dsRef('grades'))
      .withTarget(gradesApiTarget(GRADES_API_QUERIES.countBy.route))
      .xField('route')
      .orientation(VizOrientation.Horizontal),
  );

  b.withRow(new RowBuilder('Average nota and pass/fail by curso'));
  const bc = REDIS_QUERIES.byCurso;
  b.withPanel(
    new Table()
      .title('By curso: Redis (route B)')
      .description(
        `${REDIS_NOTE} Keys: HGETALL ${bc.graded.keyName}, ${bc.nota_sum.keyName}, ${bc.passed.keyName}, ${bc.failed.keyName}, ` +
          'joined by curso; avg_nota = nota_sum / graded, pass_rate = passed / graded.',
      )
      .height(9)
      .span(12)
      .datasource(dsRef('redis'))
      .targets([redisTarget(bc.graded), redisTarget(bc.nota_sum), redisTarget(bc.passed), redisTarget(bc.failed)])
      .transformations([
        ...Object.values(bc).map((q) => transform.rename({ Value: q.refId }, q.refId)),
        transform.join('Field'),
        transform.toNumber(...Object.values(bc).map((q) => q.refId)),
        transform.divide('avg_nota', 'nota_sum', 'graded'),
        transform.divide('pass_rate', 'passed', 'graded'),
        transform.rename({ Field: 'curso' }),
      ])
      .overrideByName('avg_nota', [{ id: 'decimals', value: 2 }])
      // A curso with no passing (or no failing) record has no field in that hash: the join leaves it
      // empty, and empty here means zero.
      .overrideByName('passed', [{ id: 'noValue', value: '0' }])
      .overrideByName('failed', [{ id: 'noValue', value: '0' }])
      .overrideByName('pass_rate', [{ id: 'unit', value: 'percentunit' }, { id: 'noValue', value: '0' }]),
  );
  b.withPanel(
    new Table()
      .title('By curso: MongoDB (both routes)')
      .description(mongoNote(endpointOf(GRADES_API_QUERIES.byCurso)))
      .height(9)
      .span(12)
      .datasource(dsRef('grades'))
      .withTarget(gradesApiTarget(GRADES_API_QUERIES.byCurso))
      .overrideByName('avg_nota', [{ id: 'decimals', value: 2 }])
      .overrideByName('pass_rate', [{ id: 'unit', value: 'percentunit' }]),
  );

  b.withRow(new RowBuilder('Latest records'));
  b.withPanel(
    new Table()
      .title('Latest records: Redis (route B)')
      .description(`${REDIS_NOTE} Key: XREVRANGE ${REDIS_KEYS.recent} + - COUNT ${REDIS_QUERIES.recent.count} (a capped stream); the record JSON is spread into columns.`)
      .height(10)
      .span(24)
      .datasource(dsRef('redis'))
      .withTarget(redisTarget(REDIS_QUERIES.recent))
      .transformations([transform.extractJson('record'), transform.exclude('record')]),
  );
  b.withPanel(
    new Table()
      .title('Latest records: MongoDB (both routes)')
      .description(`${mongoNote(endpointOf(GRADES_API_QUERIES.latest))} Newest first by receivedAt.`)
      .height(10)
      .span(24)
      .datasource(dsRef('grades'))
      .withTarget(gradesApiTarget(GRADES_API_QUERIES.latest)),
  );
  return numberPanels(b.build());
}

