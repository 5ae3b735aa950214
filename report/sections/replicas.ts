/**
 * Replica counts over time per service, as steps on the run's time axis: replicas.json, the local
 * autoscaler's timeline (stack/autoscaling.ts, schema splitbench.replicas/1).
 */
import { SERVICE_ROUTE } from '../../contract/routes.js';
import { REPLICAS_SCHEMA } from '../../stack/autoscaling.js';
import { chartBox } from '../html.js';
import { routeColor, section, type ChartSpec } from '../section.js';
import { reader } from './inputs.js';
import { loadSeries } from './series.js';

export type Replicas = Record<string, { at: number; replicas: number }[]>;

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

export default section<{ reps: Replicas; runEnd: number | undefined }>({
  id: 'replicas',
  title: 'Replicas over time',
  load(run) {
    const reps = run.json('replicas.json', parseReplicas);
    return reps && { reps, runEnd: loadSeries(run)?.t.at(-1) };
  },
  render({ reps, runEnd }) {
    const chart = replicaChart(reps, runEnd);
    return { html: '<p>How many replicas each service ran, as the autoscaler set them.</p>' + chartBox(chart.id), charts: [chart] };
  },
});
