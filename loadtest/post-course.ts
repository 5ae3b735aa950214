/**
 * The one scenario function every profile runs: one write with a key unique in the run, retried as the
 * contract allows, measured per route by the answer's X-Route, and one ack line per acknowledged write
 * for the reconciler.
 */
import { check, sleep, type Checkers } from 'k6';
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

/**
 * X-Route values already judged, and the route token each became: the same two values answer nearly
 * every request, and a Map lookup costs k6's JS thread less than the regex (bench/k6-ops.js). Bounded,
 * so a target answering a fresh odd value each time cannot grow it without end.
 */
const routeTokens = new Map<string, string>();
const ROUTE_TOKENS_KEPT = 64;

function routeOf(headers: Record<string, string>): string {
  const value = headers[ROUTE_HEADER];
  if (value === undefined || value === '') return NO_ROUTE;
  let route = routeTokens.get(value);
  if (route === undefined) {
    route = ROUTE_TOKEN_PATTERN.test(value) ? value : ODD_ROUTE;
    if (routeTokens.size < ROUTE_TOKENS_KEPT) routeTokens.set(value, route);
  }
  return route;
}

/** One tag object per route (and per route and status): built once, not per sample. */
const routeTagSets = new Map<string, { route: string }>();
function routeTags(route: string): { route: string } {
  let tags = routeTagSets.get(route);
  if (tags === undefined) routeTagSets.set(route, (tags = { route }));
  return tags;
}
const attemptTagSets = new Map<string, { route: string; status: string }>();
function attemptTags(route: string, status: number): { route: string; status: string } {
  const id = `${route} ${status}`;
  let tags = attemptTagSets.get(id);
  if (tags === undefined) attemptTagSets.set(id, (tags = { route, status: String(status) }));
  return tags;
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
  // k6 builds a fresh object with a getter per field on every read of exec.vu or exec.scenario (k6 v2.2,
  // execution.go); its getters read the VU's live state, so one object of each per VU, taken at its
  // first iteration (they do not exist at init), answers every later iteration the same. The three
  // fresh objects per request were the script's costliest JS work: ~40 µs each against ~1 µs for a
  // getter of a kept one (bench/k6-ops.js).
  let vu: typeof exec.vu | undefined;
  let scenario: typeof exec.scenario | undefined;
  // One headers and params object per VU, the key set per request: http.post reads them when called.
  const headers: Record<string, string> = { 'Content-Type': 'application/json', [HEADERS.runId]: '', [HEADERS.idempotencyKey]: '' };
  const params = { headers, timeout: REQUEST_TIMEOUT, tags: { name: `POST ${COURSE_PATH}` } };
  // The check's outcome, computed here and handed to check() as a value: k6 (v2.2, k6.go Check) takes
  // a value as well as a function, though @types/k6 declares only functions. The same check name,
  // sample and result, without k6 calling back into JS per answer; loadtest.test.ts sees it pass on
  // the right id and fail on a wrong one with the real k6.
  const checkOutcome: Record<string, boolean> = { [ACK_ID_CHECK]: false };
  const checkers = checkOutcome as unknown as Checkers<Response>;
  return (data: SetupData): void => {
    vu ??= exec.vu;
    scenario ??= exec.scenario;
    // Unique across VUs (idInTest holds across k6 instances too) and iterations, and readable back
    // to the VU and iteration that sent it.
    const runId = data.runId;
    const key = `${runId}-${vu.idInTest}-${vu.iterationInInstance}`;
    const body = pool[scenario.iterationInTest % pool.length] as string;
    headers[HEADERS.runId] = runId;
    headers[HEADERS.idempotencyKey] = key;
    let res: Response;
    let route: string;
    let elapsed = 0;
    const startMs = Date.now();
    let attempts = 0;
    for (let attempt = 0; ; attempt++) {
      res = http.post(url, body, params);
      attempts++;
      const answer = res.headers;
      route = routeOf(answer);
      const duration = res.timings.duration;
      elapsed += duration;
      routeAttempts.add(1, attemptTags(route, res.status));
      routeAttemptDuration.add(duration, routeTags(route));
      if (attempt >= policy.retries || !isRetryable(res.status, res.error_code)) break;
      routeRetries.add(1, routeTags(route));
      const waitMs = backoffMs(attempt + 1, retryAfterMs(answer[RETRY_AFTER_HEADER], Date.now()), policy, Math.random);
      const before = Date.now();
      sleep(waitMs / 1000);
      elapsed += Date.now() - before;
    }
    // 201 created, 200 a replay of an earlier write with this key: both say the write is durable.
    const status = res.status;
    const acknowledged = ACK_STATUSES.includes(status);
    const tags = routeTags(route);
    routeReqs.add(1, tags);
    routeDuration.add(elapsed, tags);
    routeErrors.add(!acknowledged, tags);
    if (!acknowledged) return;
    routeAcks.add(1, tags);
    if (status === 200 && res.headers[REPLAYED_HEADER] !== undefined) routeReplays.add(1, tags);
    checkOutcome[ACK_ID_CHECK] = answeredId(res) === key;
    check(res, checkers);
    if (settings.ackLog) console.log(formatAckLine({ runId, route, id: key, status, startMs, durationMs: elapsed, attempts }));
  };
}
