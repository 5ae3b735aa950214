/** Reconciliation per route: acknowledged, stored, counted in Redis, lost, duplicated (reconcile.json). */
import type { ReconcileReport } from '../../reconcile/run.js';
import { RECONCILE_SCHEMA } from '../../reconcile/run.js';
import { esc, table } from '../html.js';
import { section } from '../section.js';

export const RECONCILE_FILE = 'reconcile.json';

function checkReconcile(json: unknown, source: string): ReconcileReport {
  const r = json as ReconcileReport;
  if (r?.schema !== RECONCILE_SCHEMA) throw new Error(`${source}: schema is ${JSON.stringify(r?.schema)}, expected ${RECONCILE_SCHEMA}`);
  return r;
}

export default section<ReconcileReport>({
  id: 'reconciliation',
  title: 'Reconciliation',
  load: (run) => run.json(RECONCILE_FILE, checkReconcile),
  render(r) {
    const d = r.reconciliation.duplicated;
    const rows = Object.entries(r.routes).map(([route, f]) => [
      route,
      f.acknowledged,
      f.stored,
      f.countedInRedis,
      { html: String(f.lost), cls: f.lost > 0 ? 'num bad' : 'num' },
      // Route B's only per-route duplicate: Redis counting a record twice; the others are across routes.
      route === 'redis' ? { html: String(d.runCountExcess), cls: d.runCountExcess > 0 ? 'num bad' : 'num' } : null,
      f.unacknowledged,
    ]);
    const across = `Across routes: ${d.ackedOnTwoRoutes.count} ids acknowledged by both routes, ${d.routeMismatch.count} stored under the other route; ` + `${r.reconciliation.lost.count} lost, ${d.count} duplicated in all.`;
    return {
      html:
        `<p>Every acknowledged write read back from the stores (run ${esc(r.runId)}${r.reconciliation.countsOnly ? ', counts only: the ack log was off' : ''}).</p>` +
        table(['route', 'acknowledged', 'stored', 'counted in Redis', 'lost', 'counted twice', 'stored, unacknowledged'], rows) +
        `<p>${esc(across)}</p>`,
      charts: [],
    };
  },
});
