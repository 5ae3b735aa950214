/**
 * Where the records go: stdout, or a file that appears only once it is complete.
 * A data pool cut short by a crash or Ctrl-C would otherwise look valid to the next load test.
 */
import { createWriteStream, rmSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';

export interface Destination {
  stream: Writable;
  /** Whether the writer should end the stream (never for process.stdout, which the process keeps). */
  end: boolean;
  /** For messages: the path, or "stdout". */
  label: string;
  /** Publish the output once everything is written. */
  commit(): Promise<void>;
  /** Throw the partial output away after a failure. */
  discard(): Promise<void>;
}

export function stdoutDestination(stdout: Writable = process.stdout): Destination {
  return { stream: stdout, end: false, label: 'stdout', commit: async () => {}, discard: async () => {} };
}

/**
 * Writes to a hidden temporary file beside `path` and renames it into place on commit; rename within
 * one folder is atomic, so readers see the old file or the whole new one, never half of it.
 */
export async function fileDestination(path: string): Promise<Destination> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const stream = createWriteStream(temporary);
  // Ctrl-C skips finally blocks; remove the partial file before the default exit code for SIGINT.
  const onInterrupt = (): void => {
    rmSync(temporary, { force: true });
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  const release = (): void => {
    process.off('SIGINT', onInterrupt);
  };
  return {
    stream,
    end: true,
    label: path,
    async commit() {
      release();
      await rename(temporary, path);
    },
    async discard() {
      release();
      stream.destroy();
      await rm(temporary, { force: true });
    },
  };
}
