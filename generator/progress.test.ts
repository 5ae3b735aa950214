import t from 'tap';
import { createProgressBar, formatBytes, formatDuration, formatProgressLine, formatSummary } from './progress.js';
import type { ProgressSink } from './progress.js';

function sink(isTTY: boolean, columns?: number): ProgressSink & { written: string[] } {
  const written: string[] = [];
  return { isTTY, columns, written, write: (text: string) => written.push(text) };
}

/** A clock the test moves by hand, so nothing depends on how fast this machine is. */
function clock(): { now: () => number; advance: (ms: number) => void } {
  let ms = 0;
  return { now: () => ms, advance: (by) => (ms += by) };
}

t.test('nothing at all when stderr is not a terminal', async (t) => {
  const out = sink(false);
  const bar = createProgressBar(out, 100);
  bar.update(50);
  bar.update(100);
  bar.finish();
  t.same(out.written, []);
});

t.test('nothing when disabled (--quiet), even on a terminal', async (t) => {
  const out = sink(true);
  const bar = createProgressBar(out, 100, { enabled: false });
  bar.update(100);
  bar.finish();
  t.same(out.written, []);
});

t.test('on a terminal: redraws at most every 100 ms, always the last one, then clears', async (t) => {
  const out = sink(true);
  const time = clock();
  const bar = createProgressBar(out, 1000, { now: time.now });
  time.advance(10);
  bar.update(10);
  t.equal(out.written.length, 1, 'first update draws');
  time.advance(50);
  bar.update(20);
  t.equal(out.written.length, 1, 'too soon: skipped');
  time.advance(60);
  bar.update(500);
  t.equal(out.written.length, 2);
  t.ok(out.written[1]?.startsWith('\r\x1b[K['), 'returns to column 0 and clears the line first');
  t.match(out.written[1], /\[#+-+\] 50\.0% 500\/1,000 records/);
  time.advance(1);
  bar.update(1000);
  t.equal(out.written.length, 3, 'the final count is always drawn');
  bar.finish();
  t.equal(out.written.at(-1), '\r\x1b[K', 'finish clears the line');
});

t.test('the bar never wraps a narrow terminal', async (t) => {
  const out = sink(true, 40);
  const bar = createProgressBar(out, 10, { now: clock().now });
  bar.update(5);
  const drawn = (out.written[0] ?? '').replace('\r\x1b[K', '');
  t.ok(drawn.length < 40, 'fits');
  t.match(drawn, /^50\.0% 5\/10 records/, 'the numbers are kept, the bar goes');
  const unknownWidth = sink(true, 0);
  createProgressBar(unknownWidth, 10, { now: clock().now }).update(5);
  t.match(unknownWidth.written[0], '5/10 records', 'a width of 0 means unknown, not "draw nothing"');
});

t.test('progress line: done/total, rate and ETA', async (t) => {
  const line = formatProgressLine({ done: 250_000, total: 1_000_000, elapsedMs: 2000 });
  t.match(line, '25.0%');
  t.match(line, '250,000/1,000,000 records');
  t.match(line, '125,000/s');
  t.match(line, 'ETA 6s');
  t.match(formatProgressLine({ done: 0, total: 10, elapsedMs: 0 }), 'ETA --', 'no rate yet, no ETA');
  t.match(formatProgressLine({ done: 0, total: 0, elapsedMs: 5 }), '100.0%', 'zero of zero is done');
});

t.test('summary: one line with count, bytes, seconds and rate', async (t) => {
  const line = formatSummary({ records: 100_000, bytes: 18_600_000, seconds: 0.8, destination: 'data/grades.ndjson', format: 'ndjson', seed: 42 });
  t.equal(line, 'generated 100,000 records (17.7 MiB, ndjson, seed 42) to data/grades.ndjson in 0.80 s, 125,000 records/s');
});

t.test('units', async (t) => {
  t.equal(formatBytes(0), '0 B');
  t.equal(formatBytes(1023), '1023 B');
  t.equal(formatBytes(1536), '1.5 KiB');
  t.equal(formatBytes(3 * 2 ** 30), '3.0 GiB');
  t.equal(formatDuration(5.4), '5s');
  t.equal(formatDuration(75), '1m15s');
  t.equal(formatDuration(3 * 3600 + 60), '3h01m');
  t.equal(formatDuration(Infinity), '--');
});
