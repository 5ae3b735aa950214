/**
 * What a REST service answers when a write fails, in one place: each error of errors.ts becomes its
 * status (503 with Retry-After, 504, 409, 400, 500), counted in the records metric by outcome, with a
 * message whose store URLs have their passwords masked (secrets.ts).
 */
import type { Response } from 'express';
import { HEADERS, RETRY_AFTER_SECONDS, type CourseError } from '../contract/http.js';
import type { WriteRequest } from '../contract/record.js';
import { ConflictError, DeadlineError, InvalidRecordError, UnavailableError } from './errors.js';
import type { Logger } from './logger.js';
import type { ServiceMetrics } from './metrics.js';
import { redactText } from './secrets.js';

/** A JSON error answer (CourseError). */
export function sendError(res: Response, status: number, error: string, message: string, fields?: CourseError['fields']): void {
  // Store errors end up in messages; a store URL's password never does (secrets.ts).
  const body: CourseError = fields ? { error, message: redactText(message), fields } : { error, message: redactText(message) };
  res.status(status).json(body);
}

/** Answers a failed write with the status its error means. */
export function respondToWriteError(res: Response, err: unknown, req: WriteRequest, deps: { metrics: ServiceMetrics; logger: Logger }): void {
  const { metrics, logger } = deps;
  if (err instanceof UnavailableError) {
    metrics.records.inc({ outcome: 'unavailable' });
    logger.warn('write unavailable', { id: req.id, err });
    res.setHeader(HEADERS.retryAfter, String(RETRY_AFTER_SECONDS));
    sendError(res, 503, 'unavailable', `${err.message}; the record was not stored, retry with the same Idempotency-Key`);
  } else if (err instanceof DeadlineError) {
    metrics.records.inc({ outcome: 'timeout' });
    logger.warn('write deadline exceeded', { id: req.id, err });
    sendError(res, 504, 'deadline_exceeded', `${err.message}; the record may or may not be stored, retry with the same Idempotency-Key`);
  } else if (err instanceof ConflictError) {
    metrics.records.inc({ outcome: 'conflict' });
    sendError(res, 409, 'idempotency_conflict', err.message);
  } else if (err instanceof InvalidRecordError) {
    metrics.records.inc({ outcome: 'invalid' });
    sendError(res, 400, 'invalid_record', err.message, err.fields);
  } else {
    metrics.records.inc({ outcome: 'error' });
    logger.error('write failed', { id: req.id, err });
    sendError(res, 500, 'internal', 'internal error; the record may not be stored, retry with the same Idempotency-Key');
  }
}
