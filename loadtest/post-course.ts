/**
 * The one scenario function every profile runs: one write with a key unique in the run, retried as the
 * contract allows, measured per route by the answer's X-Route, and one ack line per acknowledged write
 * for the reconciler.
 */
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import type { RefinedResponse, ResponseType } from 'k6/http';
import { ACK_STATUSES, formatAckLine } from '../contract/ack-line.ts';
import { COURSE_PATH, HEADERS } from '../contract/http.ts';
import { NO_ROUTE, ODD_ROUTE, ROUTE_TOKEN_PATTERN } from '../contract/routes.ts';
import { ACK_ID_CHECK, routeAcks, routeAttemptDuration, routeAttempts, routeDuration, routeErrors, routeReplays, routeReqs, routeRetries } from './metrics.ts';
import { backoffMs, isRetryable, retryAfterMs } from './retry-policy.ts';
import type { Settings } from './settings.ts';
import type { SetupData } from './summary.ts';

// k6 provides console; @types/k6 does not declare it and the DOM lib would declare far too much.
declare const console: { log(...data: unknown[]): void };

/** Above the services' own request deadline (5 s by default), so their 504 arrives before k6 gives up. */
const REQUEST_TIMEOUT = '10s';

/** k6 reports response headers in Go's canonical form; the contract spells them in lower case. */
export function canonical(header: string): string {
  return header.replace(/(^|-)([a-z])/g, (_m: string, dash: string, c: string) => dash + c.toUpperCase());
}
const ROUTE_HEADER = canonical(HEADERS.route);
const REPLAYED_HEADER = canonical(HEADERS.replayed);
const RETRY_AFTER_HEADER = canonical(HEADERS.retryAfter);

type Response = RefinedResponse<ResponseType | undefined>;

function routeOf(res: Response): string {
  const value = res.headers[ROUTE_HEADER];
  if (value === undefined || value === '') return NO_ROUTE;
  return ROUTE_TOKEN_PATTERN.test(value) ? value : ODD_ROUTE;
}

function answeredId(res: Response): unknown {
  try {
    return res.json('id');
  } catch {
    return undefined;
  }
}

/**
 * Builds the VU function for these settings and this pool of pre-serialised records: one request is
 * every attempt with one Idempotency-Key, retried as the contract allows (retry-policy.ts). The
 * request's route is its final answer's; its latency runs from the first attempt to the final answer.
 */
export function postCourse(settings: Settings, pool: { length: number; [i: number]: string }) {
  const url = `${settings.baseUrl}${COURSE_PATH}`;
  const policy = settings.retry;
  return (data: SetupData): void => {
    // Unique across VUs (idInTest holds across k6 instances too) and iterations, and readable back
    // to the VU and iteration that sent it.
    const key = `${data.runId}-${exec.vu.idInTest}-${exec.vu.iterationInInstance}`;
    const body = pool[exec.scenario.iterationInTest % pool.length] as string;
    const params = {
      headers: { 'Content-Type': 'application/json', [HEADERS.runId]: data.runId, [HEADERS.idempotencyKey]: key },
      timeout: REQUEST_TIMEOUT,
      tags: { name: `POST ${COURSE_PATH}` },
    };
    let res: Response;
    let route: string;
    let elapsed = 0;
    const startMs = Date.now();
    let attempts = 0;
    for (let attempt = 0; ; attempt++) {
      res = http.post(url, body, params);
      attempts++;
      route = routeOf(res);
      elapsed += res.timings.duration;
      routeAttempts.add(1, { route, status: String(res.status) });
      routeAttemptDuration.add(res.timings.duration, { route });
      if (attempt >= policy.retries || !isRetryable(res.status, res.error_code)) break;
      routeRetries.add(1, { route });
      const waitMs = backoffMs(attempt + 1, retryAfterMs(res.headers[RETRY_AFTER_HEADER], Date.now()), policy, Math.random);
      const before = Date.now();
      sleep(waitMs / 1000);
      elapsed += Date.now() - before;
    }
    // 201 created, 200 a replay of an earlier write with this key: both say the write is durable.
    const acknowledged = ACK_STATUSES.includes(res.status);
    const tags = { route };
    routeReqs.add(1, tags);
    routeDuration.add(elapsed, tags);
    routeErrors.add(!acknowledged, tags);
    if (!acknowledged) return;
    routeAcks.add(1, tags);
    if (res.status === 200 && res.headers[REPLAYED_HEADER] !== undefined) routeReplays.add(1, tags);
    check(res, { [ACK_ID_CHECK]: (r) => answeredId(r) === key });
    if (settings.ackLog) console.log(formatAckLine({ runId: data.runId, route, id: key, status: res.status, startMs, durationMs: elapsed, attempts }));
  };
}
