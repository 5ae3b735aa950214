/**
 * The split over time: after each second, each route's share of all requests so far, with its
 * Clopper-Pearson band at 1 - alpha (the same exact test the verdict uses, reconcile/split-test.ts),
 * against the configured weight. The band narrows as requests add up; a weight outside it at the end
 * is the verdict's split failure, and where the share drifted shows when.
 */
import type { TimeSeries } from '../../contract/timeseries.js';
import { ROUTES, type RouteName } from '../../contract/routes.js';
import { DEFAULT_ALPHA, splitTest } from '../../reconcile/split-test.js';
import { chartBox, percent } from '../html.js';
import { routeColor, section, type ChartSeries, type ChartSpec } from '../section.js';
import { loadSeries } from './series.js';
import { checkSummary } from './verdict.js';

export interface SplitData {
  ts: TimeSeries;
  expected: Record<RouteName, number>;
  alpha: number;
}

/** Cumulative share and band per route, per second of the series. */
export function splitOverTime(d: SplitData): Record<RouteName, { share: (number | null)[]; lo: (number | null)[]; hi: (number | null)[] }> {
  const out = Object.fromEntries(ROUTES.map((r) => [r, { share: [] as (number | null)[], lo: [] as (number | null)[], hi: [] as (number | null)[] }])) as ReturnType<typeof splitOverTime>;
  const counts = { grpc: 0, redis: 0 };
  d.ts.t.forEach((_, i) => {
    for (const r of ROUTES) counts[r] += d.ts.routes[r]?.requests[i] ?? 0;
    const test = counts.grpc + counts.redis > 0 ? splitTest({ ...counts }, d.expected, { alpha: d.alpha }) : undefined;
    for (const r of ROUTES) {
      const o = test?.observed[r];
      out[r].share.push(o ? o.share : null);
      out[r].lo.push(o?.interval ? o.interval[0] : null);
      out[r].hi.push(o?.interval ? o.interval[1] : null);
    }
  });
  return out;
}

export default section<SplitData>({
  id: 'split',
  title: 'The split over time',
  load(run) {
    const ts = loadSeries(run);
    const summary = run.json('summary.json', checkSummary);
    if (!ts || !summary?.split) return undefined;
    return { ts, expected: summary.split.expected, alpha: summary.split.alpha ?? DEFAULT_ALPHA };
  },
  render(d) {
    const over = splitOverTime(d);
    const series: ChartSeries[] = [];
    const bands: NonNullable<ChartSpec['bands']> = [];
    for (const r of ROUTES) {
      const c = routeColor(r);
      series.push({ label: `${r} share so far`, color: c, values: over[r].share, width: 2 });
      series.push({ label: `${r} configured ${percent(d.expected[r], 0)}`, color: c, values: d.ts.t.map(() => d.expected[r]), dash: [8, 4], width: 1 });
      const hi = series.push({ label: `${r} upper`, color: c + '55', values: over[r].hi, width: 0.5, quiet: true }) - 1;
      const lo = series.push({ label: `${r} lower`, color: c + '55', values: over[r].lo, width: 0.5, quiet: true }) - 1;
      bands.push({ upper: hi, lower: lo, fill: c + '22' });
    }
    const chart: ChartSpec = { id: 'chart-split', title: `share of requests so far, with its ${100 * (1 - d.alpha)}% Clopper-Pearson band`, yLabel: 'share', x: d.ts.t, series, bands, yRange: [0, 1] };
    return {
      html:
        `<p>Each route's share of the requests answered so far (by X-Route, as k6 saw them), its exact binomial ` +
        `confidence band at ${100 * (1 - d.alpha)}%, and the configured weight (dashed). A fair splitter keeps the dashed line inside the band.</p>` +
        chartBox(chart.id),
      charts: [chart],
    };
  },
});
