/**
 * What Grafana would show for a panel, computed without Grafana: each datasource's answer as a data
 * frame (shaped as the plugin builds it) and the panel's transformations applied in order. Only the
 * transformations our dashboards use are implemented; any other id throws, so a dashboard change that
 * tests cannot follow fails loudly instead of passing untested.
 */
import type { GradesApiQuery, RedisQuery } from './queries.js';

export interface Field {
  name: string;
  values: unknown[];
}

export interface Frame {
  refId: string;
  name?: string;
  fields: Field[];
}

export interface Transformation {
  id: string;
  options: Record<string, unknown>;
  filter?: { id: string; options?: unknown };
}

/** The minimal Redis client surface needed (node-redis' sendCommand). */
export interface RedisCommandRunner {
  sendCommand(args: string[]): Promise<unknown>;
}

/**
 * Runs a redis-datasource query as the plugin does: HGETALL becomes a frame with fields Field and Value
 * (strings); XREVRANGE becomes one row per entry with $streamId, $time and one field per entry field.
 */
export async function runRedisQuery(redis: RedisCommandRunner, q: RedisQuery): Promise<Frame> {
  if (q.command === 'hgetall') {
    const reply = await redis.sendCommand(['HGETALL', q.keyName]);
    // node-redis may hand the reply back as a flat array (RESP2) or as an object/Map (RESP3 type mapping).
    const pairs: [string, string][] = Array.isArray(reply)
      ? (reply as string[]).flatMap((v, i, a) => (i % 2 === 0 ? [[v, a[i + 1]!] as [string, string]] : []))
      : reply instanceof Map
        ? [...(reply as Map<string, string>)].map(([k, v]) => [String(k), String(v)])
        : Object.entries(reply as Record<string, string>).map(([k, v]) => [k, String(v)]);
    const fields = pairs.map(([k]) => k);
    const values = pairs.map(([, v]) => v);
    return { refId: q.refId, name: q.keyName, fields: [{ name: 'Field', values: fields }, { name: 'Value', values }] };
  }
  if (q.command === 'xrevrange') {
    const args = ['XREVRANGE', q.keyName, q.end ?? '+', q.start ?? '-'];
    if (q.count !== undefined) args.push('COUNT', String(q.count));
    const entries = (await redis.sendCommand(args)) as [string, string[]][];
    const ids: string[] = [];
    const times: number[] = [];
    const columns = new Map<string, unknown[]>();
    entries.forEach(([id, kv], row) => {
      ids.push(id);
      times.push(Number(id.split('-')[0]));
      for (let i = 0; i + 1 < kv.length; i += 2) {
        const col = columns.get(kv[i]!) ?? columns.set(kv[i]!, new Array<unknown>(entries.length).fill(null)).get(kv[i]!)!;
        col[row] = kv[i + 1];
      }
    });
    return {
      refId: q.refId,
      name: q.keyName,
      fields: [{ name: '$streamId', values: ids }, { name: '$time', values: times }, ...[...columns].map(([name, values]) => ({ name, values }))],
    };
  }
  throw new Error(`runRedisQuery: command ${String((q as { command: unknown }).command)} is not emulated`);
}

/**
 * Grafana's variable interpolation for the formats our URLs use: ${name} and ${name:percentencode}
 * (Grafana's strict encoding also escapes !'()*).
 */
export function interpolate(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{(\w+)(?::(\w+))?\}/g, (_m, name: string, format: string | undefined) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`interpolate: variable ${name} has no value`);
    if (format === undefined) return v;
    if (format === 'percentencode') return encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    throw new Error(`interpolate: format ${format} is not emulated`);
  });
}

/** Runs an Infinity JSON query (backend parser, table format) against the datasource's base URL. */
export async function runGradesApiQuery(baseUrl: string, q: GradesApiQuery, vars: Record<string, string>): Promise<Frame> {
  const url = baseUrl.replace(/\/$/, '') + interpolate(q.url, vars);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as unknown;
  const rows = (Array.isArray(body) ? body : [body]) as Record<string, unknown>[];
  return {
    refId: q.refId,
    fields: q.columns.map((c) => ({
      name: c.text,
      values: rows.map((r) => {
        const v = r[c.selector];
        if (v === null || v === undefined) return null;
        if (c.type === 'number') return Number(v);
        if (c.type === 'timestamp') return Date.parse(String(v));
        return String(v);
      }),
    })),
  };
}

function rowCount(f: Frame): number {
  return f.fields[0]?.values.length ?? 0;
}

function matches(t: Transformation, frame: Frame): boolean {
  if (t.filter === undefined) return true;
  if (t.filter.id === 'byRefId') return t.filter.options === frame.refId;
  throw new Error(`transformation filter ${t.filter.id} is not emulated`);
}

