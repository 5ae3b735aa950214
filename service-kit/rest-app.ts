/**
 * The HTTP contract both REST services answer identically (README "The contract", contract/http.ts):
 * validation, idempotency headers, status mapping, health, readiness and metrics. A service plugs
 * in only how a validated record is written (`write`) and what readiness means (`ready`).
 */
import http from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { validateGrade } from '../contract/grade.js';
import {
  BODY_LIMIT_BYTES,
  COURSE_PATH,
  HEADERS,
  HEALTHZ_PATH,
  IDEMPOTENCY_KEY_PATTERN,
  METRICS_PATH,
  READYZ_PATH,
  RETRY_AFTER_SECONDS,
  RUN_ID_PATTERN,
  type CourseAccepted,
} from '../contract/http.js';
import type { WriteRequest, WriteResult } from '../contract/record.js';
import type { RouteName } from '../contract/routes.js';
import { NO_RUN_ID } from '../contract/stores.js';
import { DeadlineError } from './errors.js';
import { uuidv7 } from './ids.js';
import { redactText } from './secrets.js';
import { respondToWriteError, sendError } from './write-errors.js';
import { firstInvalidUtf8, InvalidUtf8Error } from './utf8.js';
import type { Logger } from './logger.js';
import type { ServiceMetrics } from './metrics.js';

export interface RestAppDeps {
  route: RouteName;
  instanceId: string;
  logger: Logger;
  metrics: ServiceMetrics;
  /** Answer 504 when a write takes longer than this. */
  requestTimeoutMs: number;
  /** Writes one validated record durably, or throws one of service-kit/errors.ts. */
  write(req: WriteRequest, deadline: number): Promise<WriteResult>;
  /** Problems that make the service unable to write now; empty when ready. */
  ready(): Promise<string[]>;
}

export interface RestApp {
  app: express.Express;
  /** After this, /readyz answers 503 so load balancers stop sending new requests. */
  startDraining(): void;
}

const KNOWN_PATHS = new Set([COURSE_PATH, HEALTHZ_PATH, READYZ_PATH, METRICS_PATH]);

/** Reads an optional header that must match `pattern`; undefined when absent, null when invalid. */
function readHeader(req: Request, name: string, pattern: RegExp): string | undefined | null {
  const value = req.headers[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) return null;
  return value;
}

