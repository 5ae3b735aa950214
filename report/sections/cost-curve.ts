/**
 * CPU against the rate: cost-curve.json, the cost curves `npm run capacity` writes beside capacity.json
 * (cost/curves.ts's CostCurves, schema splitbench.cost-curve/1). One line per process through its
 * measured rates, as `npm run cost` reads it (points at one rate averaged, straight between them), the
 * measured points marked by where they came from, and CPU per request drawn from the same points.
 * Under the charts, each curve's uncertainty and where its process reaches its ceiling. Read field by
 * field, so a bad file is named.
 */
import { knots, rateAtCpu, readCurve, type CurveFit, type CurvePoint, type PointSource } from '../../cost/curve.js';
import { parseCostCurves } from '../../cost/curve-file.js';
import { PROCESS_LOAD, type CostCurves, type ProcessCurve } from '../../cost/curves.js';
import { chartBox, esc, fixed, percent, table } from '../html.js';
import { section, type ChartSeries, type ChartSpec, type PointMarker } from '../section.js';

/** A process's colour on both charts: each route's processes in that route's hues, the shared ones apart. */
export const PROCESS_COLORS: Record<string, string> = {
  'grpc-client': '#2563eb',
  'grpc-server': '#0891b2',
  'redis-writer': '#ea580c',
  redis: '#be123c',
  mongo: '#16a34a',
  ingress: '#7c3aed',
  k6: '#6b7280',
};
const colorOf = (process: string): string => PROCESS_COLORS[process] ?? '#a16207';

const MARKER: Record<PointSource, PointMarker> = { trial: 'dot', idle: 'square', run: 'triangle' };

/** How far to trust a reading, as the legend says it. */
export function uncertaintyText(fit: CurveFit): string {
  return fit.uncertainty === null ? `± unknown (${fit.rates} rate${fit.rates === 1 ? '' : 's'})` : `±${percent(fit.uncertainty, 0)}`;
}

interface XY {
  x: number;
  y: number;
  marker?: PointMarker;
}

/**
 * Series whose points sit at different x on one x axis: the sorted union of their x, with a value
 * where a series has a point and null elsewhere. A series with two points at one x gets two slots there.
 */
export function scatterColumns(groups: readonly XY[][]): { x: number[]; values: (number | null)[][]; markers: (PointMarker | null)[][] } {
  const xs = [...new Set(groups.flatMap((g) => g.map((p) => p.x)))].sort((a, b) => a - b);
  const x: number[] = [];
  const values: (number | null)[][] = groups.map(() => []);
  const markers: (PointMarker | null)[][] = groups.map(() => []);
  for (const xv of xs) {
    const here = groups.map((g) => g.filter((p) => p.x === xv));
    const slots = Math.max(1, ...here.map((h) => h.length));
    for (let k = 0; k < slots; k++) {
      x.push(xv);
      here.forEach((h, i) => {
        values[i]!.push(h[k]?.y ?? null);
        markers[i]!.push(h[k]?.marker ?? null);
      });
    }
  }
  return { x, values, markers };
}

/**
 * One chart of every process: per process a line through its knots (how the curve is read) and its
 * measured points as marks. `y` maps a point to the chart's figure, null to leave it out.
 */
function curveChart(c: CostCurves, spec: { id: string; title: string; yLabel: string }, y: (rps: number, cpuMsPerS: number) => number | null): ChartSpec {
  const groups: XY[][] = [];
  const meta: { process: string; fit: CurveFit; marks: boolean }[] = [];
  for (const p of c.processes) {
    const line = knots(p.points).flatMap((k) => {
      const v = y(k.rps, k.cpuMsPerS);
      return v === null ? [] : [{ x: k.rps, y: v }];
    });
    const marks = p.points.flatMap((q) => {
      const v = y(q.rps, q.cpuMsPerS);
      return v === null ? [] : [{ x: q.rps, y: v, marker: MARKER[q.source] }];
    });
    groups.push(line, marks);
    meta.push({ process: p.process, fit: p.fit, marks: false }, { process: p.process, fit: p.fit, marks: true });
  }
  const cols = scatterColumns(groups);
  const series: ChartSeries[] = meta.map((m, i) =>
    m.marks
      ? { label: `${m.process} measured`, color: colorOf(m.process), values: cols.values[i]!, markers: cols.markers[i]!, quiet: true }
      : { label: `${m.process} ${uncertaintyText(m.fit)}`, color: colorOf(m.process), values: cols.values[i]!, spanGaps: true, width: 2 },
  );
  return { ...spec, x: cols.x, xTime: false, xLabel: 'req/s per replica', series };
}

