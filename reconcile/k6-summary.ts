/**
 * The parts of loadtest's summary.json (schema splitbench.k6-summary/1, loadtest/README.md) the
 * reconciler uses: per-route requests (for the split check), per-route acknowledged answers (to prove
 * the ack log complete), and whether ack lines were logged at all.
 */
import { readFile } from 'node:fs/promises';
import { ROUTES, type RouteName } from '../contract/routes.js';

export const K6_SUMMARY_SCHEMA = 'splitbench.k6-summary/1';

export interface K6SummaryFacts {
  runId: string | null;
  /** False when k6's setup() failed: the target was not ready and no load was sent. */
  setupCompleted: boolean;
  /** Routes present in the summary (k6's ROUTES setting); a route not listed was not expected to answer. */
  requests: Partial<Record<RouteName, number>>;
  acknowledged: Partial<Record<RouteName, number>>;
  /** Answers without X-Route or with one outside ROUTES. */
  unrouted: number;
  /** settings.ackLog; true when absent (the default). */
  ackLog: boolean;
}

export class SummaryError extends Error {
  override name = 'SummaryError';
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function count(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new SummaryError(`${where} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return v;
}

/** Validates the fields used; `source` names the file in errors. */
export function parseK6Summary(json: unknown, source = 'summary.json'): K6SummaryFacts {
  if (!isRecord(json)) throw new SummaryError(`${source}: expected a JSON object`);
  if (json.schema !== K6_SUMMARY_SCHEMA) throw new SummaryError(`${source}: schema is ${JSON.stringify(json.schema)}, expected ${K6_SUMMARY_SCHEMA}`);
  const routes = json.routes;
  if (!isRecord(routes)) throw new SummaryError(`${source}: routes must be an object`);
  const requests: Partial<Record<RouteName, number>> = {};
  const acknowledged: Partial<Record<RouteName, number>> = {};
  for (const route of ROUTES) {
    const r = routes[route];
    if (r === undefined) continue;
    if (!isRecord(r)) throw new SummaryError(`${source}: routes.${route} must be an object`);
    requests[route] = count(r.requests, `${source}: routes.${route}.requests`);
    acknowledged[route] = count(r.acknowledged, `${source}: routes.${route}.acknowledged`);
  }
  const settings = isRecord(json.settings) ? json.settings : {};
  return {
    runId: typeof json.runId === 'string' ? json.runId : null,
    setupCompleted: json.setupCompleted !== false,
    requests,
    acknowledged,
    unrouted: typeof json.unrouted === 'number' ? json.unrouted : 0,
    ackLog: settings.ackLog !== false,
  };
}

export async function readK6Summary(file: string): Promise<K6SummaryFacts> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new SummaryError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SummaryError(`${file}: not JSON: ${(err as Error).message}`, { cause: err });
  }
  return parseK6Summary(json, file);
}
