/**
 * CPU per acknowledged request, per process and per route, and peak memory: cost.json, the demo's
 * CostReport (cost/cost.ts, schema splitbench.cost/1). Read field by field, so a bad file is named.
 */
import { COST_SCHEMA, PROCESS_ROUTE } from '../../cost/cost.js';
import { esc, fixed, table } from '../html.js';
import { section } from '../section.js';
import { reader } from './inputs.js';

export interface Cost {
  processes: { name: string; route: string | null; cpuMs: number; cpuMsPerAck: number | null; peakRssBytes: number | null }[];
  routes: Record<string, { cpuMs: number; acknowledged: number; cpuMsPerAck: number | null }>;
}

export function parseCost(json: unknown, source: string): Cost {
  const r = reader(source);
  const o = r.obj(json, 'the document');
  r.schema(o, COST_SCHEMA);
  const processes = r.arr(o.processes, 'processes').map((raw, i) => {
    const at = `processes[${i}]`;
    const p = r.obj(raw, at);
    const owner = PROCESS_ROUTE[r.str(p.service, `${at}.service`)];
    return {
      name: r.str(p.process, `${at}.process`),
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
  return { processes, routes };
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
    return { html: "<p>CPU time each process spent, divided by the writes acknowledged; a route's own processes plus its share of MongoDB (by records stored), the ingress and k6 apart.</p>" + routes + procs, charts: [] };
  },
});
