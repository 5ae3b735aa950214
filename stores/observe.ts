/** Timing of store calls, reported to the service's metrics (store operation histogram). */

/** Observes each store call; services pass a metrics recorder. */
export type StoreObserver = (operation: string, ok: boolean, seconds: number) => void;

/** Runs `fn`, reports its duration and outcome to `observe`, and returns or rethrows its result. */
export async function timed<T>(observe: StoreObserver, operation: string, fn: () => Promise<T>): Promise<T> {
  const start = process.hrtime.bigint();
  let ok = false;
  try {
    const result = await fn();
    ok = true;
    return result;
  } finally {
    observe(operation, ok, Number(process.hrtime.bigint() - start) / 1e9);
  }
}
