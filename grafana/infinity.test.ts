// Tested against: (1) every answer the real Infinity 3.2.0 backend recorded for the Grades dashboard's
// 15 panels (test-fixtures/plugin-answers/yesoreyeram-infinity-datasource/): the frame builder of
// infinity.ts (which variables.test.ts uses for the filtered queries nobody recorded) must reproduce
// each recorded frame from the JSON the recording says Infinity was given, and what it builds is read
// with Grafana's own dataFrameFromJSON (@grafana/data 12.2.1). (2) The provisioned datasource under the
// plugin's allowedHosts rule (GetQueryURL + ValidateRequest: a string prefix), restated in infinity.ts
// from the plugin's source, not run: it must let the dashboards' URLs through and refuse other hosts.
import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import { dataFrameFromJSON, FieldType } from './grafana-data.js';
import { infinityAllows, infinityFrame, infinityRequestUrl } from './infinity.js';
import { answersDir, type Recorded } from './panel-answers.js';
import { datasourcesYaml, PROVISIONING_ENV } from './provisioning.js';
import { MONGO_QUERIES, REDIS_QUERIES, type GradesApiQuery } from './queries.js';
import { DATASOURCES } from './datasources.js';

const INFINITY_DIR = answersDir(DATASOURCES.grades.type);
const infinityAnswers = readdirSync(INFINITY_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, frame: (JSON.parse(readFileSync(INFINITY_DIR + f, 'utf8')) as Recorded).results.A!.frames[0]! }));

t.test('the frame builder reproduces every recorded Infinity answer from the JSON it was given', async (t) => {
  t.equal(infinityAnswers.length, 15, 'one recorded Infinity answer per Grades panel');
  for (const { file, frame } of infinityAnswers) {
    const built = infinityFrame(frame.schema.meta?.custom?.query as unknown as GradesApiQuery, frame.schema.meta?.custom?.data);
    t.same(built.schema?.fields, frame.schema.fields, `${file}: fields, their order and types`);
    t.same(built.data?.values, frame.data?.values, `${file}: values`);
  }
});

t.test('what the builder builds is what Grafana reads: names, types, times', async (t) => {
  const rows = [{ receivedAt: '2026-01-01T12:00:05.000Z', id: 'r6', nota: 60, curso: 'BD1', year: null, route: 'redis', runId: 'run-2' }];
  const frame = dataFrameFromJSON(infinityFrame(REDIS_QUERIES.latest, rows));
  t.same(frame.fields.map((f) => f.name), [...REDIS_QUERIES.latest.columns.map((c) => c.text)].sort(), 'columns sorted by name, as the plugin does');
  const field = (n: string) => frame.fields.find((f) => f.name === n);
  t.equal(field('receivedAt')?.type, FieldType.time);
  t.same(field('receivedAt')?.values, [Date.UTC(2026, 0, 1, 12, 0, 5)]);
  t.equal(field('nota')?.type, FieldType.number);
  t.same(field('year')?.values, [null], 'null stays null');
  t.same(field('carnet')?.values, [null], 'a column absent from the row is null');
  t.same(infinityFrame(MONGO_QUERIES.totals, []).schema?.fields, [], 'no rows: no fields ("No data")');
});

const k8sUrl = 'http://grades-api:8090';
const provisioned = (parse(datasourcesYaml()) as { datasources: { uid: string; url: string; jsonData: { allowedHosts: string[] } }[] }).datasources.find((d) => d.uid === DATASOURCES.grades.uid)!;
/** The provisioning file as Grafana reads it: ${GRADES_API_URL} expanded. */
const expand = (s: string): string => s.replaceAll(`\${${PROVISIONING_ENV.gradesApiUrl}}`, k8sUrl);
const allowed = provisioned.jsonData.allowedHosts.map(expand);
const fetched = (queryUrl: string): string => infinityRequestUrl(expand(provisioned.url), queryUrl);

t.test('allowedHosts: the provisioned entry lets the dashboards through and refuses every other host', async (t) => {
  t.same(allowed, [`${k8sUrl}/`], 'grades-api with a trailing slash');
  for (const q of [...Object.values(MONGO_QUERIES).flatMap((q) => ('url' in q ? [q] : Object.values(q))), REDIS_QUERIES.totals, REDIS_QUERIES.latest]) {
    t.ok(infinityAllows(allowed, fetched((q as GradesApiQuery).url)), `${(q as GradesApiQuery).url.split('?')[0]} allowed`);
  }
  // What a dashboard editor could type as a query URL, and where it would really go.
  const escapes = ['@evil.example:80/x', '.evil.example/x', '0/x', 'http://evil.example/x', ':8090@evil.example/x'];
  for (const u of escapes) t.notOk(infinityAllows(allowed, fetched(u)), `${JSON.stringify(u)} refused (would fetch ${fetched(u)})`);
  t.ok(infinityAllows(allowed, `${k8sUrl}/v1/totals`), 'a full URL to grades-api is fine');
});

t.test('without the trailing slash the same rule lets another host through (why the slash is there)', async (t) => {
  const bare = [k8sUrl];
  const escape = fetched('@evil.example:80/x');
  t.equal(escape, 'http://grades-api:8090@evil.example:80/x');
  t.ok(infinityAllows(bare, escape), 'passes a bare-host prefix check');
  t.equal(new URL(escape).hostname, 'evil.example', 'and goes to another host (grades-api:8090 is only the user info)');
  t.notOk(infinityAllows([`${k8sUrl}/`], escape), 'the pinned entry refuses it');
});
