/**
 * Replica counts over time per service, as steps on the run's time axis, and what the HPA controller
 * said and did: replicas.json (stack/autoscaling.ts, schema splitbench.replicas/2).
 */
import { SERVICE_ROUTE } from '../../contract/routes.js';
import { REPLICAS_SCHEMA } from '../../stack/replica-timeline.js';
import { chartBox, esc, fixed, table, type Cell } from '../html.js';
import { routeColor, section, type ChartSpec } from '../section.js';
import { reader } from './inputs.js';
import { loadSeries } from './series.js';

export type Replicas = Record<string, { at: number; replicas: number }[]>;

/** One of the controller's Events on an HPA (repeats folded in), or one local scale that followed it. */
export interface ScaleRow {
  at: number;
  what: string;
  type: string;
  reason: string;
  message: string;
  /** An event the controller repeated with no rescale of its HPA in between: how often, and the last time. */
  repeated?: { count: number; lastAt: number };
}

export interface ReplicasFile {
  reps: Replicas;
  rows: ScaleRow[];
  /** The controller's settings, as a line. */
  settings: string;
}

/** The controller's Events and the local scaling, in time order. */
export function parseScaleRows(json: unknown, source: string): ReplicasFile['rows'] {
  const r = reader(source);
  const o = r.obj(json, 'the document');
  const events: ScaleRow[] = [];
  const lastOf = new Map<string, ScaleRow>();
  r.arr(o.events, 'events').forEach((raw, i) => {
    const e = r.obj(raw, `events[${i}]`);
    const row: ScaleRow = { at: r.time(e.t, `events[${i}].t`), what: `HPA ${r.str(e.hpa, `events[${i}].hpa`)}`, type: r.str(e.type, `events[${i}].type`), reason: r.str(e.reason, `events[${i}].reason`), message: r.str(e.message, `events[${i}].message`) };
    const count = r.num(e.count, `events[${i}].count`);
    const key = `${row.what}\0${row.reason}\0${row.message}`;
    const last = lastOf.get(key);
    if (last !== undefined) {
      last.repeated = { count, lastAt: row.at };
      return;
    }
    // A rescale starts a new phase of its HPA: what the controller says after it gets rows of its own.
    if (row.reason === 'SuccessfulRescale') for (const k of [...lastOf.keys()]) if (k.startsWith(`${row.what}\0`)) lastOf.delete(k);
    if (count > 1) row.repeated = { count, lastAt: row.at };
    lastOf.set(key, row);
    events.push(row);
  });
  const local = r.arr(o.changes, 'changes').map((raw, i): ScaleRow => {
    const c = r.obj(raw, `changes[${i}]`);
    const at = r.time(c.t, `changes[${i}].t`);
    const done = r.numOrNull(c.doneAt, `changes[${i}].doneAt`);
    const error = c.error === undefined ? '' : `; ${r.str(c.error, `changes[${i}].error`)}`;
    return {
      at,
      what: `local ${r.str(c.deployment, `changes[${i}].deployment`)}`,
      type: 'local',
      reason: `${r.num(c.from, `changes[${i}].from`)} -> ${r.num(c.to, `changes[${i}].to`)} processes`,
      message: `${done === null ? 'not done' : `done in ${fixed((done - at) / 1000)} s`}${error}`,
    };
  });
  return [...events, ...local].sort((a, b) => a.at - b.at);
}

export function parseReplicasFile(json: unknown, source: string): ReplicasFile {
  const r = reader(source);
  const o = r.obj(json, 'the document');
  const c = r.obj(o.controller, 'controller');
  const flags = r.arr(c.flags, 'controller.flags').map((f, i) => r.str(f, `controller.flags[${i}]`));
  return { reps: parseReplicas(json, source), rows: parseScaleRows(json, source), settings: flags.join(', ') };
}

export function parseReplicas(json: unknown, source: string): Replicas {
  const r = reader(source);
  const o = r.obj(json, 'the document');
  r.schema(o, REPLICAS_SCHEMA);
  const out: Replicas = {};
  r.arr(o.series, 'series').forEach((raw, i) => {
    const e = r.obj(raw, `series[${i}]`);
    const at = r.time(e.t, `series[${i}].t`);
    for (const [service, n] of Object.entries(r.obj(e.replicas, `series[${i}].replicas`))) {
      (out[service] ??= []).push({ at, replicas: r.num(n, `series[${i}].replicas.${service}`) });
    }
  });
  for (const points of Object.values(out)) points.sort((a, b) => a.at - b.at);
  return out;
}

/**
 * One axis (epoch s) for all services: every change time, and the run's last second when known (so the
 * steps reach the end of the run); each series carries its last value forward.
 */
export function replicaChart(reps: Replicas, runEnd?: number): ChartSpec {
  const times = Object.values(reps).flatMap((ps) => ps.map((p) => p.at / 1000));
  if (runEnd !== undefined && times.every((x) => x < runEnd)) times.push(runEnd);
  const x = [...new Set(times)].sort((a, b) => a - b);
  const series = Object.entries(reps).map(([service, points], i) => {
    let j = -1;
    const values = x.map((sec) => {
      while (j + 1 < points.length && points[j + 1]!.at / 1000 <= sec) j++;
      return j >= 0 ? points[j]!.replicas : null;
    });
    const route = (SERVICE_ROUTE as Record<string, string>)[service];
    return { label: service, color: route ? routeColor(route) : routeColor(`svc${i}`), values, stepped: true, width: 2, dash: service === 'grpc-server' ? [6, 3] : undefined };
  });
  return { id: 'chart-replicas', title: 'replicas per service', yLabel: 'replicas', x, series };
}

export default section<ReplicasFile & { runStart: number | undefined; runEnd: number | undefined }>({
  id: 'replicas',
  title: 'Replicas over time',
  load(run) {
    const file = run.json('replicas.json', parseReplicasFile);
    const ts = file && loadSeries(run);
    return file && { ...file, runStart: ts?.t[0], runEnd: ts?.t.at(-1) };
  },
  render({ reps, rows, settings, runStart, runEnd }) {
    const chart = replicaChart(reps, runEnd);
    const since = (at: number): string | null => (runStart === undefined ? null : fixed(at / 1000 - runStart));
    const cells = rows.map((e): Cell[] => [
      since(e.at),
      e.what,
      e.type === 'Warning' ? { html: 'Warning', cls: 'bad' } : e.type,
      e.reason,
      `${e.message}${e.repeated ? ` (x${e.repeated.count}, the last at ${since(e.repeated.lastAt) ?? '?'} s)` : ''}`,
    ]);
    return {
      html:
        '<p>How many local processes each service ran, as the Kubernetes HPA controller (kube-controller-manager) set its Deployment\'s replicas from the CPU each replica used.</p>' +
        chartBox(chart.id) +
        "<p>The controller's Events on each HorizontalPodAutoscaler, and the local processes following its Deployment (seconds from the load's start; negative: before it).</p>" +
        table(['s', 'object', 'type', 'reason', 'message'], cells) +
        `<p class="note">Set for this run: ${esc(settings)}</p>`,
      charts: [chart],
    };
  },
});
