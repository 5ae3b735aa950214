/**
 * What the client retries, and how long it waits: the contract says a 503 or a 504 may be retried with
 * the same Idempotency-Key (nothing is stored twice), and so may an attempt that got no answer at all
 * (a refused or reset connection, a timeout). Pure: k6 (post-course.ts) and the Node tests share it.
 */

export interface RetryPolicy {
  /** Retries after the first attempt (RETRIES; default 3). */
  retries: number;
  /** Full-jitter exponential backoff: a random wait in [0, min(capMs, baseMs * 2^(retry-1))]. */
  baseMs: number;
  capMs: number;
  /** A Retry-After longer than this is cut to it: one slow hint must not stall the run. */
  retryAfterCapMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 3, baseMs: 100, capMs: 2000, retryAfterCapMs: 2000 };

/** k6 error codes of an attempt that got no answer: 1050 request timeout, 1200..1299 TCP (refused, reset, dial timeout). */
function noAnswer(errorCode: number): boolean {
  return errorCode === 1050 || (errorCode >= 1200 && errorCode < 1300);
}

/** True for the answers the contract says to retry with the same key. */
export function isRetryable(status: number, errorCode: number): boolean {
  return status === 503 || status === 504 || (status === 0 && noAnswer(errorCode));
}

/** Retry-After as milliseconds: delay-seconds or an HTTP-date (RFC 9110 10.2.3); undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * How long to wait before retry number `retry` (1 for the first retry): the jittered backoff, but at
 * least the server's Retry-After (capped).
 */
export function backoffMs(retry: number, retryAfter: number | undefined, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (retry - 1));
  const jittered = random() * ceiling;
  return retryAfter === undefined ? jittered : Math.max(jittered, Math.min(retryAfter, policy.retryAfterCapMs));
}
