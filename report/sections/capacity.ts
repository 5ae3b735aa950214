/**
 * The capacity table (capacity.json): per searched target and replica count, the highest rate that met
 * the SLO, how the search ended and the figures at that rate. The file is capacity/report.ts's
 * CapacityReport; this checks, by its schema id, only the fields the page shows (a file from disk is
 * not trusted to be what the type says).
 */
import { CAPACITY_SCHEMA } from '../../capacity/report.js';
import { fixed, percent, table, type Cell } from '../html.js';
import { section } from '../section.js';
import { reader } from './inputs.js';

export interface CapacityTarget {
  name: string;
  replicas: number;
  outcome: string;
  capacityRps: number | null;
  confirmed: boolean;
  bracket: { passRps: number | null; failRps: number | null };
  atCapacity: { achievedRps: number | null; p99Ms: number | null; errorRate: number | null; cpuMsPerRequest: number | null } | null;
  trials: number;
}
export interface Capacity {
  slo: { p99BelowMs: number; maxErrorRate: number; maxDroppedIterations: number };
  targets: CapacityTarget[];
}

export function parseCapacity(json: unknown, source: string): Capacity {
  const r = reader(source);
  const o = r.obj(json, 'the document');
  r.schema(o, CAPACITY_SCHEMA);
  const slo = r.obj(o.slo, 'slo');
  return {
    slo: { p99BelowMs: r.num(slo.p99BelowMs, 'slo.p99BelowMs'), maxErrorRate: r.num(slo.maxErrorRate, 'slo.maxErrorRate'), maxDroppedIterations: r.num(slo.maxDroppedIterations, 'slo.maxDroppedIterations') },
    targets: r.arr(o.targets, 'targets').map((raw, i) => {
      const at = `targets[${i}]`;
      const t = r.obj(raw, at);
      const res = r.obj(t.result, `${at}.result`);
      const br = r.obj(res.bracket, `${at}.result.bracket`);
      const ac = res.atCapacity === null || res.atCapacity === undefined ? null : r.obj(res.atCapacity, `${at}.result.atCapacity`);
      return {
        name: r.str(t.name, `${at}.name`),
        // Files written before replica counts were searched ran one replica of each service.
        replicas: t.replicas === undefined ? 1 : r.num(t.replicas, `${at}.replicas`),
        outcome: r.str(r.obj(res.outcome, `${at}.result.outcome`).kind, `${at}.result.outcome.kind`),
        capacityRps: r.numOrNull(res.capacityRps, `${at}.result.capacityRps`),
        confirmed: res.confirmed === true,
        bracket: { passRps: r.numOrNull(br.passRps, `${at}.result.bracket.passRps`), failRps: r.numOrNull(br.failRps, `${at}.result.bracket.failRps`) },
        atCapacity: ac && {
          achievedRps: r.numOrNull(ac.achievedRps, `${at}.atCapacity.achievedRps`),
          p99Ms: r.numOrNull(ac.p99Ms, `${at}.atCapacity.p99Ms`),
          errorRate: r.numOrNull(ac.errorRate, `${at}.atCapacity.errorRate`),
          cpuMsPerRequest: r.numOrNull(ac.cpuMsPerRequest, `${at}.atCapacity.cpuMsPerRequest`),
        },
        trials: r.arr(res.trials ?? [], `${at}.result.trials`).length,
      };
    }),
  };
}

export default section<Capacity>({
  id: 'capacity',
  title: 'Capacity',
  load: (run) => run.json('capacity.json', parseCapacity),
  render(c) {
    const scaling = new Set(c.targets.map((t) => t.replicas)).size > 1;
    const rows = c.targets.map((t): Cell[] => [
      t.name,
      ...(scaling ? [t.replicas] : []),
      t.capacityRps === null ? { html: 'none met the SLO', cls: 'bad' } : `${t.outcome === 'reachedMaxRate' ? '≥ ' : ''}${fixed(t.capacityRps, 0)}`,
      t.confirmed ? 'yes' : 'no',
      t.outcome,
      `${fixed(t.bracket.passRps, 0) ?? '-'} .. ${fixed(t.bracket.failRps, 0) ?? '-'}`,
      fixed(t.atCapacity?.achievedRps),
      fixed(t.atCapacity?.p99Ms),
      percent(t.atCapacity?.errorRate),
      fixed(t.atCapacity?.cpuMsPerRequest, 2),
      t.trials,
    ]);
    return {
      html:
        `<p>The highest offered rate that met the SLO (p99 &lt; ${c.slo.p99BelowMs} ms, errors ≤ ${percent(c.slo.maxErrorRate, 1)}, dropped iterations ≤ ${c.slo.maxDroppedIterations}), found by search.</p>` +
        table(['target', ...(scaling ? ['replicas'] : []), 'capacity req/s', 'confirmed', 'outcome', 'bracket req/s', 'achieved req/s', 'p99 ms', 'errors', 'CPU ms/req', 'trials'], rows),
      charts: [],
    };
  },
});
