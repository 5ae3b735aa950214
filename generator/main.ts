/**
 * CLI entry point: `npm run gen -- --count 100000 --seed 42 --out data/grades.ndjson`.
 * Wiring only; each step lives in its own module (args, records, write, output, progress).
 */
import { parseCommand, STDOUT, USAGE, UsageError } from './args.js';
import type { GeneratorOptions } from './args.js';
import { fileDestination, stdoutDestination } from './output.js';
import { createProgressBar, formatSummary } from './progress.js';
import { generateRecords } from './records.js';
import { writeRecords } from './write.js';

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

async function generate(options: GeneratorOptions): Promise<number> {
  const destination = options.out === STDOUT ? stdoutDestination() : await fileDestination(options.out);
  // Records printed to the terminal and a bar redrawn over them would garble each other.
  const recordsOnTerminal = options.out === STDOUT && process.stdout.isTTY;
  const progress = createProgressBar(process.stderr, options.count, { enabled: !options.quiet && !recordsOnTerminal });
  const started = performance.now();
  try {
    const written = await writeRecords(generateRecords(options), destination.stream, {
      format: options.format,
      end: destination.end,
      onProgress: (p) => progress.update(p.records),
    });
    await destination.commit();
    progress.finish();
    if (!options.quiet) {
      const seconds = (performance.now() - started) / 1000;
      const summary = formatSummary({ ...written, seconds, destination: destination.label, format: options.format, seed: options.seed });
      process.stderr.write(`${summary}\n`);
    }
    return 0;
  } catch (error) {
    progress.finish();
    await destination.discard();
    // `gen | head` closes the pipe early on purpose; that is the reader's choice, not a failure.
    if (options.out === STDOUT && (error as { code?: unknown }).code === 'EPIPE') return 0;
    throw error;
  }
}

async function main(args: readonly string[]): Promise<number> {
  try {
    const command = parseCommand(args);
    if (command.kind === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    return await generate(command.options);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`gen: ${error.message}\nRun with --help to see every flag.\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`gen: failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
}

// exitCode rather than exit(): let stdout drain before the process ends.
process.exitCode = await main(process.argv.slice(2));
