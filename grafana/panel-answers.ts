/**
 * Test support: a Grades panel's datasource answers, and what the panel must show.
 *
 * Answers are the real plugins' recorded answers (test-fixtures/plugin-answers) wherever one exists for
 * the panel's exact query; otherwise (the Redis panels over grades-api, newer than the recordings) the
 * frames are built from grades-api's live answer the way the recordings show Infinity builds them
 * (infinity.ts). Each answer says which it is. Expectations come from test-fixtures/records.ts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RECORDS, receivedAt, MONGO_EXPECTED, REDIS_EXPECTED } from './test-fixtures/records.js';
import { DATASOURCES } from './datasources.js';
import type { DataFrameJSON } from './grafana-data.js';
import { infinityFrame } from './infinity.js';
import type { Expected, PanelLike } from './panel-checks.js';
import { ALL, GRADE_VARIABLES, MONGO_QUERIES, REDIS_QUERIES, type GradesApiQuery } from './queries.js';

export const ANSWERS_DIR = fileURLToPath(new URL('./test-fixtures/plugin-answers/', import.meta.url));

interface Recorded {
  results: Record<string, { frames: (DataFrameJSON & { schema: { meta?: { custom?: { query?: GradesApiQuery; data?: unknown } } } })[] }>;
}

/** The fixture file of a panel: its title in lower case, runs of other characters as one dash. */
export const answerFile = (title: string): string => `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}.json`;

export function readRecorded(title: string): Recorded | undefined {
  try {
    return JSON.parse(readFileSync(ANSWERS_DIR + answerFile(title), 'utf8')) as Recorded;
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

/** The recorded query (its URL as the frontend interpolated it) is the target's. */
const sameQuery = (a: GradesApiQuery | undefined, b: GradesApiQuery): boolean =>
  a !== undefined && a.url === interpolate(b.url) && JSON.stringify(a.columns.map((c) => [c.selector, c.text, c.type])) === JSON.stringify(b.columns.map((c) => [c.selector, c.text, c.type]));

export interface Answer {
  frames: DataFrameJSON[];
  source: 'recorded' | 'built from grades-api';
}

/** The panel's frames, target by target: recorded where the exact query was recorded, else built. */
export async function answersFor(panel: PanelLike, gradesApiUrl: string): Promise<Answer> {
  const recorded = readRecorded(panel.title);
  const targets = (panel.targets ?? []) as (GradesApiQuery & { refId: string })[];
  const frames: DataFrameJSON[] = [];
  let built = false;
  for (const target of targets) {
    const result = recorded?.results[target.refId];
    const isInfinity = target.datasource.type === DATASOURCES.grades.type;
    if (result !== undefined && (!isInfinity || sameQuery(result.frames[0]?.schema.meta?.custom?.query, target))) {
      frames.push(...result.frames);
      continue;
    }
    if (!isInfinity) throw new Error(`${panel.title}: no recorded answer for target ${target.refId}`);
    const res = await fetch(gradesApiUrl + interpolate(target.url));
    if (!res.ok) throw new Error(`${panel.title}: GET ${target.url}: ${res.status} ${await res.text()}`);
    frames.push(infinityFrame(target, await res.json()));
    built = true;
  }
  return { frames, source: built ? 'built from grades-api' : 'recorded' };
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
