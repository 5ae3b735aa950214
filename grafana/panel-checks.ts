/**
 * Test support: what a Grades panel shows, worked out with Grafana's own code. A panel's frames (its
 * datasource's answers) go through its transformations in @grafana/data; the result is checked for what
 * the panel type needs and for the numbers it must show. Problems come back as data (one sentence each),
 * so a test can require none for the current dashboard and at least one for a known-broken panel.
 */
import { FieldType, reduceField, ReducerID, transform, TRANSFORMATION_IDS, type DataFrame, type DataTransformerConfig, type Field } from './grafana-data.js';

export interface PanelLike {
  type: string;
  title: string;
  targets?: unknown[];
  transformations?: DataTransformerConfig[];
  options?: { xField?: string; reduceOptions?: { fields?: string } };
}

/** What the panel must show, from grafana/test-fixtures/records.ts. */
export type Expected =
  | { kind: 'bars'; dimension: string; counts: Record<string, number> }
  | { kind: 'stat'; fields: string[]; values: Record<string, number | null> }
  | { kind: 'table'; columns: string[]; key: string; rows: Record<string, unknown>[] };

const close = (a: unknown, b: unknown): boolean => (typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) < 1e-9 : a === b);
const show = (v: unknown): string => JSON.stringify(v);
const names = (f: DataFrame): string[] => f.fields.map((x) => x.name);

function barsProblems(panel: PanelLike, frames: DataFrame[], exp: Extract<Expected, { kind: 'bars' }>): string[] {
  if (frames.length !== 1) return [`a bar chart of one frame expected, got ${frames.length}`];
  const frame = frames[0]!;
  const x = frame.fields.find((f) => f.name === panel.options?.xField);
  // The bar chart's own words when it has no category axis.
  if (x?.type !== FieldType.string) return [`no string field "${panel.options?.xField}" (fields ${show(names(frame))}): "Bar charts requires a string or time field"`];
  const value = frame.fields.find((f) => f.type === FieldType.number);
  if (value === undefined) return [`no number field to draw (fields ${show(names(frame))})`];
  const got = Object.fromEntries(x.values.map((k, i) => [String(k), value.values[i] as unknown]));
  const problems = Object.entries(exp.counts).filter(([k, n]) => !close(got[k], n)).map(([k, n]) => `bar ${k} is ${show(got[k])}, expected ${n}`);
  if (Object.keys(got).length !== Object.keys(exp.counts).length) problems.push(`bars ${show(Object.keys(got))}, expected ${show(Object.keys(exp.counts))}`);
  return problems;
}

function statProblems(panel: PanelLike, frames: DataFrame[], exp: Extract<Expected, { kind: 'stat' }>): string[] {
  const pattern = panel.options?.reduceOptions?.fields ?? '';
  const re = new RegExp(pattern.replace(/^\/(.*)\/$/, '$1'));
  const shown: Field[] = frames.flatMap((f) => f.fields.filter((x) => x.type === FieldType.number && re.test(x.name)));
  const problems: string[] = [];
  if (show(shown.map((f) => f.name)) !== show(exp.fields)) problems.push(`shows ${show(shown.map((f) => f.name))}, expected ${show(exp.fields)} in that order`);
  for (const f of shown) {
    const v = reduceField({ field: f, reducers: [ReducerID.lastNotNull] })[ReducerID.lastNotNull] as unknown;
    const want = exp.values[f.name];
    if (!close(v ?? null, want ?? null)) problems.push(`${f.name} is ${show(v)}, expected ${show(want)}`);
  }
  return problems;
}

function tableProblems(frames: DataFrame[], exp: Extract<Expected, { kind: 'table' }>): string[] {
  if (frames.length !== 1) return [`a table of one frame expected, got ${frames.length} (${frames.map((f) => show(names(f))).join(', ')})`];
  const frame = frames[0]!;
  const problems: string[] = [];
  if (show(names(frame)) !== show(exp.columns)) problems.push(`columns ${show(names(frame))}, expected ${show(exp.columns)}`);
  const rows = Array.from({ length: frame.length }, (_, i) => Object.fromEntries(frame.fields.map((f) => [f.name, f.values[i] as unknown])));
  if (show(rows.map((r) => r[exp.key])) !== show(exp.rows.map((r) => r[exp.key]))) {
    problems.push(`rows by ${exp.key} ${show(rows.map((r) => r[exp.key]))}, expected ${show(exp.rows.map((r) => r[exp.key]))}`);
  }
  for (const want of exp.rows) {
    const row = rows.find((r) => r[exp.key] === want[exp.key]);
    for (const [k, v] of Object.entries(want)) if (row !== undefined && !close(row[k] ?? null, v)) problems.push(`${exp.key} ${show(want[exp.key])}: ${k} is ${show(row[k])}, expected ${show(v)}`);
  }
  return problems;
}

/** Runs the panel's transformations on its frames with @grafana/data and says what is wrong, if anything. */
export async function panelProblems(panel: PanelLike, frames: DataFrame[], exp: Expected): Promise<string[]> {
  const missing = (panel.transformations ?? []).map((t) => t.id).filter((id) => !TRANSFORMATION_IDS.has(id));
  if (missing.length > 0) return [`transformations ${show(missing)} are not in @grafana/data (Grafana's app code): what they make cannot be checked`];
  const out = await transform(panel.transformations ?? [], frames);
  if (panel.type === 'barchart' && exp.kind === 'bars') return barsProblems(panel, out, exp);
  if (panel.type === 'stat' && exp.kind === 'stat') return statProblems(panel, out, exp);
  if (panel.type === 'table' && exp.kind === 'table') return tableProblems(out, exp);
  return [`panel type ${panel.type} with an expectation of kind ${exp.kind}`];
}
