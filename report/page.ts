/**
 * One self-contained HTML file: the sections' HTML, the chart specs as JSON, the charting library and
 * the page script inlined, no reference to anything outside the file, so it opens from disk offline
 * and can be mailed or attached to a ticket as it is.
 *
 * The charting library is uPlot. Measured by report/bench-charts.ts (headless Chromium on this 2-core
 * machine, one line of 100k points, median of 7 draws, time from the call to the first painted frame;
 * the machine was shared, so the times are rough, the order is not):
 *   uPlot 1.6.32      50 KB min (22 KB gzip)    25 ms
 *   Chart.js 4.6.1   205 KB min (70 KB gzip)    34 ms  (with its LTTB decimation; more without)
 *   ECharts 6.1.0   1096 KB min (361 KB gzip)  379 ms  (large mode, LTTB sampling)
 * Size matters because every run folder carries its own copy; speed keeps a soak's 600 s x a dozen
 * series instant. And uPlot is made for this page: time series on one time axis, a cursor synced
 * across charts, fill between two series (the split's confidence band), step lines (replicas). Its
 * plain look and lack of built-in annotations cost a dozen lines of page script (client.js: the
 * fault windows).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { esc } from './html.js';
import type { ChartSpec, TimeMark } from './section.js';

const require = createRequire(import.meta.url);
const asset = (spec: string): string => readFileSync(require.resolve(spec), 'utf8');
const CLIENT = fileURLToPath(new URL('./client.js', import.meta.url));

const CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #111827; margin: 0; background: #f9fafb; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 24px 48px; }
header h1 { font-size: 20px; margin: 8px 0 4px; }
nav a { margin-right: 12px; color: #2563eb; text-decoration: none; }
section { background: #fff; border: 1px solid #e5e7eb; border-radius: 6px; padding: 12px 18px; margin: 16px 0; }
section h2 { font-size: 17px; margin: 4px 0 8px; }
h3 { font-size: 14px; margin: 10px 0 4px; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { padding: 3px 10px; border-bottom: 1px solid #e5e7eb; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.kv th { font-weight: 500; color: #4b5563; }
.verdict { display: inline-block; font-size: 28px; font-weight: 700; padding: 2px 16px; border-radius: 6px; color: #fff; }
.verdict.pass { background: #16a34a; } .verdict.fail { background: #dc2626; }
.run-id { color: #4b5563; margin: 4px 0; }
.reasons li.sev-fail { color: #b91c1c; font-weight: 600; } .reasons li.sev-warn { color: #b45309; } .reasons li.sev-info { color: #374151; }
.bad { color: #b91c1c; font-weight: 600; }
.sig { background: #fef3c7; font-weight: 600; }
.cols { display: flex; gap: 32px; flex-wrap: wrap; }
.chart { margin: 8px 0 14px; min-height: 40px; }
.chart.empty { color: #b91c1c; }
.barcell { position: relative; min-width: 120px; }
.bar { position: absolute; left: 0; top: 4px; bottom: 4px; background: #dbeafe; }
.barval { position: relative; }
.problems { background: #fef2f2; border-color: #fecaca; }
.note { color: #6b7280; }
`;

export interface PageInput {
  title: string;
  /** Already-escaped HTML under the title (a subtitle, links). */
  subtitle: string;
  sections: { id: string; title: string; html: string }[];
  charts: ChartSpec[];
  marks: TimeMark[];
  /** Inputs that were there but unreadable: listed at the top. */
  problems: { file: string; message: string }[];
}

/** JSON inside <script>: "</" would end the element early. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/<\//g, '<\\/').replace(/<!--/g, '<\\!--');

export function renderPage(p: PageInput): string {
  const problems = p.problems.length
    ? `<section class="problems"><h2>Unreadable inputs</h2><ul>${p.problems.map((x) => `<li>${esc(x.file)}: ${esc(x.message)}</li>`).join('')}</ul></section>`
    : '';
  const nav = p.sections.map((s) => `<a href="#${esc(s.id)}">${esc(s.title)}</a>`).join('');
  const body = p.sections.map((s) => `<section id="${esc(s.id)}"><h2>${esc(s.title)}</h2>${s.html}</section>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(p.title)}</title>
<style>${asset('uplot/dist/uPlot.min.css')}</style><style>${CSS}</style>
</head><body><main>
<header><h1>${esc(p.title)}</h1>${p.subtitle}<nav>${nav}</nav></header>
${problems}${body}
</main>
<script type="application/json" id="report-data">${scriptJson({ charts: p.charts, marks: p.marks })}</script>
<script>${asset('uplot/dist/uPlot.iife.min.js')}</script>
<script>${readFileSync(CLIENT, 'utf8')}</script>
</body></html>
`;
}
