/**
 * What k6 saw acknowledged: the ack lines of contract/ack-line.ts (`splitbench.ack <runId> <route> <id>
 * <status>`), one per 200/201 answer. Every k6 run here uses `--log-format raw`, so a line is exactly
 * that; it is still matched anywhere in a line, so a log collector's prefix does no harm. Files are
 * streamed line by line (a soak run logs millions); only the ids are kept, never the lines.
 */
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { ACK_LOG_MARKER, ACK_STATUSES, matchAckLines, type AckLine } from '../contract/ack-line.js';
import { IDEMPOTENCY_KEY_PATTERN } from '../contract/http.js';
import { ROUTE_TOKEN_PATTERN, ROUTES, type RouteName } from '../contract/routes.js';

const SAMPLE_LIMIT = 5;
const OTHER_RUNS_LIMIT = 10;

export interface AckLog {
  runId: string;
  /** Distinct ids acknowledged per route. An id acked on both routes is in both sets (and in crossRoute). */
  byRoute: Record<RouteName, Set<string>>;
  /**
   * Acks whose answer carried no usable X-Route (k6 logs `none` or `other`): durable writes whose route
   * is unknown. id -> the route token.
   */
  unrouted: Map<string, string>;
  /** Ids acknowledged on more than one route (grpc, redis or an unrouted token). */
  crossRoute: Map<string, string[]>;
  /** Ids whose acknowledgement was a replay (200): an earlier attempt stored them, maybe by the other route. */
  replayed: Set<string>;
  lines: {
    /** Every line read. */
    total: number;
    /** Ack lines of this run, repeats included: summary.json's routes.X.acknowledged must equal these per route. */
    acks: number;
    byRoute: Record<RouteName, number>;
    /** Ack lines of this run answered 200 (a replay of an earlier write with the same key). */
    replays: Record<RouteName, number>;
    /** The same id acked again on the same route (k6 keys are unique per iteration, so this should be 0). */
    repeated: number;
    /** Well-formed ack lines of other runs (ignored). */
    otherRuns: number;
    /** Lines with the marker that do not parse, or with an invalid id, route or status for this run. */
    malformed: number;
  };
  /** Up to 10 run ids seen in other runs' lines: helps when --run-id is mistyped. */
  otherRunIds: string[];
  /** Up to 5 malformed lines (1-based line number and the start of the text). */
  malformedSamples: { line: number; text: string }[];
}

function emptyLog(runId: string): AckLog {
  return {
    runId,
    byRoute: { grpc: new Set(), redis: new Set() },
    unrouted: new Map(),
    crossRoute: new Map(),
    replayed: new Set(),
    lines: { total: 0, acks: 0, byRoute: { grpc: 0, redis: 0 }, replays: { grpc: 0, redis: 0 }, repeated: 0, otherRuns: 0, malformed: 0 },
    otherRunIds: [],
    malformedSamples: [],
  };
}

const ROUTE_NAMES: ReadonlySet<string> = new Set(ROUTES);
const isRoute = (s: string): s is RouteName => ROUTE_NAMES.has(s);
/** A fresh copy of s (V8 flattens the concatenation, then slices the copy, not the original line). */
const flat = (s: string): string => (' ' + s).slice(1);

/** Feeds lines one at a time; `result()` is the AckLog so far. */
export class AckCollector {
  private readonly log: AckLog;

  /** `onAck`: also hands each of this run's ack lines, as parsed, to another reader (the fault analysis's timing). */
  constructor(
    readonly runId: string,
    private readonly onAck?: (a: AckLine) => void,
  ) {
    this.log = emptyLog(runId);
  }

  line(text: string): void {
    const log = this.log;
    log.lines.total++;
    if (!text.includes(ACK_LOG_MARKER)) return;
    const lines = matchAckLines(text);
    for (const a of lines) {
      this.ack(a.runId, a.route, a.id, a.status, text);
      if (a.runId === this.runId) this.onAck?.(a);
    }
    if (lines.length === 0) this.malformed(text);
  }

