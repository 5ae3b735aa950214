/**
 * Grafana's own frontend data code (`@grafana/data`, the version of the pinned Grafana image) loaded in
 * Node, so the tests run a panel's transformations with the code Grafana runs, not a model of ours.
 *
 * The package is built for browsers: a few modules it pulls in touch `window`, `document` and `history`
 * when imported (its store, react-use, nano-css). Minimal stand-ins are installed first; no test uses
 * them. Its ESM build imports moment-timezone in a way Node's ESM loader refuses, so the CJS build is used.
 */
import { createRequire } from 'node:module';
import type * as GrafanaData from '@grafana/data';

function installBrowserStandIns(): void {
  const g = globalThis as Record<string, unknown>;
  if (g.window !== undefined) return;
  const noop = (): void => {};
  const items = new Map<string, string>();
  g.window = {
    addEventListener: noop,
    removeEventListener: noop,
    dispatchEvent: noop,
    location: { href: 'http://localhost/' },
    history: { pushState: noop, replaceState: noop },
    navigator: { userAgent: 'node' },
    localStorage: { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => items.set(k, v), removeItem: (k: string) => items.delete(k) },
  };
  const element = (): unknown => ({ sheet: { insertRule: noop, cssRules: [] }, setAttribute: noop, appendChild: noop, style: {} });
  g.document = { head: { appendChild: noop }, createElement: element, addEventListener: noop, getElementsByTagName: () => [{}] };
}

installBrowserStandIns();
const data = createRequire(import.meta.url)('@grafana/data') as typeof GrafanaData;

// Grafana's frontend fills this registry at start; @grafana/data ships the transformers, not the list.
// (seriesToColumnsTransformer is joinByFieldTransformer under its old name: one entry per id.)
const transformers = new Map(Object.values(data.standardTransformers).map((t) => [t.id, t]));
data.standardTransformersRegistry.setInit(() =>
  [...transformers.values()].map((t) => ({ id: t.id, name: t.name, description: t.description ?? '', transformation: t, editor: () => null, imageDark: '', imageLight: '' })),
);

export const { dataFrameFromJSON, FieldType, reduceField, ReducerID, standardTransformersRegistry } = data;
export type { DataFrame, DataFrameJSON, DataTransformerConfig, Field } from '@grafana/data';

/** The ids of the transformations @grafana/data implements (others live in Grafana's app code). */
export const TRANSFORMATION_IDS: ReadonlySet<string> = new Set(transformers.keys());

/** Runs a panel's transformations on its frames, as Grafana's panel query runner does. */
export async function transform(transformations: GrafanaData.DataTransformerConfig[], frames: GrafanaData.DataFrame[]): Promise<GrafanaData.DataFrame[]> {
  return new Promise((resolve, reject) => {
    // transformDataFrame answers with an Observable that emits the result once.
    const sub = data.transformDataFrame(transformations, frames).subscribe({ next: resolve, error: reject });
    void Promise.resolve().then(() => sub.unsubscribe());
  });
}
