/**
 * The compare page: the table of two runs side by side (differences beyond the noise highlighted),
 * and per route the per-second latency of both runs on one axis of seconds since each run's start.
 */
import { esc, table } from '../report/html.js';
import { renderPage } from '../report/page.js';
import { routeColor, type ChartSpec } from '../report/section.js';
import type { Comparison } from './compare.js';
import { CURVE_HEADERS, CURVE_NOTE, curveLines } from './curve-format.js';
import type { CurveComparison } from './curves.js';
import { costRatesNote, difference, testName, totalsNote, value, verdictOf } from './format.js';
import type { Run } from './runs.js';
import { pValue } from '../format/table.js';

function latencyCharts(a: Run, b: Run): ChartSpec[] {
  if (!a.series || !b.series) return [];
  const len = Math.max(a.series.t.length, b.series.t.length);
  const x = Array.from({ length: len }, (_, i) => i);
  const pad = (v: (number | null)[] | undefined): (number | null)[] => x.map((i) => v?.[i] ?? null);
  const routes = Object.keys(a.series.routes).filter((r) => r in b.series!.routes && (a.series!.totals[r]?.requests ?? 0) > 0);
  return routes.flatMap((r) =>
    (['p99', 'p50'] as const).map((p) => ({
      id: `chart-compare-${r}-${p}`,
      title: `${r}: ${p} request latency per second, A (dashed) vs B`,
      yLabel: 'ms',
      x,
      xTime: false,
      series: [
        { label: `A ${a.name}`, color: routeColor(r), values: pad(a.series!.routes[r]?.[p]), dash: [6, 4] },
        { label: `B ${b.name}`, color: routeColor(r), values: pad(b.series!.routes[r]?.[p]), width: 2 },
      ],
    })),
  );
}

export function comparePage(c: Comparison, a: Run, b: Run): string {
  const rows = c.rows.map((r) => [
    r.route,
    r.figure,
    value(r, r.a),
    value(r, r.b),
    difference(r),
    testName(r),
    r.test ? pValue(r.pValue) : null,
    { html: esc(verdictOf(r)), cls: r.significant ? 'sig' : '' },
  ]);
  const charts = latencyCharts(a, b);
  const significant = c.rows.filter((r) => r.significant).length;
  const summary =
    `<p>A: <b>${esc(c.a.name)}</b> (${esc((c.a.verdict ?? 'no verdict') + totalsNote(c.a))}), B: <b>${esc(c.b.name)}</b> (${esc((c.b.verdict ?? 'no verdict') + totalsNote(c.b))}).</p>` +
    `<p class="differences">${significant} difference(s) beyond noise.</p>` +
    table(['route', 'figure', 'A', 'B', 'B - A', 'test', 'p', 'beyond noise'], rows, 'compare') +
    (c.costRates === null ? '' : `<p class="cost-rates${c.costRates.differ ? ' bad' : ''}">${esc(costRatesNote(c))}</p>`) +
    `<p class="note">Beyond noise: p &lt; ${esc(c.testAlpha.toPrecision(2))}, the family's ${c.familyAlpha} split over the tests made (Bonferroni). ` +
    "Each run's totals are its summary.json's, the figures of its verdict. " +
    "Error rates and shares: Fisher's exact test on the counts. Latency: Mann-Whitney U on the two runs' per-second percentiles " +
    '(seconds, not requests, are the independent units: requests in one second share the machine\'s state). ' +
    'Neither test sees what differed between the two moments or machines; repeated runs do.</p>';
  const sections = [{ id: 'comparison', title: 'Side by side', html: summary }];
  if (charts.length) sections.push({ id: 'latency', title: 'Latency, second by second', html: '<p>x: seconds since each run\'s first sample.</p>' + charts.map((ch) => `<div class="chart" id="${esc(ch.id)}"></div>`).join('') });
  return renderPage({ title: `splitbench: ${a.name} vs ${b.name}`, subtitle: '', sections, charts, marks: [], problems: [] });
}

/** The page of two capacity runs' cost curves: the table, with the ratios beyond the curves' uncertainty highlighted. */
export function curveComparePage(c: CurveComparison): string {
  const rows = curveLines(c).map((l) => [l.process, l.rps, l.a, l.b, l.ratio, l.aUncertainty, l.bUncertainty, { html: esc(l.beyond), cls: l.beyond === 'yes' ? 'sig' : '' }]);
  const only = [c.onlyA.length ? `Only in A: ${c.onlyA.join(', ')}.` : '', c.onlyB.length ? `Only in B: ${c.onlyB.join(', ')}.` : ''].filter(Boolean).join(' ');
  const html =
    `<p>A: <b>${esc(c.a.name)}</b> (cost curves from ${esc(c.a.from)}), B: <b>${esc(c.b.name)}</b> (from ${esc(c.b.from)}).</p>` +
    table([...CURVE_HEADERS], rows, 'compare') +
    `<p class="note">${esc(CURVE_NOTE)}${only ? ` ${esc(only)}` : ''}</p>`;
  return renderPage({ title: `splitbench cost curves: ${c.a.name} vs ${c.b.name}`, subtitle: '', sections: [{ id: 'cost-curves', title: 'CPU against the rate, side by side', html }], charts: [], marks: [], problems: [] });
}