export function costCurveCharts(c: CostCurves): ChartSpec[] {
  return [
    curveChart(c, { id: 'chart-cost-curve-cpu', title: 'CPU against the rate, per process', yLabel: 'CPU ms/s per replica' }, (_rps, cpu) => cpu),
    // At rest there are no requests to share the CPU: the idle point has no per-request figure.
    curveChart(c, { id: 'chart-cost-curve-per-request', title: 'CPU per request against the rate, per process', yLabel: 'CPU ms per request' }, (rps, cpu) => (rps > 0 ? cpu / rps : null)),
  ];
}

/** Where one replica of the process reaches its ceiling, by the curve; text for the table. */
function ceilingText(p: ProcessCurve): { ceiling: string | null; at: string | null } {
  const cores = PROCESS_LOAD[p.process]?.ceilingCores ?? null;
  if (cores === null) return { ceiling: PROCESS_LOAD[p.process] ? "the machine's" : null, at: null };
  const at = rateAtCpu(p.points, cores * 1000);
  // One rate is no slope to read a ceiling off ('-'); a curve that never rises toward it does not reach it.
  const none = p.fit.rates < 2 ? null : 'not on this curve';
  return { ceiling: `${cores} core${cores === 1 ? '' : 's'}`, at: at === null ? none : `${fixed(at.rps, 0)}${at.extrapolated ? ' (extrapolated)' : ''}` };
}

export default section<CostCurves>({
  id: 'cost-curve',
  title: 'CPU against the rate',
  load: (run) => run.json('cost-curve.json', parseCostCurves),
  render(c) {
    const charts = costCurveCharts(c);
    const rows = c.processes.map((p) => {
      const busy = p.points.filter((q) => q.rps > 0);
      const lo = busy[0];
      const hi = busy[busy.length - 1];
      const perReq = (q: CurvePoint | undefined): string | null => (q ? fixed(readCurve(p.points, q.rps).cpuMsPerS / q.rps, 2) : null);
      const { ceiling, at } = ceilingText(p);
      return [
        { html: `<span style="color:${colorOf(p.process)}">■</span> ${esc(p.process)}` },
        p.fit.rates,
        lo && hi ? `${fixed(lo.rps, 0)} .. ${fixed(hi.rps, 0)}` : null,
        fixed(p.points.find((q) => q.source === 'idle')?.cpuMsPerS),
        perReq(lo),
        perReq(hi),
        uncertaintyText(p.fit),
        percent(p.fit.looMaxRelError, 0),
        percent(p.fit.repeatMaxRelSpread, 0),
        ceiling,
        at,
      ];
    });
    return {
      html:
        `<p>From ${esc(c.from)}: every capacity trial and the idle stack, one point each. x: requests per second one replica served (a replicated service shares its route's rate among its replicas; the stores, the ingress and k6 see every request of theirs); y: CPU of that replica. ` +
        'The line joins the measured rates (points at one rate averaged): that is how <code>npm run cost</code> reads a curve; beyond the measured rates it extends the nearest segment and says so. ' +
        'Marks: ● a trial, □ the idle stack (0 req/s), ▲ a run.</p>' +
        charts.map((ch) => chartBox(ch.id)).join('') +
        table(['process', 'rates', 'req/s per replica', 'at rest ms/s', 'ms/req at lowest', 'ms/req at highest', 'uncertainty', 'leave-one-out miss', "repeats' spread", 'ceiling', 'ceiling at req/s per replica'], rows) +
        '<p class="note">Uncertainty: how far a reading may be off, the larger of the leave-one-out miss (each interior rate read from the others) and the spread of repeats at one rate; unknown with fewer than three rates and no repeats. ' +
        'Ceiling: what one instance can use (a Node service runs its JavaScript on one thread, Redis is single-threaded, Envoy runs one worker here; MongoDB-wire and k6 use every core) and the rate per replica at which its curve reaches it.</p>',
      charts,
    };
  },
});
