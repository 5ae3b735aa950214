// The client's retry rules (loadtest/retry-policy.ts), pure: which answers are retried, how Retry-After
// is read and capped, and the jittered backoff's bounds.
import t from 'tap';
import { backoffMs, DEFAULT_RETRY_POLICY as P, isRetryable, retryAfterMs } from './retry-policy.js';

t.test('what is retried: 503, 504 and attempts that got no answer', async (t) => {
  t.ok(isRetryable(503, 0));
  t.ok(isRetryable(504, 0));
  t.ok(isRetryable(0, 1212), 'connection refused');
  t.ok(isRetryable(0, 1220), 'connection reset');
  t.ok(isRetryable(0, 1050), 'request timeout');
  t.notOk(isRetryable(0, 1020), 'an invalid URL is a mistake of the caller, not an outage');
  for (const status of [200, 201, 400, 409, 413, 415, 500, 502]) t.notOk(isRetryable(status, 0), `${status} is final`);
});

t.test('Retry-After: seconds or an HTTP-date, else nothing', async (t) => {
  const now = Date.parse('2026-11-27T12:00:00Z');
  t.equal(retryAfterMs('1', now), 1000);
  t.equal(retryAfterMs(' 0 ', now), 0);
  t.equal(retryAfterMs('Fri, 27 Nov 2026 12:00:03 GMT', now), 3000);
  t.equal(retryAfterMs('Fri, 27 Nov 2026 11:00:00 GMT', now), 0, 'a date in the past: retry now');
  t.equal(retryAfterMs(undefined, now), undefined);
  t.equal(retryAfterMs('soon', now), undefined);
});

t.test('backoff: full jitter under an exponential ceiling, at least the capped Retry-After', async (t) => {
  t.equal(backoffMs(1, undefined, P, () => 0), 0);
  t.equal(backoffMs(1, undefined, P, () => 0.999999), P.baseMs * 0.999999);
  t.equal(backoffMs(3, undefined, P, () => 1), P.baseMs * 4, 'third retry: up to base * 2^2');
  t.equal(backoffMs(10, undefined, P, () => 1), P.capMs, 'capped');
  t.equal(backoffMs(1, 1000, P, () => 0), 1000, 'Retry-After is honoured');
  t.equal(backoffMs(1, 60_000, P, () => 0), P.retryAfterCapMs, 'but capped');
  t.equal(backoffMs(5, 10, P, () => 1), P.baseMs * 16, 'the larger of the two');
});
