/** The reconciler's command line: flags to ReconcileRunOptions (main.ts runs it). */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, parse, UsageError } from '../cli/options.js';
import { RUN_ID_PATTERN } from '../contract/http.js';
import { MONGO_DB_DEFAULT } from '../contract/stores.js';
import { DEFAULT_ALPHA } from './split-test.js';
import type { ReconcileRunOptions } from './run.js';

export function reconcileProgram(): Command {
  return new Command('reconcile')
    .description(
      "Compares what k6 saw acknowledged (the 'splitbench.ack' lines of its log) with what MongoDB and Redis\n" +
        'hold for the run, and tests the split k6 saw against the configured weights (exact binomial test).\n\n' +
        'Exit status: 0 PASS (no lost write, split within the test), 1 FAIL, 2 bad usage or could not\n' +
        'reconcile (unreadable input, store unreachable).',
    )
    .requiredOption('--run-id <id>', 'the run (k6 RUN_ID / X-Run-Id)', (raw: string) => {
      if (!RUN_ID_PATTERN.test(raw)) throw new InvalidArgumentError(`must match ${String(RUN_ID_PATTERN)}`);
      return raw;
    })
    .requiredOption('--acks <file>', "k6's log with the ack lines ('-' reads stdin)")
    .option('--summary <file>', "k6's summary.json: proves the log complete, gives the split's per-route counts")
    .option('--endpoints <file>', "a local stack's endpoints.json: mongoUrl, mongoDb, redisUrl, routeFile from it")
    .option('--mongo-url <url>', 'default: endpoints, else $MONGO_URL')
    .option('--mongo-db <name>', `default: endpoints, else $MONGO_DB, else ${MONGO_DB_DEFAULT}`)
    .option('--redis-url <url>', 'default: endpoints, else $REDIS_URL')
    .option('--route-file <file>', 'HTTPRoute with the weights (default linkerd/route/httproute.yaml)')
    .option('--alpha <a>', `split test significance level (default ${DEFAULT_ALPHA})`, parse.fraction)
    .option('--max-ids <n>', 'ids listed per finding (default 20)', parse.nonNegativeInt)
    .option('--fail-on-duplicates', 'duplicated findings fail the run too')
    .option('--json <file>', "write the report as JSON ('-': JSON on stdout instead of the table)")
    .option('--timeout-ms <ms>', 'store connect timeout (default 5000)', parse.positiveInt);
}

interface Flags {
  runId: string;
  acks: string;
  summary?: string;
  endpoints?: string;
  mongoUrl?: string;
  mongoDb?: string;
  redisUrl?: string;
  routeFile?: string;
  alpha?: number;
  maxIds?: number;
  failOnDuplicates?: boolean;
  json?: string;
  timeoutMs?: number;
}

/** Reads the fields of a stack's endpoints.json the reconciler can use. */
function readEndpoints(file: string): { mongoUrl?: string; mongoDb?: string; redisUrl?: string; routeFile?: string } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--endpoints ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null) throw new UsageError(`--endpoints ${file}: expected a JSON object`);
  const o = json as Record<string, unknown>;
  const str = (k: string): string | undefined => (typeof o[k] === 'string' && o[k] !== '' ? o[k] : undefined);
  return { mongoUrl: str('mongoUrl'), mongoDb: str('mongoDb'), redisUrl: str('redisUrl'), routeFile: str('routeFile') };
}

/** The parsed flags (and env) as reconcileRun options; throws UsageError on a missing store. */
export function toRunOptions(flags: Flags, env: NodeJS.ProcessEnv = process.env): { options: ReconcileRunOptions; json: string | undefined } {
  const endpoints = flags.endpoints !== undefined ? readEndpoints(flags.endpoints) : {};
  const mongoUrl = flags.mongoUrl ?? endpoints.mongoUrl ?? env.MONGO_URL;
  if (mongoUrl === undefined || mongoUrl === '') throw new UsageError('no MongoDB: give --mongo-url, --endpoints, or set MONGO_URL');
  const redisUrl = flags.redisUrl ?? endpoints.redisUrl ?? env.REDIS_URL;
  if (redisUrl === undefined || redisUrl === '') throw new UsageError('no Redis: give --redis-url, --endpoints, or set REDIS_URL');
  return {
    options: {
      runId: flags.runId,
      acksFile: flags.acks,
      mongoUrl,
      mongoDb: flags.mongoDb ?? endpoints.mongoDb ?? (env.MONGO_DB || undefined),
      redisUrl,
      routeFile: flags.routeFile ?? endpoints.routeFile,
      summaryFile: flags.summary,
      alpha: flags.alpha,
      maxIds: flags.maxIds,
      duplicatesFail: flags.failOnDuplicates ?? false,
      timeoutMs: flags.timeoutMs,
    },
    json: flags.json,
  };
}

export type { Flags as ReconcileFlags };
