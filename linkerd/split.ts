/**
 * Reads the route weights from the one HTTPRoute that defines the split (route/httproute.yaml).
 * Linkerd applies that file in the cluster; the local benchmark's ingress calls readSplit() so that
 * both split alike. Anything this module cannot interpret exactly is an error, never a guess.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, parseDocument } from 'yaml';
import { ROUTES, ROUTE_SERVICE, type RouteName } from '../contract/routes.js';

/** The canonical HTTPRoute, with the default (50/50) weights. */
export const SPLIT_ROUTE_FILE = fileURLToPath(new URL('./route/httproute.yaml', import.meta.url));

export interface SplitBackend {
  /** Kubernetes Service name = service folder name (contract/services.ts). */
  service: string;
  port: number;
  weight: number;
}

export interface Split {
  /** Route name, for messages. */
  name: string;
  /** The Service the route is attached to, and its port. */
  parent: { service: string; port: number };
  backends: SplitBackend[];
}

export class SplitError extends Error {
  override name = 'SplitError';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function field(obj: Record<string, unknown>, key: string, where: string): unknown {
  if (!Object.hasOwn(obj, key)) throw new SplitError(`${where}.${key} is missing`);
  return obj[key];
}

function port(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) {
    throw new SplitError(`${where} must be a port number 1..65535, got ${JSON.stringify(v)}`);
  }
  return v;
}

function name(v: unknown, where: string): string {
  if (typeof v !== 'string' || v === '') throw new SplitError(`${where} must be a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

/** `[{ path: { type: PathPrefix, value: / } }]`: the Gateway API's default match, every request. */
function isMatchEverything(matches: unknown): boolean {
  return JSON.stringify(matches) === JSON.stringify([{ path: { type: 'PathPrefix', value: '/' } }]);
}

/**
 * Parses an HTTPRoute (gateway.networking.k8s.io/v1) of the shape route/httproute.yaml has: one Service
 * parent, one rule matching every request (no matches, or only the default PathPrefix /) and no
 * filters, weighted Service backends. `source` names the text in errors.
 */
export function parseSplit(text: string, source = 'HTTPRoute'): Split {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new SplitError(`${source}: not YAML: ${(err as Error).message}`, { cause: err });
  }
  if (!isRecord(doc)) throw new SplitError(`${source}: expected one YAML object`);
  if (doc.apiVersion !== 'gateway.networking.k8s.io/v1' || doc.kind !== 'HTTPRoute') {
    throw new SplitError(`${source}: expected apiVersion gateway.networking.k8s.io/v1, kind HTTPRoute; got ${String(doc.apiVersion)} ${String(doc.kind)}`);
  }
  const metadata = field(doc, 'metadata', source);
  const spec = field(doc, 'spec', source);
  if (!isRecord(metadata) || !isRecord(spec)) throw new SplitError(`${source}: metadata and spec must be objects`);
  const routeName = name(metadata.name, `${source}: metadata.name`);
  const where = `${source} ${routeName}`;

  const parents = field(spec, 'parentRefs', `${where}: spec`);
  if (!Array.isArray(parents) || parents.length !== 1 || !isRecord(parents[0])) {
    throw new SplitError(`${where}: spec.parentRefs must hold exactly one Service`);
  }
  const parentRef = parents[0];
  // Linkerd's documentation writes the core group as "core"; the Gateway API spec as "".
  if (parentRef.kind !== 'Service' || !(parentRef.group === 'core' || parentRef.group === '')) {
    throw new SplitError(`${where}: the parent must be a Service (group core, kind Service), got ${String(parentRef.group)}/${String(parentRef.kind)}`);
  }
  if (parentRef.namespace !== undefined) {
    throw new SplitError(`${where}: the parent must be in the route's own namespace; remove parentRefs[0].namespace`);
  }
  const parent = { service: name(parentRef.name, `${where}: parentRefs[0].name`), port: port(parentRef.port, `${where}: parentRefs[0].port`) };

  const rules = field(spec, 'rules', `${where}: spec`);
  if (!Array.isArray(rules) || rules.length !== 1 || !isRecord(rules[0])) {
    throw new SplitError(`${where}: spec.rules must hold exactly one rule (the split applies to every request)`);
  }
  const rule = rules[0];
  for (const key of Object.keys(rule)) {
    // `matches` only as the API server's own default (every path), written out so re-applying is a no-op.
    if (key === 'matches' && isMatchEverything(rule.matches)) continue;
    if (key !== 'backendRefs') throw new SplitError(`${where}: rules[0].${key} is not supported here; the split must apply to every request alike`);
  }
  const refs = rule.backendRefs;
  if (!Array.isArray(refs) || refs.length < 2) throw new SplitError(`${where}: rules[0].backendRefs must list at least two backends`);

  const backends = refs.map((ref: unknown, i: number): SplitBackend => {
    const at = `${where}: backendRefs[${i}]`;
    if (!isRecord(ref)) throw new SplitError(`${at} must be an object`);
    if ((ref.kind ?? 'Service') !== 'Service' || (ref.group ?? '') !== '') throw new SplitError(`${at} must be a Service`);
    if (ref.namespace !== undefined) throw new SplitError(`${at}: backends must be in the parent's namespace; remove namespace`);
    // The Gateway API default weight is 1; we insist on an explicit one so a reader never has to know that.
    const weight = field(ref, 'weight', at);
    if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > 1_000_000) {
      throw new SplitError(`${at}.weight must be an integer 0..1000000, got ${JSON.stringify(weight)}`);
    }
    return { service: name(ref.name, `${at}.name`), port: port(ref.port, `${at}.port`), weight };
  });
  const seen = new Set<string>();
  for (const b of backends) {
    if (seen.has(b.service)) throw new SplitError(`${where}: backend ${b.service} is listed twice`);
    seen.add(b.service);
  }
  if (backends.every((b) => b.weight === 0)) throw new SplitError(`${where}: every weight is 0, nothing would be served`);
  return { name: routeName, parent, backends };
}

