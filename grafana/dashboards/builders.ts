/**
 * Small builders the foundation SDK lacks: a target for the Infinity datasource (the SDK ships
 * only core datasources) and the one transformation the Grades panels need, so the dashboards read as
 * lists of panels.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { DataTransformerConfig } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder as PromQueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { dsRef } from '../datasources.js';
import type { PromQuery } from '../prom-queries.js';
import type { GradesApiQuery } from '../queries.js';

/** Wraps a query object of ours (queries.ts) as a panel target. */
class PluginQueryBuilder<Q extends object> implements cog.Builder<cog.Dataquery> {
  constructor(private readonly query: Q) {}
  build(): cog.Dataquery {
    // cog marks query variants with this method; JSON serialisation drops it.
    return { ...structuredClone(this.query), _implementsDataqueryVariant() {} };
  }
}

export const gradesApiTarget = (q: GradesApiQuery): cog.Builder<cog.Dataquery> => new PluginQueryBuilder(q);

export function promTarget(q: PromQuery): PromQueryBuilder {
  return new PromQueryBuilder().datasource(dsRef('prometheus')).refId(q.refId).expr(q.expr).legendFormat(q.legendFormat).range();
}

/**
 * Puts a frame's fields in the query's column order. Infinity returns a query's columns sorted by name
 * (grafana/infinity.ts), so without this a table starts with avg_nota and a stat panel shows its values
 * alphabetically. `organize` is in @grafana/data, so the tests run it with Grafana's own code.
 */
export function orderAsQueried(q: GradesApiQuery): DataTransformerConfig {
  return {
    id: 'organize',
    options: { indexByName: Object.fromEntries(q.columns.map((c, i) => [c.text, i])), renameByName: {}, excludeByName: {} },
  };
}

/** Gives panels ids 1, 2, 3... in order, so the committed JSON is stable and diffs stay readable. */
export function numberPanels<T extends { panels?: { id?: number }[] }>(dashboard: T): T {
  dashboard.panels?.forEach((p, i) => (p.id = i + 1));
  return dashboard;
}
