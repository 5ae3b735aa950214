/**
 * A time bound on store calls that costs nothing once they are over.
 *
 * The MongoDB driver (7.x) honours an abort signal while it waits for a server, for a pooled connection
 * and for the answer. `AbortSignal.timeout(ms)` would do, but its timer cannot be cancelled: Node 20
 * (lib/internal/abort_controller.js, setWeakAbortSignalTimeout) fires it for every signal still alive
 * when its time comes, long after the call ended, and each firing builds a DOMException (with its stack)
 * and dispatches an abort event nobody listens to. At load that was 2-4% of a service's CPU
 * (call-bound.test.ts shows the firing on the real Node). Here the timer is cleared as soon as the
 * calls settle, and when it does fire, the signal's reason is the one AbortSignal.timeout gives, so the
 * driver's errors (stores/mongo-grades.ts toStoreError) read the same.
 */
import type { DeleteOptions, FindOptions, InsertOneOptions } from 'mongodb';

/** Options of a driver call that carry its bound (an abort signal; the driver's option types do not all list it). */
export type Bounded = InsertOneOptions & DeleteOptions & FindOptions & { signal: AbortSignal };

/** Runs `fn` with options whose signal aborts after `ms` (a TimeoutError), unless `fn` settles first. */
export async function withinMs<R>(ms: number, fn: (bound: Bounded) => Promise<R>): Promise<R> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
  try {
    return await fn({ signal: controller.signal } as Bounded);
  } finally {
    clearTimeout(timer);
  }
}
