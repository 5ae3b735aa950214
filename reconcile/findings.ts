/**
 * What a reconciliation found, as data. Each finding has a kind, a severity and the figures behind it;
 * the sentences a person reads are made from these in format.ts, and nothing parses them back.
 */
import type { RouteName } from '../contract/routes.js';
import type { SplitSource, SplitTestResult } from './split-test.js';

/** fail: the run fails. warn: a person should look. info: context. */
export type Severity = 'fail' | 'warn' | 'info';

/** A count, and the first ids (sorted) to look at. */
export interface IdList {
  count: number;
  ids: string[];
}

export interface RouteMismatch {
  id: string;
  /** The route whose answer acknowledged it (X-Route). */
  acknowledgedBy: string;
  /** The route MongoDB holds it under. */
  storedAs: string;
}

export type Finding = { severity: Severity } & (
  /** Acknowledged, but MongoDB has no record with that id (for any run). */
  | { kind: 'lost-not-stored'; by: RouteName | 'unrouted'; ids: IdList }
  /** Acknowledged by route redis and stored as route redis, but without a `seen` marker: never counted. */
  | { kind: 'lost-not-counted'; ids: IdList }
  /** Counts-only mode (no ack log): a shortfall of records, a lower bound of lost writes. */
  | { kind: 'lost-lower-bound'; route: RouteName; acknowledged: number; stored: number; countedInRedis: number | null; lost: number }
  /** No ack log and no summary counts: nothing acknowledged can be checked. */
  | { kind: 'ack-log-missing' }
  /** summary.json's acknowledged count for a route differs from the ack lines: the log was cut or mixed. */
  | { kind: 'ack-log-mismatch'; route: RouteName; expected: number; lines: number }
  /** Redis counts more records for the run than route-B records carry a seen marker. */
  | { kind: 'counted-twice'; runId: string; counted: number; markers: number; excess: number }
  /** Ids acknowledged by answers of two different routes. */
  | { kind: 'acked-on-two-routes'; ids: IdList }
  /** Acknowledged (201) by one route, stored under the other: two writes where there should be one. */
  | { kind: 'route-mismatch'; count: number; items: RouteMismatch[] }
  /**
   * A replay (200) answered by the other route: an earlier attempt of the same request was stored by
   * one route and the client's retry reached the other. One write; not a duplicate.
   */
  | { kind: 'replayed-by-other-route'; count: number; items: RouteMismatch[] }
  /** Route-B records of the run MongoDB holds that Redis never counted: the two stores disagree. */
  | { kind: 'stores-disagree'; ids: IdList }
  /** The ack log was off (ACK_LOG=0): counts only. */
  | { kind: 'counts-only' }
  /** Stored for the run, never acknowledged: expected after 503/504 answers whose write had landed. */
  | { kind: 'unacknowledged'; ids: IdList; byRoute: Record<string, number> }
  /** Acknowledged ids found under another run id: durable, not lost, but mis-tagged. */
  | { kind: 'stored-under-other-run'; count: number; items: { id: string; runId: string; route: string }[] }
  | { kind: 'unknown-route-stored'; ids: IdList }
  /** Redis counts fewer than the markers: the runs hash was reset or edited. */
  | { kind: 'run-count-shortfall'; runId: string; counted: number; markers: number }
  | { kind: 'malformed-ack-lines'; count: number; lines: number[] }
  | { kind: 'repeated-acks'; count: number }
  | { kind: 'unrouted-acks'; count: number }
  | { kind: 'no-ack-lines'; runId: string; otherRunIds: string[] }
  /** No summary.json counts were given, so the log's completeness is unproven. */
  | { kind: 'ack-log-unchecked' }
  /** k6's setup() failed: the target was not ready and no load was sent. */
  | { kind: 'k6-setup-failed' }
  /** The split test on the client's per-route counts (fail when outside the weights). */
  | { kind: 'split'; test: SplitTestResult & { source: SplitSource } }
);

export type FindingKind = Finding['kind'];

export function idList(ids: Iterable<string>, max: number): IdList {
  const all = [...ids];
  return { count: all.length, ids: all.sort().slice(0, max) };
}

/** Fails first, then warnings, then context; stable within a severity. */
export function bySeverity<T extends { severity: Severity | 'inconclusive' }>(findings: readonly T[]): T[] {
  // 'inconclusive' is the demo's (a saturated machine); it ranks after failures.
  const rank: Record<Severity | 'inconclusive', number> = { fail: 0, inconclusive: 1, warn: 2, info: 3 };
  return [...findings].sort((a, b) => rank[a.severity] - rank[b.severity]);
}
