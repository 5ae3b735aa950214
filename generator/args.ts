/**
 * Command-line flags -> options. Pure (no process access) so every error message is unit-tested;
 * main.ts turns a UsageError into exit code 2.
 */
import { parseArgs } from 'node:util';
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

export type Command = { kind: 'help' } | { kind: 'generate'; options: GeneratorOptions };

/** A mistake on the command line: the message names the flag and what to do instead. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const FLAGS = {
  count: { type: 'string', short: 'n' },
  seed: { type: 'string', short: 's' },
  out: { type: 'string', short: 'o' },
  format: { type: 'string', short: 'f' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Every long flag, so the help test can check that none is left undocumented. */
export const FLAG_NAMES = Object.keys(FLAGS) as (keyof typeof FLAGS)[];

export const USAGE = `Usage: npm run gen -- [flags]
       npx tsx generator/main.ts [flags]

Writes seeded grade records (contract/grade.ts, Spanish-locale names) as NDJSON or a JSON array.
The same seed always gives byte-identical output; memory stays flat for any --count.

Flags:
  -n, --count <n>      how many records, a non-negative integer; 10_000_000 is accepted (default ${DEFAULT_COUNT})
  -s, --seed <n>       integer seed from ${SEED_MIN} to ${SEED_MAX} (default ${DEFAULT_SEED})
  -o, --out <path>     file to write, or - for stdout (default -); missing folders are created and
                       the file only appears, complete, when generation succeeds
  -f, --format <fmt>   ${OUTPUT_FORMATS.join(' | ')} (default: json when --out ends in .json, else ndjson)
  -q, --quiet          no progress bar and no summary on stderr
  -h, --help           show this help

A progress bar is drawn on stderr only when stderr is a terminal (and the records are not going to
that terminal too); a one-line summary follows unless --quiet. When piping stdout, use
\`npm run --silent gen\` or \`npx tsx generator/main.ts\`: plain \`npm run\` prints its banner on stdout.
Exit codes: 0 done, 1 generation or I/O failed, 2 bad flags.

Example: npm run gen -- --count 100000 --seed 42 --out data/grades.ndjson
`;

/** Flags whose values may legitimately look negative; see joinDashedValues. */
const NUMERIC_FLAGS = new Set(['--count', '-n', '--seed', '-s']);
const LONG_NAME: Record<string, string> = { '-n': '--count', '-s': '--seed' };

/**
 * parseArgs reads `--count -5` as a flag missing its value. Joining it to `--count=-5` lets the
 * value check below say what is really wrong (negative), rather than "ambiguous argument".
 */
function joinDashedValues(args: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    if (NUMERIC_FLAGS.has(arg) && next !== undefined && /^-[0-9.]/.test(next)) {
      joined.push(`${LONG_NAME[arg] ?? arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

const INTEGER = /^[0-9]+(_[0-9]+)*$/;

function parseCount(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_COUNT;
  const value = INTEGER.test(raw) ? Number(raw.replaceAll('_', '')) : NaN;
  if (!Number.isSafeInteger(value)) {
    throw new UsageError(`--count must be a non-negative integer, e.g. --count 100000; got '${raw}'`);
  }
  return value;
}

function parseSeed(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_SEED;
  const value = INTEGER.test(raw) ? Number(raw.replaceAll('_', '')) : NaN;
  if (!Number.isInteger(value) || value < SEED_MIN || value > SEED_MAX) {
    throw new UsageError(`--seed must be an integer from ${SEED_MIN} to ${SEED_MAX}, e.g. --seed 42; got '${raw}'`);
  }
  return value;
}

function parseOut(raw: string | undefined): string {
  if (raw === undefined) return STDOUT;
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

function isNodeParseError(error: unknown): error is Error & { code: string } {
  const code: unknown = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** Parses the arguments after the script name. Throws UsageError on anything it cannot accept. */
export function parseCommand(args: readonly string[]): Command {
  let values;
  try {
    ({ values } = parseArgs({ args: joinDashedValues(args), options: FLAGS, strict: true, allowPositionals: false }));
  } catch (error) {
    // Node's messages already name the flag ("Unknown option '--cuont'"); keep them, one line.
    if (isNodeParseError(error)) throw new UsageError(error.message.replaceAll('\n', ' '));
    throw error;
  }
  if (values.help === true) return { kind: 'help' };
  const out = parseOut(values.out);
  return {
    kind: 'generate',
    options: {
      count: parseCount(values.count),
      seed: parseSeed(values.seed),
      out,
      format: parseFormat(values.format, out),
      quiet: values.quiet === true,
    },
  };
}