  result(): AckLog {
    return this.log;
  }

  private ack(runId: string, route: string, id: string, status: number, text: string): void {
    const log = this.log;
    if (runId !== this.runId) {
      log.lines.otherRuns++;
      if (log.otherRunIds.length < OTHER_RUNS_LIMIT && !log.otherRunIds.includes(runId)) log.otherRunIds.push(runId);
      return;
    }
    // k6 strips surrounding quotes of logfmt/JSON only around the whole msg, never inside tokens, so a
    // token that breaks these patterns is a damaged line, not an odd but valid one.
    if (!IDEMPOTENCY_KEY_PATTERN.test(id) || !ACK_STATUSES.includes(status) || !(isRoute(route) || ROUTE_TOKEN_PATTERN.test(route))) {
      this.malformed(text);
      return;
    }
    log.lines.acks++;
    if (isRoute(route)) {
      log.lines.byRoute[route]++;
      if (status === 200) log.lines.replays[route]++;
    }
    // Look the id up in the sets already kept rather than in one more map of every id: memory is what
    // a soak run's log costs here.
    if (log.byRoute.grpc.has(id) || log.byRoute.redis.has(id) || log.unrouted.has(id)) {
      const earlier = log.crossRoute.get(id) ?? this.routesOf(id);
      if (earlier.includes(route)) {
        log.lines.repeated++;
        return;
      }
      log.crossRoute.set(id, [...earlier, route]);
    }
    // A regex capture is a slice that keeps its whole line alive; a copy keeps only the id.
    const own = flat(id);
    if (status === 200) log.replayed.add(own);
    if (isRoute(route)) log.byRoute[route].add(own);
    else log.unrouted.set(own, route);
  }

  private routesOf(id: string): string[] {
    const routes: string[] = ROUTES.filter((r) => this.log.byRoute[r].has(id));
    const token = this.log.unrouted.get(id);
    if (token !== undefined) routes.push(token);
    return routes;
  }

  private malformed(text: string): void {
    const log = this.log;
    log.lines.malformed++;
    if (log.malformedSamples.length < SAMPLE_LIMIT) log.malformedSamples.push({ line: log.lines.total, text: text.slice(0, 200) });
  }
}

/** Parses a whole log held in memory (tests, small logs). */
export function parseAcks(text: string, runId: string): AckLog {
  const collector = new AckCollector(runId);
  const lines = text.split(/\r?\n/);
  // A trailing newline does not make one more (empty) line.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) collector.line(line);
  return collector.result();
}

/** Reads ack lines from a stream (a file, stdin, `kubectl logs` output) line by line. */
export async function readAckStream(input: Readable, runId: string, onAck?: (a: AckLine) => void): Promise<AckLog> {
  const collector = new AckCollector(runId, onAck);
  // readline does not forward its input's errors; capture them and rethrow after the loop ends.
  let failure: unknown;
  input.once('error', (err) => {
    failure = err;
  });
  const rl = createInterface({ input, crlfDelay: Infinity });
  for await (const line of rl) collector.line(line);
  if (failure !== undefined) throw failure;
  return collector.result();
}

/** Reads ack lines from a file, streamed. Throws with the path when the file cannot be opened. */
export async function readAckFile(file: string, runId: string, onAck?: (a: AckLine) => void): Promise<AckLog> {
  // Open first so a missing or unreadable file fails here with a plain error, before any parsing.
  const handle = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new Error(`cannot read the k6 log ${file}: ${err.code ?? err.message}`, { cause: err });
  });
  return readAckStream(handle.createReadStream(), runId, onAck);
}

/** Distinct ids of this run acknowledged on any route (grpc, redis or unrouted). */
export function allAckedIds(log: AckLog): Set<string> {
  const all = new Set<string>(log.byRoute.grpc);
  for (const id of log.byRoute.redis) all.add(id);
  for (const id of log.unrouted.keys()) all.add(id);
  return all;
}
