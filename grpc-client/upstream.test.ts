// How grpc-client turns a failed call's status into what the REST layer answers (503, 504, 409, 400,
// 500). Pure mapping, on status objects shaped as @grpc/grpc-js reports them.
import t from 'tap';
import * as grpc from '@grpc/grpc-js';
import { ConflictError, DeadlineError, InvalidRecordError, UnavailableError } from '../service-kit/errors.js';
import { errorFromStatus } from './upstream.js';

const failed = (code: grpc.status, details: string): grpc.ServiceError => Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });

t.test('each status becomes the error the REST layer answers for it', async (t) => {
  const cases: [grpc.status, string, new (...args: never[]) => Error][] = [
    [grpc.status.INVALID_ARGUMENT, 'grade.nota: must be 0..100', InvalidRecordError],
    [grpc.status.ALREADY_EXISTS, 'id used for another record', ConflictError],
    [grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded', DeadlineError],
    [grpc.status.UNAVAILABLE, 'MongoDB: connect ECONNREFUSED', UnavailableError],
    [grpc.status.RESOURCE_EXHAUSTED, 'busy', UnavailableError],
    [grpc.status.CANCELLED, 'Call cancelled', UnavailableError],
    // The transport's reset of a stream in flight: the write may have landed, so 504 (retry), never 500.
    [grpc.status.INTERNAL, 'Received RST_STREAM with code 2 triggered by internal client error: Session closed with error', DeadlineError],
  ];
  for (const [code, details, type] of cases) t.type(errorFromStatus(failed(code, details)), type, `${grpc.status[code]}: ${details}`);
  const internal = errorFromStatus(failed(grpc.status.INTERNAL, 'internal error; the record was not stored'));
  t.notOk(internal instanceof DeadlineError || internal instanceof UnavailableError, "grpc-server's own INTERNAL stays a 500");
});
