/**
 * Small builders the foundation SDK lacks: query builders for the two plugin datasources (the SDK ships
 * only core datasources) and transformation helpers, so the dashboards read as lists of panels.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { DataTransformerConfig } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder as PromQueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { dsRef } from '../datasources.js';
import type { GradesApiQuery, PromQuery, RedisQuery } from '../queries.js';

/** Wraps a query object of ours (queries.ts) as a panel target. */
class PluginQueryBuilder<Q extends object> implements cog.Builder<cog.Dataquery> {
  constructor(private readonly query: Q) {}
  build(): cog.Dataquery {
    // cog marks query variants with this method; JSON serialisation drops it.
    return { ...structuredClone(this.query), _implementsDataqueryVariant() {} };
  }
}

export const redisTarget = (q: RedisQuery): cog.Builder<cog.Dataquery> => new PluginQueryBuilder(q);
export const gradesApiTarget = (q: GradesApiQuery): cog.Builder<cog.Dataquery> => new PluginQueryBuilder(q);

export function promTarget(q: PromQuery): PromQueryBuilder {
  return new PromQueryBuilder().datasource(dsRef('prometheus')).refId(q.refId).expr(q.expr).legendFormat(q.legendFormat).range();
}

export const transform = {
  toNumber: (...fields: string[]): DataTransformerConfig => ({
    id: 'convertFieldType',
    options: { conversions: fields.map((targetField) => ({ targetField, destinationType: 'number' })), fields: {} },
  }),
  rename: (renameByName: Record<string, string>, refId?: string): DataTransformerConfig => ({
    id: 'organize',
    options: { renameByName, excludeByName: {}, indexByName: {} },
    ...(refId === undefined ? {} : { filter: { id: 'byRefId', options: refId } }),
  }),
  exclude: (...names: string[]): DataTransformerConfig => ({
    id: 'organize',
    options: { renameByName: {}, excludeByName: Object.fromEntries(names.map((n) => [n, true])), indexByName: {} },
  }),
  rowsToFields: (): DataTransformerConfig => ({
    id: 'rowsToFields',
    options: { mappings: [{ fieldName: 'Field', handlerKey: 'field.name' }, { fieldName: 'Value', handlerKey: 'field.value' }] },
  }),
  join: (byField: string): DataTransformerConfig => ({ id: 'joinByField', options: { byField, mode: 'outer' } }),
  divide: (alias: string, left: string, right: string): DataTransformerConfig => ({
    id: 'calculateField',
    options: { mode: 'binary', alias, binary: { left, operator: '/', right }, reduce: { reducer: 'sum' }, replaceFields: false },
  }),
  sortDesc: (field: string): DataTransformerConfig => ({ id: 'sortBy', options: { fields: {}, sort: [{ field, desc: true }] } }),
  extractJson: (source: string): DataTransformerConfig => ({ id: 'extractFields', options: { source, format: 'json', replace: false, keepTime: false } }),
};

/** Gives panels ids 1, 2, 3... in order, so the committed JSON is stable and diffs stay readable. */
export function numberPanels<T extends { panels?: { id?: number }[] }>(dashboard: T): T {
  dashboard.panels?.forEach((p, i) => (p.id = i + 1));
  return dashboard;
}