function toNumber(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

const TRANSFORMS: Record<string, (frames: Frame[], t: Transformation) => Frame[]> = {
  convertFieldType: (frames, t) => {
    const conversions = t.options.conversions as { targetField: string; destinationType: string }[];
    return frames.map((f) => {
      if (!matches(t, f)) return f;
      return {
        ...f,
        fields: f.fields.map((field) => {
          const c = conversions.find((x) => x.targetField === field.name);
          if (c === undefined) return field;
          if (c.destinationType !== 'number') throw new Error(`convertFieldType to ${c.destinationType} is not emulated`);
          return { ...field, values: field.values.map(toNumber) };
        }),
      };
    });
  },
  organize: (frames, t) => {
    const rename = (t.options.renameByName ?? {}) as Record<string, string>;
    const exclude = (t.options.excludeByName ?? {}) as Record<string, boolean>;
    return frames.map((f) =>
      matches(t, f)
        ? { ...f, fields: f.fields.filter((x) => !exclude[x.name]).map((x) => ({ ...x, name: rename[x.name] ?? x.name })) }
        : f,
    );
  },
  // Grafana's "Rows to fields": one field per row, named by the Field column, valued by the Value column.
  rowsToFields: (frames, t) =>
    frames.map((f) => {
      if (!matches(t, f)) return f;
      const names = f.fields.find((x) => x.name === 'Field');
      const values = f.fields.find((x) => x.name === 'Value');
      if (names === undefined || values === undefined) throw new Error('rowsToFields: expected fields Field and Value');
      return { ...f, fields: names.values.map((n, i) => ({ name: String(n), values: [values.values[i]] })) };
    }),
  // Outer join of all frames on one field; the first frame's field order comes first.
  joinByField: (frames, t) => {
    const by = t.options.byField as string;
    if (t.options.mode !== 'outer') throw new Error('joinByField: only mode outer is emulated');
    const keys: unknown[] = [];
    const seen = new Set<unknown>();
    for (const f of frames) for (const k of f.fields.find((x) => x.name === by)?.values ?? []) if (!seen.has(k) && seen.add(k)) keys.push(k);
    const out: Field[] = [{ name: by, values: keys }];
    for (const f of frames) {
      const keyField = f.fields.find((x) => x.name === by);
      if (keyField === undefined) throw new Error(`joinByField: frame ${f.refId} has no field ${by}`);
      for (const field of f.fields) {
        if (field.name === by) continue;
        out.push({ name: field.name, values: keys.map((k) => { const i = keyField.values.indexOf(k); return i < 0 ? null : field.values[i]; }) });
      }
    }
    return [{ refId: frames.map((f) => f.refId).join('+'), fields: out }];
  },
  calculateField: (frames, t) => {
    if (t.options.mode !== 'binary') throw new Error('calculateField: only mode binary is emulated');
    const b = t.options.binary as { left: string; operator: string; right: string };
    const alias = t.options.alias as string;
    if (b.operator !== '/') throw new Error(`calculateField: operator ${b.operator} is not emulated`);
    return frames.map((f) => {
      if (!matches(t, f)) return f;
      const left = f.fields.find((x) => x.name === b.left);
      const right = f.fields.find((x) => x.name === b.right);
      if (left === undefined || right === undefined) throw new Error(`calculateField: ${b.left} or ${b.right} missing in ${f.refId}`);
      const values = left.values.map((l, i) => {
        const a = toNumber(l);
        const d = toNumber(right.values[i]);
        return a === null || d === null || d === 0 ? null : a / d;
      });
      return { ...f, fields: [...f.fields, { name: alias, values }] };
    });
  },
  sortBy: (frames, t) => {
    const [s] = t.options.sort as { field: string; desc?: boolean }[];
    if (s === undefined) return frames;
    return frames.map((f) => {
      const key = f.fields.find((x) => x.name === s.field);
      if (key === undefined) return f;
      const order = [...Array(rowCount(f)).keys()].sort((i, j) => {
        const a = key.values[i] as number | string;
        const c = key.values[j] as number | string;
        const cmp = a < c ? -1 : a > c ? 1 : 0;
        return s.desc ? -cmp : cmp;
      });
      return { ...f, fields: f.fields.map((x) => ({ ...x, values: order.map((i) => x.values[i]) })) };
    });
  },
  // "Extract fields" from a JSON string field; new fields are added after the existing ones.
  extractFields: (frames, t) => {
    const source = t.options.source as string;
    if (t.options.format !== 'json') throw new Error('extractFields: only format json is emulated');
    return frames.map((f) => {
      const src = f.fields.find((x) => x.name === source);
      if (src === undefined) return f;
      const parsed = src.values.map((v) => (typeof v === 'string' ? (JSON.parse(v) as Record<string, unknown>) : {}));
      const names = [...new Set(parsed.flatMap((o) => Object.keys(o)))];
      const extra = names.filter((n) => !f.fields.some((x) => x.name === n)).map((n) => ({ name: n, values: parsed.map((o) => o[n] ?? null) }));
      const base = t.options.replace === true ? [] : f.fields;
      return { ...f, fields: [...base, ...extra] };
    });
  },
};

export function applyTransformations(frames: Frame[], transformations: Transformation[] = []): Frame[] {
  return transformations.reduce((acc, t) => {
    const fn = TRANSFORMS[t.id];
    if (fn === undefined) throw new Error(`transformation ${t.id} is not emulated in grafana/frames.ts`);
    return fn(acc, t);
  }, frames);
}

/** A frame as rows of name -> value, for assertions and the text report. */
export function frameRows(f: Frame): Record<string, unknown>[] {
  return [...Array(rowCount(f)).keys()].map((i) => Object.fromEntries(f.fields.map((x) => [x.name, x.values[i]])));
}
