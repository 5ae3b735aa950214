/**
 * The fault timeline (faults.json): a table of what was broken when and how long each route took to
 * recover, and each fault's window, shaded on every time chart. Input shape (schema splitbench.faults/1):
 *
 *   { "schema": "splitbench.faults/1",
 *     "faults": [ { "target": "redis", "action": "kill",
 *                   "startedAt": "2026-11-27T13:00:05.000Z",      // ISO 8601 or epoch ms
 *                   "endedAt": "2026-11-27T13:00:15.000Z",        // null: still broken at the end
 *                   "recoveredAt": { "grpc": null, "redis": "2026-11-27T13:00:16.200Z" } } ] }
 *
 * recoveredAt, per route: when the route acknowledged writes again after the fault; null: not within
 * the run; a route absent: not affected / not measured.
 */
import type { TimeSeries } from '../../contract/timeseries.js';
import { clock, esc, fixed, table, type Cell } from '../html.js';
import { section, type TimeMark } from '../section.js';
import { reader } from './inputs.js';
import { loadSeries, routesOf } from './series.js';

export const FAULTS_SCHEMA = 'splitbench.faults/1';

export interface Fault {
  target: string;
  action: string;
  startedAt: number;
  endedAt: number | null;
  recoveredAt: Record<string, number | null>;
}

export function parseFaults(json: unknown, source: string): Fault[] {
  const r = reader(source);
  const o = r.obj(json, 'the document');
  r.schema(o, FAULTS_SCHEMA);
  return r.arr(o.faults, 'faults').map((raw, i) => {
    const at = `faults[${i}]`;
    const f = r.obj(raw, at);
    const rec = f.recoveredAt === undefined ? {} : r.obj(f.recoveredAt, `${at}.recoveredAt`);
    return {
      target: r.str(f.target, `${at}.target`),
      action: r.str(f.action, `${at}.action`),
      startedAt: r.time(f.startedAt, `${at}.startedAt`),
      endedAt: f.endedAt === null || f.endedAt === undefined ? null : r.time(f.endedAt, `${at}.endedAt`),
      recoveredAt: Object.fromEntries(Object.entries(rec).map(([route, v]) => [route, v === null ? null : r.time(v, `${at}.recoveredAt.${route}`)])),
    };
  });
}

/** Errors and retries per route in the seconds a window touches (from the per-second series). */
function inWindow(ts: TimeSeries, start: number, end: number, route: string): { errors: number; retries: number } {
  const out = { errors: 0, retries: 0 };
  ts.t.forEach((sec, i) => {
    if (sec * 1000 + 1000 > start && sec * 1000 < end) {
      out.errors += ts.routes[route]?.errors[i] ?? 0;
      out.retries += ts.routes[route]?.retries[i] ?? 0;
    }
  });
  return out;
}

export default section<{ faults: Fault[]; ts: TimeSeries | undefined }>({
  id: 'faults',
  title: 'Faults and recovery',
  load(run) {
    const faults = run.json('faults.json', parseFaults);
    return faults ? { faults, ts: loadSeries(run) } : undefined;
  },
  marks: ({ faults, ts }) =>
    faults.map((f): TimeMark => ({ start: f.startedAt, end: f.endedAt ?? (ts?.t.length ? (ts.t[ts.t.length - 1]! + 1) * 1000 : f.startedAt), label: `${f.action} ${f.target}` })),
  render({ faults, ts }) {
    const routes = [...new Set([...faults.flatMap((f) => Object.keys(f.recoveredAt)), ...(ts ? routesOf(ts) : [])])];
    const rows = faults.map((f): Cell[] => {
      const end = f.endedAt ?? Infinity;
      return [
        f.target,
        f.action,
        clock(f.startedAt),
        clock(f.endedAt) ?? 'not ended',
        f.endedAt === null ? null : fixed((f.endedAt - f.startedAt) / 1000),
        ...routes.map((r): Cell => {
          const at = f.recoveredAt[r];
          if (at === undefined) return null;
          if (at === null) return { html: 'not recovered', cls: 'bad' };
          return fixed((at - (f.endedAt ?? f.startedAt)) / 1000);
        }),
        ...routes.map((r): Cell => {
          if (!ts) return null;
          const w = inWindow(ts, f.startedAt, end, r);
          return `${w.errors} / ${w.retries}`;
        }),
      ];
    });
    const headers = ['target', 'action', 'started', 'ended', 'lasted s', ...routes.map((r) => `${r} recovery s`), ...routes.map((r) => `${r} errors / retries`)];
    return {
      html:
        '<p>Shaded on every time chart. Recovery: seconds from the end of the fault until the route acknowledged writes again. ' +
        'Errors and retries: in the seconds the fault window touches.</p>' +
        table(headers, rows) +
        `<p class="note">${esc(faults.length)} fault(s).</p>`,
      charts: [],
    };
  },
});
