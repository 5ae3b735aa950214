/**
 * Group commit for MongoDB inserts: the records that arrive while an insert is in flight go to the
 * server together, as one unordered insertMany, when it returns. Nothing waits for a timer: a record that
 * finds no insert in flight is sent at once, alone, so a quiet service adds no latency; under load each
 * round trip carries what queued meanwhile.
 *
 * Why: each insert command costs the server a transaction and the driver a command of its own. FerretDB
 * v1 (the local store) inserts a command's documents in one SQLite transaction (its handler's MsgInsert
 * batches them); measured here on a busy machine, 4,000 inserts at 400/s cost FerretDB 0.78 ms of CPU
 * each one at a time and 0.37 ms in fours (`npm run bench:inserts` measures it). One cost to know: when a
 * batch holds a duplicate id (a retry of a record that landed), FerretDB v1 rolls the batch back and
 * inserts its documents one by one, so such a batch costs about what unbatched inserts would.
 *
 * Each record keeps its own outcome and its own deadline:
 * - inserted, or duplicate (its id is there already: the caller reads it, mongo-grades.ts), or its
 *   own write error, told apart by the bulk error's per-document index;
 * - a failure of the whole command (server gone, timeout) is every record's failure;
 * - a record whose deadline passes while it is still queued is taken out and never sent (nothing was
 *   written, the caller may say 503); one whose deadline passes after it was sent gets `onLate` (it
 *   may have landed).
 */
import { MongoBulkWriteError, MongoServerError } from 'mongodb';

export type InsertOutcome = 'inserted' | 'duplicate';

const DUPLICATE_KEY = 11000;

interface Queued<D> {
  doc: D;
  deadline: number | undefined;
  resolve: (o: InsertOutcome) => void;
  reject: (err: unknown) => void;
  timer: NodeJS.Timeout | undefined;
  sent: boolean;
}

export interface InsertBatcherOptions<D> {
  /**
   * Sends `docs` in one command (an unordered insertMany; one document may go as insertOne), bounded by
   * `deadline` (ms since the epoch; undefined: the store's default bound).
   */
  send: (docs: D[], deadline: number | undefined) => Promise<unknown>;
  /** Records per command at most (1: no batching, every insert on its own as it comes). */
  maxBatch: number;
  /** The error for a record whose deadline passed before it was sent (nothing written). */
  notSent: () => Error;
  /** The error for a record whose deadline passed after it was sent (it may have landed). */
  late: () => Error;
}

export class InsertBatcher<D> {
  private readonly queue: Queued<D>[] = [];
  private inFlight = 0;

  constructor(private readonly opts: InsertBatcherOptions<D>) {}

  /** Inserts `doc` with the next command; rejects with the command's error, the record's own, or at `deadline`. */
  insert(doc: D, deadline?: number): Promise<InsertOutcome> {
    if (deadline !== undefined && deadline <= Date.now()) return Promise.reject(this.opts.notSent());
    return new Promise<InsertOutcome>((resolve, reject) => {
      const item: Queued<D> = { doc, deadline, resolve, reject, timer: undefined, sent: false };
      if (deadline !== undefined) {
        item.timer = setTimeout(() => this.expire(item), deadline - Date.now());
      }
      this.queue.push(item);
      this.pump();
    });
  }

  /** Records queued, not yet sent (for tests and metrics). */
  get queued(): number {
    return this.queue.length;
  }

  private expire(item: Queued<D>): void {
    if (!item.sent) {
      const i = this.queue.indexOf(item);
      if (i >= 0) this.queue.splice(i, 1);
      item.reject(this.opts.notSent());
    } else {
      item.reject(this.opts.late());
    }
  }

  private pump(): void {
    // One command in flight when batching; without it (maxBatch 1) every insert goes as it comes.
    const limit = this.opts.maxBatch === 1 ? Infinity : 1;
    while (this.inFlight < limit && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.opts.maxBatch);
      for (const item of batch) item.sent = true;
      this.inFlight++;
      void this.sendBatch(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async sendBatch(batch: Queued<D>[]): Promise<void> {
    // The command may run as long as its most patient record waits; each record still ends at its own deadline.
    const deadline = batch.some((b) => b.deadline === undefined) ? undefined : Math.max(...batch.map((b) => b.deadline!));
    const settle = (item: Queued<D>, f: () => void): void => {
      clearTimeout(item.timer);
      f();
    };
    try {
      await this.opts.send(
        batch.map((b) => b.doc),
        deadline,
      );
      for (const item of batch) settle(item, () => item.resolve('inserted'));
    } catch (err) {
      const perDoc = writeErrorsByIndex(err, batch.length);
      if (perDoc === undefined) {
        for (const item of batch) settle(item, () => item.reject(err));
        return;
      }
      batch.forEach((item, i) => {
        const e = perDoc.get(i);
        if (e === undefined) settle(item, () => item.resolve('inserted'));
        else if (e.code === DUPLICATE_KEY) settle(item, () => item.resolve('duplicate'));
        else settle(item, () => item.reject(new MongoServerError({ message: e.errmsg ?? 'write error', code: e.code })));
      });
    }
  }
}

/** The per-document errors of an unordered insertMany, by index in the batch; undefined when the whole command failed. */
function writeErrorsByIndex(err: unknown, size: number): Map<number, { code: number; errmsg?: string }> | undefined {
  // A batch of one goes as insertOne (mongo-grades.ts), whose duplicate is a plain server error.
  if (size === 1 && err instanceof MongoServerError && !(err instanceof MongoBulkWriteError) && err.code === DUPLICATE_KEY) return new Map([[0, { code: DUPLICATE_KEY }]]);
  if (!(err instanceof MongoBulkWriteError)) return undefined;
  const list = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
  // A bulk error without write errors is a write concern failure: the command's, not a record's.
  if (list.length === 0) return undefined;
  return new Map(list.map((w) => [w.index, { code: w.code, errmsg: w.errmsg }]));
}
