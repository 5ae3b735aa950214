/**
 * Streams records to a Writable as NDJSON or as one JSON array, in constant memory.
 * Records are pulled from the iterable only as fast as the destination drains, so 10 million
 * records never sit in memory at once.
 */
import { Readable } from 'node:stream';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export const OUTPUT_FORMATS = ['ndjson', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/**
 * Records are serialised into chunks of about this many characters before they reach the stream:
 * a stream write per record costs more in stream bookkeeping than JSON.stringify does.
 */
export const CHUNK_CHARS = 64 * 1024;

export interface WriteProgress {
  records: number;
  bytes: number;
}

/** One piece of serialised output and how many records it completes. */
export interface SerializedChunk {
  text: string;
  records: number;
}

/**
 * Serialises records lazily. NDJSON: one record per line. JSON: an array with one record per line,
 * so the file still reads well and `[]` when empty. Both end with a newline.
 */
export function* serializeRecords(
  records: Iterable<unknown>,
  format: OutputFormat,
  chunkChars: number = CHUNK_CHARS,
): Generator<SerializedChunk, void, undefined> {
  const json = format === 'json';
  let text = '';
  let inChunk = 0;
  let total = 0;
  for (const record of records) {
    if (json) text += total === 0 ? '[\n' : ',\n';
    text += JSON.stringify(record);
    if (!json) text += '\n';
    inChunk++;
    total++;
    if (text.length >= chunkChars) {
      yield { text, records: inChunk };
      text = '';
      inChunk = 0;
    }
  }
  if (json) text += total === 0 ? '[]\n' : '\n]\n';
  if (text.length > 0) yield { text, records: inChunk };
}

export interface WriteOptions {
  format: OutputFormat;
  /** Called after each chunk is handed to the stream; cheap enough to drive a progress bar. */
  onProgress?: (progress: WriteProgress) => void;
  /**
   * End the destination when done (default true). Pass false for process.stdout, which the
   * process still needs and which has nothing to flush on end.
   */
  end?: boolean;
  chunkChars?: number;
}

/**
 * Writes every record and resolves with the totals once the destination has taken them all
 * (and, when `end` is true, has finished). Rejects on the first stream error, e.g. EPIPE or ENOSPC.
 */
export async function writeRecords(records: Iterable<unknown>, out: Writable, options: WriteOptions): Promise<WriteProgress> {
  const progress: WriteProgress = { records: 0, bytes: 0 };
  const { format, onProgress, chunkChars } = options;
  function* counted(): Generator<string, void, undefined> {
    for (const chunk of serializeRecords(records, format, chunkChars)) {
      progress.records += chunk.records;
      progress.bytes += Buffer.byteLength(chunk.text);
      yield chunk.text;
      onProgress?.(progress);
    }
  }
  // pipeline() gives us backpressure (the generator is only resumed when `out` wants more),
  // error propagation from either side and cleanup, which a hand-written write/'drain' loop
  // would have to repeat.
  await pipeline(Readable.from(counted()), out, { end: options.end ?? true });
  return { ...progress };
}
