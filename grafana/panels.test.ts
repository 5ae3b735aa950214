// Tested against: the real plugins' recorded answers (test-fixtures/plugin-answers/, one folder per
// plugin: Infinity 3.2.0 for every current panel, redis-datasource 2.2.0 for the old dashboard's Redis
// panels) run through each panel's transformations by Grafana's own @grafana/data 12.2.1; then checked
// for what the panel type needs and the hand-worked numbers of test-fixtures/records.ts. No frame is
// built here: a panel without a recorded answer of its exact query fails. The same checks run on the
// dashboard as it was before (a negative fixture), whose broken panels must fail them. Last, grades-api
// (on a real redis-server and a real MongoDB-wire server holding what records.ts writes through the real
// store classes) is asked every recorded URL again: it must still answer the JSON Infinity was given.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { gradesDashboard } from './dashboards/grades.js';
import { DATASOURCES } from './datasources.js';
import { dataFrameFromJSON } from './grafana-data.js';
import { answerFile, answersDir, answersFor, expectedFor, readRecorded } from './panel-answers.js';
import { panelProblems, type PanelLike } from './panel-checks.js';
import { startFixtureStores } from './test-fixtures/stores.js';

const panelsOf = (d: { panels?: unknown[] }): PanelLike[] => ((d.panels ?? []) as PanelLike[]).filter((p) => p.type !== 'row');
const current = panelsOf(JSON.parse(JSON.stringify(gradesDashboard())) as { panels?: unknown[] });
const old = panelsOf(JSON.parse(readFileSync(new URL('./test-fixtures/old-dashboard/grades.json', import.meta.url), 'utf8')) as { panels?: unknown[] });
const INFINITY = DATASOURCES.grades.type;

async function problemsOf(panel: PanelLike): Promise<string[]> {
  const expected = expectedFor(panel.title);
  if (expected === undefined) return [`no expectation for "${panel.title}"`];
  return panelProblems(panel, answersFor(panel).map((f) => dataFrameFromJSON(f)), expected);
}

t.test('every current panel: Grafana\'s transformations on the recorded Infinity answers give what the panel needs', async (t) => {
  t.equal(current.length, 15, 'the 15 store panels');
  for (const panel of current) {
    t.same(((panel.targets ?? []) as { datasource: { type: string } }[]).map((q) => q.datasource.type), [INFINITY], `${panel.title}: one Infinity target`);
    t.same(await problemsOf(panel), [], `${panel.title} (recorded: ${INFINITY}/${answerFile(panel.title)})`);
  }
});

// The dashboard before this check existed. Its MongoDB bar charts were right; everything else was not
// (the Redis panels read redis-datasource and assumed a Field/Value table; the Infinity tables and stat
// assumed the query's column order) or ran transformations only Grafana's app code has.
const OLD_RIGHT = /^Records by \w+: MongoDB/;

t.test('the old panels, fed their plugins\' recorded answers, fail where they were broken', async (t) => {
  t.equal(old.length, 15);
  for (const panel of old) {
    const problems = await problemsOf(panel);
    if (OLD_RIGHT.test(panel.title)) t.same(problems, [], `old "${panel.title}" was right, and passes`);
    else t.ok(problems.length > 0, `old "${panel.title}" fails: ${problems.join('; ')}`);
  }
});

t.test('the Infinity recordings describe today\'s grades-api: the same URLs answer the same JSON', async (t) => {
  const stores = await startFixtureStores(t, 'grafana_panels');
  for (const panel of current) {
    const frame = readRecorded(INFINITY, panel.title)?.results.A?.frames[0];
    t.ok(frame, `${answerFile(panel.title)} in ${answersDir(INFINITY)}`);
    const url = frame?.schema.meta?.custom?.query?.url;
    t.type(url, 'string', `${panel.title}: the recording names its URL`);
    const body = (await (await fetch(stores.apiUrl + String(url))).json()) as unknown;
    t.same(body, frame?.schema.meta?.custom?.data, `${panel.title}: grades-api answers ${String(url)} with what Infinity was given`);
  }
});

t.test('a panel whose exact query was not recorded has no answer: nothing is built in its place', async (t) => {
  const redisTotals = current.find((p) => p.title === 'Totals: Redis (route B)')!;
  const retarget = (change: Record<string, unknown>): PanelLike => ({ ...redisTotals, targets: (redisTotals.targets ?? []).map((q) => ({ ...(q as object), ...change })) });
  t.throws(() => answersFor(retarget({ url: '/v1/redis/totals?limit=1' })), /recorded answer is for another query: url/, 'another URL');
  t.throws(() => answersFor(retarget({ columns: [] })), /recorded answer is for another query: columns/, 'other columns');
  t.throws(() => answersFor({ ...redisTotals, title: 'Totals: nowhere' }), /no recorded yesoreyeram-infinity-datasource answer/, 'a panel nobody recorded');
});
