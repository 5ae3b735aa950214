// Tested against: grades-api over a real MongoDB-wire server holding what test-fixtures/records.ts
// writes, with the MongoDB panels' URLs under dashboard variable choices (filtered numbers worked out by
// hand in records.ts) and the variable queries' options. No plugin answer was recorded for these
// filtered URLs, so their frames are built by infinity.ts, the builder infinity.test.ts checks against
// all 15 recorded Infinity answers, and read with Grafana's own dataFrameFromJSON (@grafana/data).
import t from 'tap';
import { gradesDashboard, YEAR_VARIABLE_REGEX } from './dashboards/grades.js';
import { dataFrameFromJSON, type DataFrame } from './grafana-data.js';
import { infinityFrame } from './infinity.js';
import { interpolate } from './panel-answers.js';
import { GRADE_VARIABLES, MONGO_QUERIES, type GradesApiQuery } from './queries.js';
import { MONGO_EXPECTED } from './test-fixtures/records.js';
import { startFixtureStores } from './test-fixtures/stores.js';

const stores = await startFixtureStores(t, 'grafana_variables');

async function frame(q: GradesApiQuery, vars: Record<string, string> = {}): Promise<DataFrame> {
  const res = await fetch(stores.apiUrl + interpolate(q.url, vars));
  if (!res.ok) throw new Error(`GET ${q.url}: ${res.status} ${await res.text()}`);
  return dataFrameFromJSON(infinityFrame(q, await res.json()));
}
const column = (f: DataFrame, name: string): unknown[] => f.fields.find((x) => x.name === name)?.values ?? [];

t.test('the MongoDB panels follow the variables', async (t) => {
  for (const { vars, totals } of MONGO_EXPECTED.filtered) {
    const f = await frame(MONGO_QUERIES.totals, vars);
    for (const [k, v] of Object.entries(totals)) t.same(column(f, k), [v], `totals with ${JSON.stringify(vars)}: ${k}`);
  }
  const so1 = await frame(MONGO_QUERIES.countBy.region, { curso: 'SO1' });
  t.same([column(so1, 'region'), column(so1, 'records')], [['NORTE'], [3]], 'count by region for curso SO1');
  const grpc = await frame(MONGO_QUERIES.latest, { route: 'grpc' });
  t.same(column(grpc, 'id'), ['r5', 'r1'], 'latest for route grpc');
  const odd = await frame(MONGO_QUERIES.totals, { curso: "S O1&x=(1)'" });
  t.same(column(odd, 'records'), [0], 'a value with URL syntax in it stays one filter value (percentencode)');
});

t.test('the variable queries list the values present, as the variables use them', async (t) => {
  const regex = new RegExp(YEAR_VARIABLE_REGEX.slice(1, -1));
  const years = column(await frame(MONGO_QUERIES.yearValues), 'year').map(String).filter((v) => regex.test(v));
  t.same(years.sort(), ['2024', '2025'], 'years, without "(none)"');
  t.same(column(await frame(MONGO_QUERIES.runValues), 'runId'), ['run-1', 'run-2']);
  const variables = (gradesDashboard().templating?.list ?? []).map((v) => v.name);
  t.same(variables.sort(), Object.keys(GRADE_VARIABLES).sort(), 'the dashboard defines exactly the variables the URLs use');
});
