/**
 * The fault timeline: faults.json, the demo's fault analysis (faults/analysis.ts, schema
 * splitbench.faults/1): what was broken when, when each route acknowledged a fresh request again, and
 * each fault's window (until its backlog drained), shaded on every time chart.
 */
import type { TimeSeries } from '../../contract/timeseries.js';
import { FAULTS_SCHEMA } from '../../faults/analysis.js';
import { clock, esc, fixed, table, type Cell } from '../html.js';
import { section, type TimeMark } from '../section.js';
import { reader } from './inputs.js';
import { loadSeries, routesOf } from './series.js';

export interface Fault {
  target: string;
  process: string;
  action: string;
  startedAt: number;
  endedAt: number | null;
  /** When the planned disruption ended: recovery counts from here. */
  disruptionEnd: number;
  recoveredAt: Record<string, number | null>;
  /** When new requests were answered within the p99 threshold again (absent in runs before it was measured). */
  settledAt: Record<string, number | null> | undefined;
  recovered: boolean;
  /** The fault's window: until every request in flight before the recovery had its answer. */
  window: { start: number; end: number } | undefined;
}

export function parseFaults(json: unknown, source: string): Fault[] {
  const r = reader(source);
  const o = r.obj(json, 'the document');
  r.schema(o, FAULTS_SCHEMA);
  const windows = o.windows === undefined ? [] : r.arr(o.windows, 'windows');
  return r.arr(o.faults, 'faults').map((raw, i) => {
    const at = `faults[${i}]`;
    const f = r.obj(raw, at);
    const rec = r.obj(f.recoveredAt, `${at}.recoveredAt`);
    const settled = f.settledAt === undefined ? undefined : r.obj(f.settledAt, `${at}.settledAt`);
    const w = windows[i] === undefined ? undefined : r.obj(windows[i], `windows[${i}]`);
    return {
      target: r.str(f.target, `${at}.target`),
      process: r.str(f.process, `${at}.process`),
      action: r.str(f.action, `${at}.action`),
      startedAt: r.time(f.startedAt, `${at}.startedAt`),
      endedAt: f.endedAt === null ? null : r.time(f.endedAt, `${at}.endedAt`),
      disruptionEnd: r.time(f.disruptionEnd, `${at}.disruptionEnd`),
      recoveredAt: Object.fromEntries(Object.entries(rec).map(([route, v]) => [route, v === null ? null : r.time(v, `${at}.recoveredAt.${route}`)])),
      settledAt: settled && Object.fromEntries(Object.entries(settled).map(([route, v]) => [route, v === null ? null : r.time(v, `${at}.settledAt.${route}`)])),
      recovered: f.recovered === true,
      window: w && { start: r.time(w.start, `windows[${i}].start`), end: r.time(w.end, `windows[${i}].end`) },
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
    faults.map((f): TimeMark => ({ start: f.startedAt, end: f.window?.end ?? f.endedAt ?? (ts?.t.length ? (ts.t[ts.t.length - 1]! + 1) * 1000 : f.startedAt), label: `${f.action} ${f.process}` })),
  render({ faults, ts }) {
    const routes = [...new Set([...faults.flatMap((f) => Object.keys(f.recoveredAt)), ...(ts ? routesOf(ts) : [])])];
    const rows = faults.map((f): Cell[] => {
      const end = f.window?.end ?? f.endedAt ?? Infinity;
      return [
        f.process,
        f.action,
        clock(f.startedAt),
        clock(f.endedAt) ?? 'not ended',
        f.endedAt === null ? null : fixed((f.endedAt - f.startedAt) / 1000),
        ...routes.map((r): Cell => {
          const at = f.recoveredAt[r];
          if (at === undefined) return null;
          if (at === null) return { html: 'not recovered', cls: 'bad' };
          return fixed((at - f.disruptionEnd) / 1000);
        }),
        ...routes.map((r): Cell => {
          const at = f.settledAt?.[r];
          if (at === undefined) return null;
          if (at === null) return { html: 'not settled', cls: 'bad' };
          return fixed((at - f.disruptionEnd) / 1000);
        }),
        ...routes.map((r): Cell => {
          if (!ts) return null;
          const w = inWindow(ts, f.startedAt, end, r);
          return `${w.errors} / ${w.retries}`;
        }),
      ];
    });
    const headers = ['process', 'action', 'started', 'back', 'down s', ...routes.map((r) => `${r} recovery s`), ...routes.map((r) => `${r} settled s`), ...routes.map((r) => `${r} errors / retries`)];
    return {
      html:
        "<p>Shaded on every time chart, until the fault's backlog had drained. Recovery: seconds from the end of the " +
        'disruption (the SIGCONT of a hang, the end of a stop, the signal of a kill) until the route acknowledged a request begun after it. ' +
        'Settled: until requests begun from then on were answered within the p99 threshold (the backlog drained). ' +
        'Errors and retries: in the seconds the fault window touches.</p>' +
        table(headers, rows) +
        `<p class="note">${esc(faults.length)} fault(s).</p>`,
      charts: [],
    };
  },
});
