/** The HTTP contract both REST services answer identically. */

export const COURSE_PATH = '/course';
export const HEALTHZ_PATH = '/healthz';
export const READYZ_PATH = '/readyz';
export const METRICS_PATH = '/metrics';

/** Largest accepted request body. A full record is about 250 bytes; 16 KiB leaves room and bounds work. */
export const BODY_LIMIT_BYTES = 16 * 1024;

export const HEADERS = {
  route: 'x-route',
  instance: 'x-instance',
  runId: 'x-run-id',
  idempotencyKey: 'idempotency-key',
  replayed: 'idempotency-replayed',
  retryAfter: 'retry-after',
} as const;

/** Idempotency keys become MongoDB `_id`s and Redis key suffixes: keep them short and plain. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
/** Run ids tag records and Redis hash fields. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** Seconds a client should wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 1;

/** Body of a 201 (and of a replay, answered 200 with the original values). */
export interface CourseAccepted {
  id: string;
  route: string;
  receivedAt: string;
}

/** Body of every 4xx/5xx. `fields` lists each bad field on a 400. */
export interface CourseError {
  error: string;
  message: string;
  fields?: { field: string; message: string }[];
}
