// The bound on store calls against the real Node runtime (its AbortSignal and timers), no server:
// why AbortSignal.timeout is not used (it fires after the call is over) and what withinMs does instead.
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { withinMs } from './call-bound.js';

t.test('Node: an AbortSignal.timeout fires after its only listener is gone, building a DOMException', async (t) => {
  const signal = AbortSignal.timeout(10);
  const listener = (): void => {};
  // What the driver does around each call (utils.js addAbortListener, then its dispose).
  signal.addEventListener('abort', listener, { once: true });
  signal.removeEventListener('abort', listener);
  await sleep(100);
  t.ok(signal.aborted, 'still fired: its timer cannot be cancelled');
  t.ok(signal.reason instanceof DOMException, 'with a DOMException built for it');
  t.equal((signal.reason as DOMException).name, 'TimeoutError');
});

t.test('withinMs: a call that settles in time leaves a signal that never fires', async (t) => {
  let seen: AbortSignal | undefined;
  const value = await withinMs(10, async (bound) => {
    seen = bound.signal;
    return 42;
  });
  t.equal(value, 42);
  await sleep(100);
  t.equal(seen?.aborted, false, 'the timer was cleared when the call settled');
  let failed: AbortSignal | undefined;
  await t.rejects(
    withinMs(10, async (bound) => {
      failed = bound.signal;
      throw new Error('store said no');
    }),
    /store said no/,
    'a failure goes to the caller as it was',
  );
  await sleep(100);
  t.equal(failed?.aborted, false, 'and its timer is cleared too');
});

t.test('withinMs: a call still running when the time is up is aborted with the reason AbortSignal.timeout gives', async (t) => {
  const reason = await withinMs(10, (bound) => new Promise<unknown>((resolve) => bound.signal.addEventListener('abort', () => resolve(bound.signal.reason), { once: true })));
  t.ok(reason instanceof DOMException, 'a DOMException');
  t.equal((reason as DOMException).name, 'TimeoutError', 'named TimeoutError');
  t.equal((reason as DOMException).message, 'The operation was aborted due to timeout', "Node's own message");
  // The same reason as Node's, so toStoreError reads a driver failure the same either way.
  const node = AbortSignal.timeout(1);
  await sleep(50);
  t.equal((reason as DOMException).message, (node.reason as DOMException).message);
});
