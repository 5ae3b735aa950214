/**
 * The ack line: k6 logs one per acknowledged write, the reconciler reads them back.
 *
 *   splitbench.ack <runId> <route> <id> <status> <startMs> <durationMs> <attempts>
 *
 * startMs is when the request's first attempt began (epoch ms), durationMs the time to its final answer
 * (retries and their waits included), attempts how many it took. The last three are optional to the
 * reader: logs of earlier versions end after <status>.
 * k6 runs with `--log-format raw` everywhere (demo, Job, TestRun), so a line is exactly this text; the
 * pattern still matches it anywhere in a line so a log collector's prefix does no harm.
 * (No imports: k6 loads this file as it is.)
 */

export const ACK_LOG_MARKER = 'splitbench.ack';

/** Statuses that acknowledge a write: 201 created, 200 a replay of an earlier write with the same key. */
export const ACK_STATUSES: readonly number[] = [200, 201];

export interface AckLine {
  runId: string;
  /** The X-Route of the answer, or a route token (routes.ts ROUTE_TOKEN_PATTERN) when it had none. */
  route: string;
  id: string;
  status: number;
  /** Epoch ms of the first attempt; undefined in logs that predate it. */
  startMs?: number;
  durationMs?: number;
  attempts?: number;
}

export function formatAckLine(a: Required<AckLine>): string {
  return `${ACK_LOG_MARKER} ${a.runId} ${a.route} ${a.id} ${a.status} ${Math.round(a.startMs)} ${Math.round(a.durationMs)} ${a.attempts}`;
}

/** Global: one line may hold several (a collector that joined lines); use with matchAll. */
export const ACK_LINE_PATTERN = /splitbench\.ack (\S+) (\S+) (\S+) (\d{3})(?: (\d+) (\d+) (\d+))?/g;

/** Every ack line in `text`, unvalidated (the reader checks ids, routes and statuses against its run). */
export function matchAckLines(text: string): AckLine[] {
  return [...text.matchAll(ACK_LINE_PATTERN)].map((m) => {
    const line: AckLine = { runId: m[1]!, route: m[2]!, id: m[3]!, status: Number(m[4]) };
    if (m[5] !== undefined) Object.assign(line, { startMs: Number(m[5]), durationMs: Number(m[6]), attempts: Number(m[7]) });
    return line;
  });
}
