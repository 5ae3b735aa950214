/** Latency over time: p50, p95 and p99 per second, one chart each, both routes on the same time axis. */
import type { TimeSeries } from '../../contract/timeseries.js';
import { chartBox } from '../html.js';
import { routeColor, section } from '../section.js';
import { loadSeries, routesOf } from './series.js';

const PERCENTILES = [
  ['p99', 'p99 request latency (ms) per second'],
  ['p95', 'p95 request latency (ms) per second'],
  ['p50', 'median request latency (ms) per second'],
] as const;

export default section<TimeSeries>({
  id: 'latency',
  title: 'Latency over time',
  load: loadSeries,
  render(ts) {
    const routes = routesOf(ts);
    const charts = PERCENTILES.map(([p, title]) => ({
      id: `chart-latency-${p}`,
      title,
      yLabel: 'ms',
      x: ts.t,
      series: routes.map((r) => ({ label: r, color: routeColor(r), values: ts.routes[r]![p], width: p === 'p99' ? 2 : 1.5 })),
    }));
    return {
      html:
        '<p>Each point is one second: the exact percentile of the requests whose final answer came in that second ' +
        '(first attempt to final answer, retries included), as k6 measured them.</p>' +
        charts.map((c) => chartBox(c.id)).join(''),
      charts,
    };
  },
});
