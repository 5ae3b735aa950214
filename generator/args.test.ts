import t from 'tap';
import { DEFAULT_COUNT, DEFAULT_SEED, FLAG_NAMES, STDOUT, USAGE, UsageError, parseCommand } from './args.js';
import type { GeneratorOptions } from './args.js';

function options(args: string[]): GeneratorOptions {
  const command = parseCommand(args);
  if (command.kind !== 'generate') throw new Error(`expected generate, got ${command.kind}`);
  return command.options;
}

t.test('defaults: a small reproducible NDJSON run to stdout', async (t) => {
  t.same(options([]), { count: DEFAULT_COUNT, seed: DEFAULT_SEED, out: STDOUT, format: 'ndjson', quiet: false });
});

t.test('the issue example', async (t) => {
  t.same(options(['--count', '100000', '--seed', '42', '--out', 'data/grades.ndjson']), {
    count: 100_000, seed: 42, out: 'data/grades.ndjson', format: 'ndjson', quiet: false,
  });
});

t.test('short flags, --flag=value and digit separators', async (t) => {
  t.same(options(['-n', '10_000_000', '-s', '7', '-o', 'x.json', '-q']), {
    count: 10_000_000, seed: 7, out: 'x.json', format: 'json', quiet: true,
  });
  t.equal(options(['--count=0']).count, 0, 'zero records is allowed');
  t.equal(options(['--seed=7']).seed, 7);
  t.equal(options(['--seed', '4294967295']).seed, 4294967295, 'the largest 32-bit seed');
});

t.test('format follows the file name unless given', async (t) => {
  t.equal(options(['--out', 'a.json']).format, 'json');
  t.equal(options(['--out', 'A.JSON']).format, 'json');
  t.equal(options(['--out', 'a.ndjson']).format, 'ndjson');
  t.equal(options(['--out', 'a.jsonl']).format, 'ndjson');
  t.equal(options(['--out', 'a.txt']).format, 'ndjson');
  t.equal(options(['--format', 'json']).format, 'json', 'JSON to stdout');
  t.equal(options(['--format', 'json', '--out', 'a.txt']).format, 'json');
  t.equal(options(['--format', 'NDJSON', '--out', '-']).format, 'ndjson');
});

t.test('help', async (t) => {
  t.same(parseCommand(['--help']), { kind: 'help' });
  t.same(parseCommand(['-h', '--count', '5']), { kind: 'help' });
  for (const flag of FLAG_NAMES) t.match(USAGE, `--${flag}`, `usage documents --${flag}`);
});

// Each mistake must name the flag it is about, and the message must say what would be accepted.
const mistakes: [string[], RegExp][] = [
  [['--count', '-5'], /--count must be a non-negative integer.*'-5'/],
  [['-n', '-5'], /--count must be a non-negative integer/],
  [['--count', '1.5'], /--count must be a non-negative integer.*'1\.5'/],
  [['--count', 'lots'], /--count must be a non-negative integer/],
  [['--count', '1e6'], /--count/],
  [['--count', '99999999999999999999'], /--count/],
  [['--count'], /--count.*argument missing/],
  [['--seed', '1.5'], /--seed must be an integer from 0 to 4294967295.*'1\.5'/],
  [['--seed', '-1'], /--seed must be an integer/],
  [['--seed', '4294967296'], /--seed/],
  [['--seed', 'abc'], /--seed/],
  [['--format', 'csv'], /--format must be one of ndjson, json; got 'csv'/],
  [['--format', 'json', '--out', 'a.ndjson'], /--format json contradicts --out a\.ndjson/],
  [['--out', ''], /--out must be a file path/],
  [['--out', 'data/'], /--out must name a file, not a folder; got 'data\/' \(try data\/grades\.ndjson\)/],
  [['--cuont', '5'], /unknown option '--cuont'.*Did you mean --count/],
  [['--quiet=yes'], /--quiet/],
  [['grades.ndjson'], /too many arguments/],
];

t.test('mistakes are UsageErrors that name the flag', async (t) => {
  for (const [args, message] of mistakes) {
    t.throws(() => parseCommand(args), { name: 'UsageError', message }, args.join(' '));
  }
  try {
    parseCommand(['--count']);
  } catch (error) {
    t.ok(error instanceof UsageError);
    t.notMatch((error as Error).message, /\n/, 'one line');
  }
});
