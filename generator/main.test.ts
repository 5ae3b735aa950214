// The CLI as users run it: a separate process, real files, real exit codes.
import t from 'tap';
import type { Test } from 'tap';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateGrade } from '../contract/grade.js';
import { FLAG_NAMES } from './args.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function gen(args: string[], nodeFlags: string[] = [], onStdout?: (child: ReturnType<typeof spawn>) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', 'generator/main.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => {
      stdout.push(b);
      onStdout?.(child);
    });
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8') }));
  });
}

async function tempDir(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'splitbench-gen-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

t.test('--help lists every flag and exits 0', async (t) => {
  const run = await gen(['--help']);
  t.equal(run.code, 0);
  for (const flag of FLAG_NAMES) t.match(run.stdout.toString(), `--${flag}`);
  t.equal(run.stderr, '');
});

t.test('bad flags exit 2 with a message naming the flag', async (t) => {
  const cases: [string[], string][] = [
    [['--count', '-5'], '--count'],
    [['--seed', '1.5'], '--seed'],
    [['--format', 'csv'], '--format'],
    [['--bogus'], '--bogus'],
  ];
  for (const [args, flag] of cases) {
    const run = await gen(args);
    t.equal(run.code, 2, args.join(' '));
    t.match(run.stderr, flag);
    t.match(run.stderr, '--help', 'says where to look');
    t.equal(run.stdout.length, 0, 'no records on a usage error');
  }
});

t.test('NDJSON file: valid records, summary on stderr, no progress bar off a terminal', async (t) => {
  const dir = await tempDir(t);
  const out = join(dir, 'nested', 'grades.ndjson');
  const run = await gen(['--count', '2000', '--seed', '42', '--out', out]);
  t.equal(run.code, 0, run.stderr);
  const lines = (await readFile(out, 'utf8')).split('\n');
  t.equal(lines.pop(), '', 'ends with a newline');
  t.equal(lines.length, 2000);
  t.ok(lines.every((line) => validateGrade(JSON.parse(line)).ok), 'every line passes validateGrade');
  t.match(run.stderr, /^generated 2,000 records \(.+, ndjson, seed 42\) to .+grades\.ndjson in [0-9.]+ s, [0-9,]+ records\/s\n$/);
  t.notMatch(run.stderr, '\r', 'no carriage-return redraws when stderr is a pipe');
  t.same(await readdir(join(dir, 'nested')), ['grades.ndjson'], 'no temporary file left behind');
});

t.test('JSON array when --out ends in .json; --quiet says nothing', async (t) => {
  const dir = await tempDir(t);
  const out = join(dir, 'grades.json');
  const run = await gen(['-n', '300', '-o', out, '-q']);
  t.equal(run.code, 0);
  t.equal(run.stderr, '');
  const records = JSON.parse(await readFile(out, 'utf8')) as unknown[];
  t.equal(records.length, 300);
  t.ok(records.every((r) => validateGrade(r).ok));
});

t.test('stdout when --out is absent or -', async (t) => {
  const absent = await gen(['--count', '50', '--quiet']);
  const dash = await gen(['--count', '50', '--quiet', '--out', '-']);
  t.equal(absent.code, 0);
  t.equal(absent.stdout.toString().split('\n').length, 51);
  t.ok(absent.stdout.equals(dash.stdout), 'same bytes either way');
  const json = await gen(['--count', '5', '--format', 'json']);
  t.equal((JSON.parse(json.stdout.toString()) as unknown[]).length, 5);
  t.match(json.stderr, 'to stdout');
});

t.test('same seed, byte-identical file; different seed, different file', async (t) => {
  const dir = await tempDir(t);
  const hashes: string[] = [];
  for (const [name, seed] of [['a', '42'], ['b', '42'], ['c', '43']] as const) {
    const out = join(dir, `${name}.ndjson`);
    const run = await gen(['--count', '20000', '--seed', seed, '--out', out, '--quiet']);
    t.equal(run.code, 0);
    hashes.push(sha256(await readFile(out)));
  }
  t.equal(hashes[0], hashes[1], 'seed 42 twice');
  t.not(hashes[0], hashes[2], 'seed 42 vs 43');
});

t.test('memory does not grow with count: the output is larger than the heap the process may use', async (t) => {
  // With the old-generation heap capped at 64 MiB (about 21 MiB of it is faker's locale data), holding
  // the records or the output text in memory would crash with "heap out of memory". Streaming
  // keeps one chunk in flight, so any count fits. A pass/fail on a limit, not on timing.
  const dir = await tempDir(t);
  const heapMiB = 64;
  const out = join(dir, 'big.ndjson');
  const run = await gen(['--count', '500000', '--out', out, '--quiet'], [`--max-old-space-size=${heapMiB}`]);
  t.equal(run.code, 0, run.stderr);
  const { size } = await stat(out);
  t.ok(size > heapMiB * 2 ** 20, `wrote ${(size / 2 ** 20).toFixed(0)} MiB with a ${heapMiB} MiB heap`);
});

t.test('a reader that stops early (gen | head) is not an error', async (t) => {
  let closed = false;
  const run = await gen(['--count', '1000000'], [], (child) => {
    if (!closed) {
      closed = true;
      child.stdout?.destroy();
    }
  });
  t.equal(run.code, 0);
  t.notMatch(run.stderr, /failed|EPIPE/);
});
