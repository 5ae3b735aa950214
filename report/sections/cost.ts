/**
 * CPU per acknowledged request, per process and per route, and peak memory: cost.json, the demo's
 * CostReport (cost/cost.ts, schema splitbench.cost/1). Read field by field, so a bad file is named.
 */
import { COST_SCHEMA, PROCESS_ROUTE, costRate, type CostRate } from '../../cost/cost.js';
import { describeCostRate } from '../../cost/cost-format.js';
import { ROUTES, type RouteName } from '../../contract/routes.js';
import { esc, fixed, table } from '../html.js';
import { section } from '../section.js';
import { reader } from './inputs.js';

export interface Cost {
  /** The rate the figures hold at: acknowledged requests over the file's own window, and the replicas that ran. */
  rate: CostRate;
  processes: { name: string; service: string; route: string | null; cpuMs: number; cpuMsPerAck: number | null; peakRssBytes: number | null }[];
  routes: Record<string, { cpuMs: number; acknowledged: number; cpuMsPerAck: number | null }>;
}

export function parseCost(json: unknown, source: string): Cost {
  const r = reader(source);
  const o = r.obj(json, 'the document');
  r.schema(o, COST_SCHEMA);
  const processes = r.arr(o.processes, 'processes').map((raw, i) => {
    const at = `processes[${i}]`;
    const p = r.obj(raw, at);
    const service = r.str(p.service, `${at}.service`);
    const owner = PROCESS_ROUTE[service];
    return {
      name: r.str(p.process, `${at}.process`),
      service,
      route: owner === 'grpc' || owner === 'redis' ? owner : null,
      cpuMs: r.num(p.cpuMs, `${at}.cpuMs`),
      cpuMsPerAck: r.numOrNull(p.cpuMsPerAck, `${at}.cpuMsPerAck`),
      peakRssBytes: r.numOrNull(p.peakRssBytes, `${at}.peakRssBytes`),
    };
  });
  const routes: Cost['routes'] = {};
  for (const [route, raw] of Object.entries(r.obj(o.routes, 'routes'))) {
    const x = r.obj(raw, `routes.${route}`);
    routes[route] = { cpuMs: r.num(x.cpuMs, `routes.${route}.cpuMs`), acknowledged: r.num(x.acknowledged, `routes.${route}.acknowledged`), cpuMsPerAck: r.numOrNull(x.cpuMsPerAck, `routes.${route}.cpuMsPerAck`) };
  }
  // Every route's count makes the rate the figures hold at.
  for (const route of ROUTES) r.obj(routes[route], `routes.${route}`);
  const w = r.obj(o.window, 'window');
  const window = { from: r.time(w.from, 'window.from'), to: r.time(w.to, 'window.to') };
  return { rate: costRate({ window, routes: routes as Record<RouteName, Cost['routes'][string]>, processes }), processes, routes };
}

/** A number with a bar behind it, as wide as its share of the largest. */
const bar = (v: number | null, max: number): { html: string; cls: string } => ({
  html: v === null ? '-' : `<span class="bar" style="width:${max > 0 ? ((100 * v) / max).toFixed(1) : 0}%"></span><span class="barval">${esc(v.toFixed(2))}</span>`,
  cls: 'num barcell',
});

export default section<Cost>({
  id: 'cost',
  title: 'CPU per request',
  load: (run) => run.json('cost.json', parseCost),
  render(c) {
    const max = Math.max(0, ...c.processes.map((p) => p.cpuMsPerAck ?? 0), ...Object.values(c.routes).map((r) => r.cpuMsPerAck ?? 0));
    const mib = (b: number | null): string | null => (b === null ? null : (b / 2 ** 20).toFixed(0));
    const procs = table(
      ['process', 'route', 'CPU ms', 'CPU ms per ack (all routes)', 'peak RSS MiB'],
      c.processes.map((p) => [p.name, p.route ?? 'shared', fixed(p.cpuMs, 0), bar(p.cpuMsPerAck, max), mib(p.peakRssBytes)]),
    );
    const routes = Object.keys(c.routes).length
      ? table(['route', 'CPU ms', 'acknowledged', 'CPU ms per ack'], Object.entries(c.routes).map(([name, r]) => [name, fixed(r.cpuMs, 0), r.acknowledged, bar(r.cpuMsPerAck, max)]))
      : '';
    return {
      html:
        // CPU per request falls as the rate per replica rises: the figures are said with the rate they hold at.
        "<p>CPU time each process spent, divided by the writes acknowledged; a route's own processes plus its share of MongoDB (by records stored), the ingress and k6 apart.</p>" +
        `<p class="cost-rate">These figures hold ${esc(describeCostRate(c.rate))}. At another rate they differ: CPU per request falls as the rate per replica rises (the cost curves of <code>npm run capacity</code> say by how much).</p>` +
        routes +
        procs,
      charts: [],
    };
  },
});
