// Every Grades panel as Grafana would show it: the datasource's answers (the real plugins' recorded
// answers where the exact query was recorded, else frames built from grades-api's live answer the way
// those recordings show Infinity builds them), run through the panel's transformations by Grafana's own
// @grafana/data, then checked for what the panel type needs and the hand-worked numbers of
// test-fixtures/records.ts. The same checks run on the dashboard as it was before (a negative fixture),
// whose broken panels must fail them. The stores hold what records.ts writes, through the real store
// classes; grades-api runs on a real redis-server and a real MongoDB-wire server.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { gradesDashboard } from './dashboards/grades.js';
import { dataFrameFromJSON } from './grafana-data.js';
import { answerFile, answersFor, ANSWERS_DIR, expectedFor, interpolate, readRecorded } from './panel-answers.js';
import { panelProblems, type PanelLike } from './panel-checks.js';
import { startFixtureStores } from './test-fixtures/stores.js';

const stores = await startFixtureStores(t, 'grafana_panels');

const panelsOf = (d: { panels?: unknown[] }): PanelLike[] => ((d.panels ?? []) as PanelLike[]).filter((p) => p.type !== 'row');
const current = panelsOf(JSON.parse(JSON.stringify(gradesDashboard())) as { panels?: unknown[] });
const old = panelsOf(JSON.parse(readFileSync(new URL('./test-fixtures/old-dashboard/grades.json', import.meta.url), 'utf8')) as { panels?: unknown[] });

async function problemsOf(panel: PanelLike): Promise<{ problems: string[]; source: string }> {
  const expected = expectedFor(panel.title);
  if (expected === undefined) return { problems: [`no expectation for "${panel.title}"`], source: 'none' };
  const answer = await answersFor(panel, stores.apiUrl);
  return { problems: await panelProblems(panel, answer.frames.map((f) => dataFrameFromJSON(f)), expected), source: answer.source };
}

t.test('every current panel: Grafana\'s transformations on the real answers give what the panel needs', async (t) => {
  t.equal(current.length, 15, 'the 15 store panels');
  for (const panel of current) {
    const { problems, source } = await problemsOf(panel);
    t.same(problems, [], `${panel.title} (${source})`);
    // The MongoDB queries are the recorded ones; the Redis panels are newer than the recordings.
    t.equal(source, panel.title.includes('MongoDB') ? 'recorded' : 'built from grades-api', `${panel.title}: its answer is ${source}`);
  }
});

// The dashboard before this check existed. Its MongoDB bar charts were right; everything else was not
// (the Redis panels read redis-datasource and assumed a Field/Value table; the Infinity tables and stat
// assumed the query's column order) or ran transformations only Grafana's app code has.
const OLD_RIGHT = /^Records by \w+: MongoDB/;

t.test('the old panels, fed the same real answers, fail where they were broken', async (t) => {
  t.equal(old.length, 15);
  for (const panel of old) {
    const { problems } = await problemsOf(panel);
    if (OLD_RIGHT.test(panel.title)) t.same(problems, [], `old "${panel.title}" was right, and passes`);
    else t.ok(problems.length > 0, `old "${panel.title}" fails: ${problems.join('; ')}`);
  }
});

t.test('the recordings describe today\'s grades-api: same URLs answer the same JSON', async (t) => {
  let compared = 0;
  for (const panel of current.filter((p) => p.title.includes('MongoDB'))) {
    const recorded = readRecorded(panel.title);
    const frame = recorded?.results.A?.frames[0];
    t.ok(frame, `${answerFile(panel.title)} in ${ANSWERS_DIR}`);
    const query = frame?.schema.meta?.custom?.query;
    const body = (await (await fetch(stores.apiUrl + interpolate(query?.url ?? ''))).json()) as unknown;
    t.same(body, frame?.schema.meta?.custom?.data, `${panel.title}: grades-api answers what Infinity was given`);
    compared++;
  }
  t.equal(compared, 8, 'every MongoDB panel');
});
