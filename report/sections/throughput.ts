/** Throughput and errors over time: acknowledged requests, errors and retries per second per route. */
import type { TimeSeries } from '../../contract/timeseries.js';
import { chartBox } from '../html.js';
import { routeColor, section, type ChartSpec } from '../section.js';
import { loadSeries, routesOf } from './series.js';

export default section<TimeSeries>({
  id: 'throughput',
  title: 'Throughput and errors over time',
  load: loadSeries,
  render(ts) {
    const routes = routesOf(ts);
    const charts: ChartSpec[] = [
      {
        id: 'chart-throughput',
        title: 'requests per second by final answer',
        yLabel: 'req/s',
        x: ts.t,
        series: routes.map((r) => ({ label: `${r} acknowledged`, color: routeColor(r), values: ts.routes[r]!.acks })),
      },
      {
        id: 'chart-errors',
        title: 'errors (final answer not an acknowledgement) and retries per second',
        yLabel: 'per s',
        x: ts.t,
        series: routes.flatMap((r) => [
          { label: `${r} errors`, color: routeColor(r), values: ts.routes[r]!.errors, width: 2 },
          { label: `${r} retries`, color: routeColor(r), values: ts.routes[r]!.retries, dash: [4, 4] },
        ]),
      },
    ];
    const totals = routes.map((r) => `${r}: ${ts.totals[r]!.errors} errors, ${ts.totals[r]!.retries} retries`).join('; ');
    return { html: `<p>${totals}.</p>${charts.map((c) => chartBox(c.id)).join('')}`, charts };
  },
});