/** Reads and parses the canonical route (or another file of the same shape). */
export function readSplit(file: string = SPLIT_ROUTE_FILE): Split {
  return parseSplit(readFileSync(file, 'utf8'), file);
}

/**
 * Each route's weight as the HTTPRoute gives it (whole numbers, as Envoy's weighted clusters take them).
 * Throws unless the backends are exactly the REST services of contract/routes.ts.
 */
export function routeWeights(split: Split): Record<RouteName, number> {
  const byService = new Map(split.backends.map((b) => [b.service, b.weight]));
  const expected = ROUTES.map((r) => ROUTE_SERVICE[r]).sort();
  const actual = [...byService.keys()].sort();
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new SplitError(`${split.name}: backends are ${actual.join(', ')}; expected exactly ${expected.join(', ')}`);
  }
  const out = {} as Record<RouteName, number>;
  for (const route of ROUTES) out[route] = byService.get(ROUTE_SERVICE[route]) ?? 0;
  return out;
}

/** The split as a fraction per route name (`grpc`, `redis`), summing to 1. */
export function routeFractions(split: Split): Record<RouteName, number> {
  const weights = routeWeights(split);
  const total = ROUTES.reduce((sum, r) => sum + weights[r], 0);
  const out = {} as Record<RouteName, number>;
  for (const route of ROUTES) out[route] = weights[route] / total;
  return out;
}

/**
 * The route file's text with other weights, per backend Service name (everything else as it was): the
 * capacity search measures each route alone through the same ingress and the same file format.
 */
export function withWeights(text: string, weights: Record<string, number>): string {
  const doc = parseDocument(text);
  const refs = doc.getIn(['spec', 'rules', 0, 'backendRefs']) as { items: { get(k: string): unknown; set(k: string, v: unknown): void }[] } | undefined;
  for (const ref of refs?.items ?? []) {
    const service = String(ref.get('name'));
    if (service in weights) ref.set('weight', weights[service]);
  }
  const out = doc.toString();
  parseSplit(out, 'the reweighted route');
  return out;
}
