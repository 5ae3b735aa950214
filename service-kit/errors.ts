/**
 * What a write can fail with, independent of transport. Stores and the gRPC upstream throw these;
 * the HTTP layer maps them to statuses in one place (service-kit/write-errors.ts).
 */

/** A store or the upstream cannot be reached now: 503 with Retry-After; the write did not land. */
export class UnavailableError extends Error {
  override name = 'UnavailableError';
}

/** The deadline passed before the write was confirmed: 504; the write may or may not have landed. */
export class DeadlineError extends Error {
  override name = 'DeadlineError';
}

/** The id was used before for a different record: 409. */
export class ConflictError extends Error {
  override name = 'ConflictError';
}

/** The record is invalid (caught again behind the REST layer): 400. */
export class InvalidRecordError extends Error {
  override name = 'InvalidRecordError';
  constructor(
    message: string,
    readonly fields: { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}
