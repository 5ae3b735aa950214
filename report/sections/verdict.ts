/** The top of the page: the verdict and its reasons, the per-route figures, the settings and environment (summary.json). */
import { RUN_SUMMARY_SCHEMA, type DemoSummary } from '../../demo/summary.js';
import { pValue } from '../../format/table.js';
import { esc, fixed, keyValues, percent, table, type Cell } from '../html.js';
import { section } from '../section.js';

export const SUMMARY_FILE = 'summary.json';

export function checkSummary(json: unknown, source: string): DemoSummary {
  const s = json as DemoSummary;
  if (s?.schema !== RUN_SUMMARY_SCHEMA) throw new Error(`${source}: schema is ${JSON.stringify(s?.schema)}, expected ${RUN_SUMMARY_SCHEMA}`);
  return s;
}

const show = (v: unknown): Cell => (v === null || v === undefined ? null : typeof v === 'object' ? JSON.stringify(v) : typeof v === 'number' ? v : String(v));

export default section<DemoSummary>({
  id: 'verdict',
  title: 'Verdict',
  load: (run) => run.json('summary.json', checkSummary),
  render(s) {
    const reasons = s.reasons.map((r, i) => `<li class="sev-${esc(s.findings[i]?.severity ?? 'info')}">${esc(r)}</li>`).join('');
    const routes = table(
      ['route', 'requests', 'acknowledged', 'stored', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors'],
      Object.entries(s.routes).map(([name, r]) => [name, r.requests, r.acknowledged, r.stored, fixed(r.rps), fixed(r.p50), fixed(r.p95), fixed(r.p99), percent(r.errorRate)]),
    );
    const sp = s.split;
    const split = sp
      ? `<p>Split: ${Object.entries(sp.observed)
          .map(([r, o]) => `${esc(r)} ${esc(percent(o.share, 1))} (configured ${esc(percent(sp.expected[r as keyof typeof sp.expected], 0))})`)
          .join(', ')} of ${sp.n} requests, ${esc(sp.method)} test p = ${esc(pValue(sp.pValue))} (alpha ${sp.alpha}).</p>`
      : '';
    const { settings, ...env } = s.environment;
    return {
      html:
        `<div class="verdict ${s.verdict === 'PASS' ? 'pass' : 'fail'}">${esc(s.verdict)}</div><p class="run-id">${esc(s.runId)}</p>` +
        `<ul class="reasons">${reasons || '<li>No findings.</li>'}</ul>${routes}${split}` +
        `<div class="cols"><div><h3>Settings</h3>${keyValues(Object.entries(settings).map(([k, v]) => [k, show(v)]))}</div>` +
        `<div><h3>Environment</h3>${keyValues(Object.entries(env).map(([k, v]) => [k, show(v)]))}</div></div>`,
      charts: [],
    };
  },
});
