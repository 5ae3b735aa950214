/**
 * Test support: a Grades panel's datasource answers, and what the panel must show.
 *
 * Answers are only the real plugins' recorded answers (test-fixtures/plugin-answers/<plugin id>/<panel
 * title>.json, described in test-fixtures/README.md): every current panel's from the real Infinity 3.2.0
 * backend, the old dashboard's Redis panels' from the real redis-datasource 2.2.0 backend. A target
 * without a recorded answer, or whose recorded Infinity query is not the target's own, is an error: no
 * frame is built here. Expectations come from test-fixtures/records.ts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RECORDS, receivedAt, MONGO_EXPECTED, REDIS_EXPECTED } from './test-fixtures/records.js';
import { DATASOURCES } from './datasources.js';
import type { DataFrameJSON } from './grafana-data.js';
import type { Expected, PanelLike } from './panel-checks.js';
import { ALL, GRADE_VARIABLES, MONGO_QUERIES, REDIS_QUERIES, type GradesApiQuery } from './queries.js';

/** One folder per plugin, named by the plugin id a target's datasource carries. */
export const ANSWERS_DIR = fileURLToPath(new URL('./test-fixtures/plugin-answers/', import.meta.url));
export const answersDir = (pluginId: string): string => `${ANSWERS_DIR}${pluginId}/`;

/** What Infinity puts in a frame's meta.custom: the query it ran and the JSON it was given. */
export type RecordedFrame = DataFrameJSON & { schema: { meta?: { custom?: { query?: Record<string, unknown>; data?: unknown } } } };
export interface Recorded {
  results: Record<string, { status?: number; frames: RecordedFrame[] }>;
}

/** The fixture file of a panel: its title in lower case, runs of other characters as one dash. */
export const answerFile = (title: string): string => `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}.json`;

export function readRecorded(pluginId: string, title: string): Recorded | undefined {
  try {
    return JSON.parse(readFileSync(answersDir(pluginId) + answerFile(title), 'utf8')) as Recorded;
  } catch {
    return undefined;
  }
}

/**
 * Grafana's interpolation of the dashboard variables as the URLs use them, `${name:percentencode}`, every
 * variable at All. The recorded answers show the frontend sent All as %2A: encodeURIComponent plus
 * Grafana's escaping of !'()*.
 */
export function interpolate(url: string, vars: Record<string, string> = {}): string {
  const values: Record<string, string> = { ...Object.fromEntries(Object.keys(GRADE_VARIABLES).map((v) => [v, ALL])), ...vars };
  return url.replace(/\$\{(\w+):percentencode\}/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`interpolate: variable ${name} has no value`);
    return encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  });
}

/**
 * How the query Infinity recorded differs from the target (its URL as the frontend interpolates it, every
 * field we set, the columns' selector/text/type); empty when it is the target's query. Infinity fills in
 * defaults for what we leave out (alias, csv_options, timestampFormat...): those are not compared.
 */
export function queryDifferences(recorded: Record<string, unknown> | undefined, target: GradesApiQuery): string[] {
  if (recorded === undefined) return ['no query in the recorded frame'];
  const cols = (c: unknown): string => JSON.stringify(((c ?? []) as GradesApiQuery['columns']).map((x) => [x.selector, x.text, x.type]));
  const opts = (o: unknown): string => JSON.stringify({ method: (o as GradesApiQuery['url_options'] | undefined)?.method, data: (o as GradesApiQuery['url_options'] | undefined)?.data });
  const diffs: string[] = [];
  for (const key of Object.keys(target) as (keyof GradesApiQuery)[]) {
    if (key === 'datasource') continue; // the recorder's own datasource instance
    const [got, want] =
      key === 'url' ? [recorded.url, interpolate(target.url)]
      : key === 'columns' ? [cols(recorded.columns), cols(target.columns)]
      : key === 'url_options' ? [opts(recorded.url_options), opts(target.url_options)]
      : [recorded[key], target[key]];
    if (got !== want) diffs.push(`${key}: recorded ${JSON.stringify(got)}, the target has ${JSON.stringify(want)}`);
  }
  return diffs;
}

/** The panel's frames, target by target, from the recorded answer of the target's plugin; throws if there is none. */
export function answersFor(panel: PanelLike): DataFrameJSON[] {
  const targets = (panel.targets ?? []) as (GradesApiQuery & { refId: string })[];
  if (targets.length === 0) throw new Error(`${panel.title}: no targets`);
  return targets.flatMap((target) => {
    const plugin = target.datasource.type;
    const result = readRecorded(plugin, panel.title)?.results[target.refId];
    if (result === undefined) throw new Error(`${panel.title}: no recorded ${plugin} answer for target ${target.refId} (${answersDir(plugin)}${answerFile(panel.title)})`);
    if (result.status !== undefined && result.status !== 200) throw new Error(`${panel.title}: the recorded answer for ${target.refId} is status ${result.status}`);
    if (plugin === DATASOURCES.grades.type) {
      const diffs = queryDifferences(result.frames[0]?.schema.meta?.custom?.query, target);
      if (diffs.length > 0) throw new Error(`${panel.title}: the recorded answer is for another query: ${diffs.join('; ')}`);
    }
    return result.frames;
  });
}

const TOTALS_SHOWN = ['records', 'graded', 'passed', 'failed', 'avg_nota', 'pass_rate'];

function latestRows(ids: readonly string[]): Record<string, unknown>[] {
  return ids.map((id) => {
    const i = RECORDS.findIndex((r) => r.id === id);
    const r = RECORDS[i]!;
    return { id, curso: r.grade.curso, nota: r.grade.nota ?? null, receivedAt: receivedAt(i).getTime() };
  });
}

/** What the panel titled so must show, from the hand-worked numbers of records.ts. */
export function expectedFor(title: string): Expected | undefined {
  const m = /^(Totals|Records by (\w+)|By curso|Latest records): (Redis|MongoDB)/.exec(title);
  if (m === null) return undefined;
  const redis = m[3] === 'Redis';
  const exp = redis ? REDIS_EXPECTED : MONGO_EXPECTED;
  const queries = redis ? REDIS_QUERIES : MONGO_QUERIES;
  if (m[1] === 'Totals') return { kind: 'stat', fields: TOTALS_SHOWN, values: exp.totals };
  if (m[2] !== undefined) return { kind: 'bars', dimension: m[2], counts: (exp.countBy as Record<string, Record<string, number>>)[m[2]]! };
  if (m[1] === 'By curso') {
    return { kind: 'table', columns: queries.byCurso.columns.map((c) => c.text), key: 'curso', rows: Object.entries(exp.byCurso).map(([curso, e]) => ({ curso, ...e })) };
  }
  return { kind: 'table', columns: queries.latest.columns.map((c) => c.text), key: 'id', rows: latestRows(exp.latestIds) };
}
