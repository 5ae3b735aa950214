/** The run's other files, linked (relative, so they open from disk): k6's own report.html, the JSON, the logs. */
import { esc } from '../html.js';
import { section } from '../section.js';

const DESCRIBED: Record<string, string> = {
  'report.html': "k6's own web-dashboard report (all traffic together)",
  'summary.json': 'the run: verdict, findings, per-route figures, split test, environment',
  'reconcile.json': 'every acknowledged write checked against the stores',
  'k6-summary.json': "k6's per-route figures",
  'timeseries.json': 'per-second figures per route (these charts)',
  'route-samples.csv.gz': "k6's route_* samples, one row each (k6 CSV)",
  'k6.log': "k6's log with the ack lines",
  stack: 'every process log and the endpoints',
  'prometheus.json': "what the run's Prometheus answered: every Benchmark dashboard query, the services' latency per route",
  prometheus: "Prometheus's configuration, scrape targets file and log",
};

export default section<string[]>({
  id: 'files',
  title: 'Files of this run',
  load: (run) => run.list().filter((f) => f !== 'index.html'),
  render(files) {
    const items = files.map((f) => `<li><a href="${esc(encodeURIComponent(f))}">${esc(f)}</a>${DESCRIBED[f] ? ` — ${esc(DESCRIBED[f])}` : ''}</li>`);
    return { html: `<ul class="files">${items.join('')}</ul>`, charts: [] };
  },
});
