/**
 * Command-line flags -> options, with commander (a kept library: flags, help, unknown options) and our
 * own value checks. Pure (no process access) so every error message is unit-tested; main.ts turns a
 * UsageError into exit code 2.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { SEED_MAX, SEED_MIN } from './records.js';
import { OUTPUT_FORMATS } from './write.js';
import type { OutputFormat } from './write.js';

export const DEFAULT_COUNT = 1000;
export const DEFAULT_SEED = 42;
/** `--out -` (or no --out) writes to stdout. */
export const STDOUT = '-';

export interface GeneratorOptions {
  count: number;
  seed: number;
  /** A file path, or STDOUT. */
  out: string;
  format: OutputFormat;
  quiet: boolean;
}

export type Command_ = { kind: 'help' } | { kind: 'generate'; options: GeneratorOptions };

/** A mistake on the command line: the message names the flag and what to do instead. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const DESCRIPTION = `Writes seeded grade records (contract/grade.ts, Spanish-locale names) as NDJSON or a JSON array.
The same seed always gives byte-identical output; memory stays flat for any --count.`;

const AFTER_HELP = `
A progress bar is drawn on stderr only when stderr is a terminal (and the records are not going to
that terminal too); a one-line summary follows unless --quiet. When piping stdout, use
\`npm run --silent gen\` or \`npx tsx generator/main.ts\`: plain \`npm run\` prints its banner on stdout.
Exit codes: 0 done, 1 generation or I/O failed, 2 bad flags.

Example: npm run gen -- --count 100000 --seed 42 --out data/grades.ndjson
`;

/** A commander parser from one of the checks below: its UsageError message becomes commander's. */
const check =
  <T>(f: (raw: string) => T) =>
  (raw: string): T => {
    try {
      return f(raw);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };

function program(): Command {
  return new Command('gen')
    .usage('[flags]   (npm run gen -- [flags], or npx tsx generator/main.ts [flags])')
    .description(DESCRIPTION)
    .option('-n, --count <n>', `how many records, a non-negative integer; 10_000_000 is accepted (default ${DEFAULT_COUNT})`, check(parseCount))
    .option('-s, --seed <n>', `integer seed from ${SEED_MIN} to ${SEED_MAX} (default ${DEFAULT_SEED})`, check(parseSeed))
    .option('-o, --out <path>', 'file to write, or - for stdout (default -); missing folders are created and the file only appears, complete, when generation succeeds', check(parseOut))
    .option('-f, --format <fmt>', `${OUTPUT_FORMATS.join(' | ')} (default: json when --out ends in .json, else ndjson)`)
    .option('-q, --quiet', 'no progress bar and no summary on stderr')
    .addHelpText('after', AFTER_HELP)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
}

/** Every long flag, so the help test can check that none is left undocumented. */
export const FLAG_NAMES = program().options.map((o) => o.long?.replace(/^--/, '') ?? '');

export const USAGE = program().helpInformation() + AFTER_HELP;

const INTEGER = /^[0-9]+(_[0-9]+)*$/;

function parseCount(raw: string): number {
  const value = INTEGER.test(raw) ? Number(raw.replaceAll('_', '')) : NaN;
  if (!Number.isSafeInteger(value)) {
    throw new UsageError(`--count must be a non-negative integer, e.g. --count 100000; got '${raw}'`);
  }
  return value;
}

function parseSeed(raw: string): number {
  const value = INTEGER.test(raw) ? Number(raw.replaceAll('_', '')) : NaN;
  if (!Number.isInteger(value) || value < SEED_MIN || value > SEED_MAX) {
    throw new UsageError(`--seed must be an integer from ${SEED_MIN} to ${SEED_MAX}, e.g. --seed 42; got '${raw}'`);
  }
  return value;
}

function parseOut(raw: string): string {
  if (raw.trim() === '') throw new UsageError(`--out must be a file path, or - for stdout; got an empty value`);
  if (/[\\/]$/.test(raw)) throw new UsageError(`--out must name a file, not a folder; got '${raw}' (try ${raw}grades.ndjson)`);
  return raw;
}

/** The format a file name implies, if any. */
function formatFromPath(out: string): OutputFormat | undefined {
  const lower = out.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  return undefined;
}

function parseFormat(raw: string | undefined, out: string): OutputFormat {
  const implied = out === STDOUT ? undefined : formatFromPath(out);
  if (raw === undefined) return implied ?? 'ndjson';
  const format = OUTPUT_FORMATS.find((f) => f === raw.toLowerCase());
  if (format === undefined) {
    throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}; got '${raw}'`);
  }
  // A .json file holding NDJSON (or the reverse) would break whoever reads it later.
  if (implied !== undefined && implied !== format) {
    throw new UsageError(
      `--format ${format} contradicts --out ${out} (that extension means ${implied}); drop --format or rename the file`,
    );
  }
  return format;
}

/** Parses the arguments after the script name. Throws UsageError on anything it cannot accept. */
export function parseCommand(args: readonly string[]): Command_ {
  const cmd = program();
  try {
    cmd.parse(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help') return { kind: 'help' };
      throw new UsageError(error.message.replace(/^error: /, '').replaceAll('\n', ' '));
    }
    throw error;
  }
  const values = cmd.opts<{ count?: number; seed?: number; out?: string; format?: string; quiet?: boolean }>();
  const out = values.out ?? STDOUT;
  return {
    kind: 'generate',
    options: {
      count: values.count ?? DEFAULT_COUNT,
      seed: values.seed ?? DEFAULT_SEED,
      out,
      format: parseFormat(values.format, out),
      quiet: values.quiet === true,
    },
  };
}