export function createRestApp(deps: RestAppDeps): RestApp {
  const { logger, metrics } = deps;
  let draining = false;
  const app = express();
  app.disable('x-powered-by');
  // ETags on POST answers cost CPU and mean nothing for a write API.
  app.set('etag', false);
  app.set('query parser', false);

  app.use((req, res, next) => {
    const start = process.hrtime.bigint();
    res.setHeader(HEADERS.route, deps.route);
    res.setHeader(HEADERS.instance, deps.instanceId);
    res.on('finish', () => {
      const path = KNOWN_PATHS.has(req.path) ? req.path : 'other';
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      metrics.httpDuration.observe({ method: req.method, path, status: String(res.statusCode) }, seconds);
    });
    next();
  });

  app.get(HEALTHZ_PATH, (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get(READYZ_PATH, async (_req, res) => {
    if (draining) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    const problems = (await deps.ready().catch((err: unknown) => [String(err)])).map(redactText);
    if (problems.length > 0) res.status(503).setHeader(HEADERS.retryAfter, String(RETRY_AFTER_SECONDS)).json({ status: 'not ready', problems });
    else res.json({ status: 'ready' });
  });

  app.get(METRICS_PATH, async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  app.post(
    COURSE_PATH,
    (req, res, next) => {
      if (!req.is('application/json')) {
        metrics.records.inc({ outcome: 'invalid' });
        sendError(res, 415, 'unsupported_media_type', `Content-Type must be application/json, got ${JSON.stringify(req.headers['content-type'] ?? null)}`);
        return;
      }
      next();
    },
    // strict: false lets a JSON string or number through to the validator, which names the problem.
    express.json({
      limit: BODY_LIMIT_BYTES,
      strict: false,
      type: () => true,
      verify: (_req, _res, buf) => {
        const bad = firstInvalidUtf8(buf);
        if (bad >= 0) throw new InvalidUtf8Error(bad);
      },
    }),
    async (req, res) => {
      const idempotencyKey = readHeader(req, HEADERS.idempotencyKey, IDEMPOTENCY_KEY_PATTERN);
      const runId = readHeader(req, HEADERS.runId, RUN_ID_PATTERN);
      const headerErrors: { field: string; message: string }[] = [];
      if (idempotencyKey === null) headerErrors.push({ field: 'Idempotency-Key', message: `must match ${IDEMPOTENCY_KEY_PATTERN}` });
      if (runId === null) headerErrors.push({ field: 'X-Run-Id', message: `must match ${RUN_ID_PATTERN}` });
      const result = validateGrade(req.body);
      const fields = [...headerErrors, ...(result.ok ? [] : result.errors)];
      if (!result.ok || fields.length > 0) {
        metrics.records.inc({ outcome: 'invalid' });
        sendError(res, 400, 'invalid_record', `${fields.length} invalid field(s): ${fields.map((f) => f.field).join(', ')}`, fields);
        return;
      }

      const writeReq: WriteRequest = {
        id: idempotencyKey ?? uuidv7(),
        runId: runId ?? NO_RUN_ID,
        grade: result.grade,
        instance: deps.instanceId,
      };
      const deadline = Date.now() + deps.requestTimeoutMs;
      let timer: NodeJS.Timeout | undefined;
      try {
        const written = await Promise.race([
          deps.write(writeReq, deadline),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new DeadlineError(`no confirmation within ${deps.requestTimeoutMs} ms`)), deps.requestTimeoutMs);
          }),
        ]);
        metrics.records.inc({ outcome: written.replayed ? 'replayed' : 'created' });
        const body: CourseAccepted = { id: written.id, route: written.route, receivedAt: written.receivedAt };
        if (written.replayed) res.setHeader(HEADERS.replayed, 'true');
        res.status(written.replayed ? 200 : 201).json(body);
      } catch (err) {
        respondToWriteError(res, err, writeReq, deps);
      } finally {
        clearTimeout(timer);
      }
    },
  );

  app.all(COURSE_PATH, (req, res) => {
    res.setHeader('Allow', 'POST');
    sendError(res, 405, 'method_not_allowed', `${req.method} is not allowed on ${COURSE_PATH}; use POST`);
  });
  for (const path of [HEALTHZ_PATH, READYZ_PATH, METRICS_PATH]) {
    app.all(path, (req, res) => {
      res.setHeader('Allow', 'GET');
      sendError(res, 405, 'method_not_allowed', `${req.method} is not allowed on ${path}; use GET`);
    });
  }
  app.use((req, res) => {
    sendError(res, 404, 'not_found', `no route for ${req.method} ${req.path}; POST ${COURSE_PATH} takes a grade record`);
  });

  // Body parser failures arrive here; each gets a 4xx naming the problem, never a crash.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (res.headersSent) return;
    switch (e.type) {
      case 'entity.too.large':
        sendError(res, 413, 'payload_too_large', `body exceeds ${BODY_LIMIT_BYTES} bytes`);
        break;
      case 'entity.parse.failed':
        sendError(res, 400, 'malformed_json', `body is not valid JSON: ${e.message ?? ''}`.trim());
        break;
      case 'encoding.invalid_utf8':
        sendError(res, 400, 'malformed_json', e.message ?? 'body is not valid UTF-8');
        break;
      case 'encoding.unsupported':
      case 'charset.unsupported':
        sendError(res, 415, 'unsupported_media_type', e.message ?? 'unsupported encoding or charset');
        break;
      case 'request.aborted':
        // The client went away; nothing to answer.
        break;
      default:
        if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
          sendError(res, e.status, 'bad_request', e.message ?? 'bad request');
        } else {
          logger.error('unhandled error', { err, path: req.path });
          sendError(res, 500, 'internal', 'internal error; the record was not stored');
        }
    }
    if (e.type !== undefined) metrics.records.inc({ outcome: 'invalid' });
  });

  return { app, startDraining: () => (draining = true) };
}

/**
 * The HTTP server around a REST app. Keep-alive outlives typical proxies' idle timeout, so the proxy
 * closes first and never reuses a socket the server is closing; a request may not outlive its write.
 */
export function createRestServer(deps: RestAppDeps): { server: http.Server; startDraining(): void } {
  const rest = createRestApp(deps);
  const server = http.createServer(rest.app);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = deps.requestTimeoutMs + 5_000;
  return { server, startDraining: rest.startDraining };
}
