/**
 * What every splitbench command line shares, on top of commander (a kept library: flags, --help,
 * errors): number and duration checks that name the flag and what it takes, and one way to end with
 * exit status 2 on bad usage.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';

/** A commander option parser from a predicate: the message says what the flag takes. */
function numberParser(ok: (n: number) => boolean, what: string): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (raw.trim() === '' || !ok(n)) throw new InvalidArgumentError(`must be ${what}, got ${JSON.stringify(raw)}`);
    return n;
  };
}

export const parse = {
  positiveInt: numberParser((n) => Number.isSafeInteger(n) && n > 0, 'a positive integer'),
  nonNegativeInt: numberParser((n) => Number.isSafeInteger(n) && n >= 0, 'a non-negative integer'),
  positive: numberParser((n) => Number.isFinite(n) && n > 0, 'a positive number'),
  fraction: numberParser((n) => n > 0 && n < 1, 'a number between 0 and 1'),
  port: numberParser((n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'a port number 0..65535'),
  /** k6-style durations: 90, 90s, 2m, 1m30s, 1h; returned as written (k6 takes them), checked here. */
  duration: (raw: string): string => {
    if (!/^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$/.test(raw) || raw === '' || /^0+s?$/.test(raw)) {
      throw new InvalidArgumentError(`must be a duration such as 30s, 2m or 1h30m, got ${JSON.stringify(raw)}`);
    }
    return raw;
  },
  /** One of a fixed list. */
  oneOf:
    <T extends string>(values: readonly T[]) =>
    (raw: string): T => {
      if (!(values as readonly string[]).includes(raw)) throw new InvalidArgumentError(`must be one of ${values.join(', ')}, got ${JSON.stringify(raw)}`);
      return raw as T;
    },
};

/** Seconds in a k6-style duration (parse.duration has checked it). */
export function durationSeconds(raw: string): number {
  const ms = durationMs(raw, 's');
  if (ms === undefined) throw new Error(`not a duration: ${raw}`);
  return ms / 1000;
}

const DURATION = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/;

/**
 * Milliseconds in a duration as people write them in flags and plan files: 1h, 1m30s, 2.5s, 200ms, or a
 * bare number in `bareUnit`. Undefined when it is not one (the caller says what was expected where).
 */
export function durationMs(raw: string | number, bareUnit: 's' | 'ms'): number | undefined {
  const scale = bareUnit === 's' ? 1000 : 1;
  if (typeof raw === 'number') return Number.isFinite(raw) && raw >= 0 ? raw * scale : undefined;
  const text = raw.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text) * scale;
  const m = DURATION.exec(text);
  if (!m || text === '' || m.slice(1).every((g) => g === undefined)) return undefined;
  return Number(m[1] ?? 0) * 3_600_000 + Number(m[2] ?? 0) * 60_000 + Number(m[3] ?? 0) * 1000 + Number(m[4] ?? 0);
}

/** A usage mistake found after parsing (two flags that do not go together, a missing input). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Parses argv with the program; on a usage error prints `name: message` and the hint to stderr and
 * returns undefined with process.exitCode = 2 (0 after --help). The caller returns when undefined.
 */
export function parseCommandLine(program: Command, argv: readonly string[]): Command | undefined {
  program.exitOverride().configureOutput({
    outputError: (text, write) => write(`${program.name()}: ${text.replace(/^error: /, '')}`),
    // Our descriptions break their own lines; commander would re-wrap them at 80 columns.
    getOutHelpWidth: () => 120,
    getErrHelpWidth: () => 120,
  });
  program.showHelpAfterError('(run with --help for usage)');
  try {
    program.parse(argv, { from: 'user' });
    return program;
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return undefined;
    }
    throw err;
  }
}

/** For errors found after parsing: the same shape as commander's own. */
export function usageFailure(program: Command, message: string): void {
  process.stderr.write(`${program.name()}: ${message}\n(run with --help for usage)\n`);
  process.exitCode = 2;
}

export { Command, InvalidArgumentError, Option };
