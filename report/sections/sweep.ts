/**
 * The split sweep (sweep.json, sweep/types.ts's SweepReport, read by sweep/document.ts's parseSweep):
 * capacity against route A's weight with the repeats' range as a band, beside the two models computed
 * from the routes' own capacities (shared cores, own pods); each route's p99 at the fixed rate against
 * the weight, with its range; the table and the answer in words.
 */
import { ROUTES } from '../../contract/routes.js';
import { ownPodsCapacity, sharedCoresCapacity } from '../../sweep/answer.js';
import { parseSweep, SWEEP_FILE, type SweepView } from '../../sweep/document.js';
import { formatAnswer, signedPct, spreadText, weightLabel } from '../../sweep/format.js';
import type { Spread } from '../../sweep/types.js';
import { chartBox, esc, fixed, table, type Cell } from '../html.js';
import { routeColor, section, type ChartSeries, type ChartSpec } from '../section.js';

const WEIGHTS = Array.from({ length: 101 }, (_, i) => i);
const MODEL_COLORS = { shared: '#16a34a', own: '#7c3aed', measured: '#111827' };

/** Median, and min and max as a shaded band, at the sweep's weights on the 0..100 axis (null between). */
function withRange(label: string, color: string, at: Map<number, Spread>): { series: ChartSeries[]; band: { upper: number; lower: number; fill: string } } {
  const pick = (f: (s: Spread) => number | null): (number | null)[] => WEIGHTS.map((w) => (at.has(w) ? f(at.get(w)!) : null));
  return {
    series: [
      // The median as a line through the measured weights, and a dot at each (a marker series draws no line).
      { label, color, values: pick((s) => s.median), spanGaps: true, width: 2 },
      { label: `${label} max`, color, values: pick((s) => s.max), spanGaps: true, width: 0.5, quiet: true },
      { label: `${label} min`, color, values: pick((s) => s.min), spanGaps: true, width: 0.5, quiet: true },
      { label: `${label} measured`, color, values: pick((s) => s.median), quiet: true, markers: pick((s) => s.median).map((v) => (v === null ? null : 'dot')) },
    ],
    band: { upper: 1, lower: 2, fill: `${color}22` },
  };
}

function capacityChart(s: SweepView): ChartSpec {
  const measured = withRange(s.source === 'steps' ? 'passed at (steps)' : 'measured capacity', MODEL_COLORS.measured, new Map(s.points.map((p) => [p.weightA, p.capacity])));
  const series = [...measured.series];
  const m = s.answer.models;
  if (m.kind === 'computed') {
    series.push(
      { label: 'model: shared cores', color: MODEL_COLORS.shared, values: WEIGHTS.map((w) => sharedCoresCapacity(w / 100, m.capacityA, m.capacityB)), dash: [6, 4], width: 1.5 },
      { label: 'model: own pods', color: MODEL_COLORS.own, values: WEIGHTS.map((w) => ownPodsCapacity(w / 100, m.capacityA, m.capacityB)), dash: [2, 3], width: 1.5 },
    );
  }
  // From 0: a capacity read against a cut-off axis looks more different than it is. The own-pods model
  // climbs far above the measurements near the ends; the axis stops at twice the highest measurement.
  const top = Math.max(1, ...s.points.flatMap((p) => [p.capacity.max ?? 0]));
  return { id: 'chart-sweep-capacity', title: "Capacity of the split against route A's weight", yLabel: 'req/s', x: WEIGHTS, xTime: false, xLabel: "route A's weight, % (route B gets the rest)", series, bands: [measured.band], yRange: [0, Math.ceil((top * 2) / 50) * 50] };
}

function p99Chart(s: SweepView): ChartSpec {
  const series: ChartSeries[] = [];
  const bands: ChartSpec['bands'] = [];
  for (const route of ROUTES) {
    const at = new Map(s.points.flatMap((p) => (p.p99Ms[route] ? [[p.weightA, p.p99Ms[route]] as const] : [])));
    if (at.size === 0) continue;
    const r = withRange(`${route} p99`, routeColor(route), at);
    bands.push({ upper: series.length + r.band.upper, lower: series.length + r.band.lower, fill: r.band.fill });
    series.push(...r.series);
  }
  const rate = s.fixedRateRps === null ? "each step's rate" : `${s.fixedRateRps} req/s`;
  return { id: 'chart-sweep-p99', title: `p99 per route at ${rate} against route A's weight`, yLabel: 'ms', x: WEIGHTS, xTime: false, xLabel: "route A's weight, %", series, bands };
}

export default section<SweepView>({
  id: 'sweep',
  title: 'Split sweep: which weights',
  load: (run) => run.json(SWEEP_FILE, parseSweep),
  render(s) {
    const models = s.answer.models.kind === 'computed' ? new Map(s.answer.models.points.map((m) => [m.weightA, m])) : new Map();
    const rows = s.points.map((p): Cell[] => {
      const m = models.get(p.weightA);
      return [
        weightLabel(p.weightA),
        spreadText(p.capacity) ?? '-',
        fixed(m?.sharedCores, 0),
        fixed(m?.ownPods, 0),
        signedPct(m?.splitCost),
        ...ROUTES.map((r) => (p.p99Ms[r] ? spreadText(p.p99Ms[r], 1) : null)),
      ];
    });
    const slo = s.slo === null ? 'each step judged by its verdict' : `SLO: p99 &lt; ${s.slo.p99BelowMs} ms, errors ≤ ${(s.slo.maxErrorRate * 100).toFixed(2)}%, no dropped iterations`;
    const charts = [capacityChart(s), p99Chart(s)];
    return {
      html:
        `<p>For each weight of route A, ${s.source === 'steps' ? 'the highest rate whose step passed its verdict' : 'the highest rate that met the SLO, on one stack whose weights changed between points'} (${slo}; ${s.repeats} repeat${s.repeats === 1 ? '' : 's'}, the range shaded). ` +
        'The models come from the routes alone: shared cores 1/(w/C_A + (1-w)/C_B) is one machine whose cores both routes use; own pods min(C_A/w, C_B/(1-w)) a cluster where each route has its own.</p>' +
        `<ul class="answer">${formatAnswer(s.answer, s.source).map((line) => `<li>${esc(line)}</li>`).join('')}</ul>` +
        table(['A/B weight', s.source === 'steps' ? 'passed at req/s' : 'capacity req/s', 'shared-cores model', 'own-pods model', 'measured vs shared', ...ROUTES.map((r) => `${r} p99 ms`)], rows) +
        charts.map((c) => chartBox(c.id)).join(''),
      charts,
    };
  },
});
