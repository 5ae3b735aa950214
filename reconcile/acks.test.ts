// Parsing k6's ack lines: the three k6 log formats, other runs, damaged lines, repeats, cross-route
// acks, and streaming a large file.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { Readable } from 'node:stream';
import t from 'tap';
import { formatAckLine } from '../contract/ack-line.js';
import { allAckedIds, parseAcks, readAckFile, readAckStream } from './acks.js';

const RUN = 'demo-1';

t.test('reads acks from raw, logfmt and JSON k6 logs', async (t) => {
  const log = [
    'splitbench.ack demo-1 grpc demo-1-1-0 201',
    'time="2026-08-15T14:30:05Z" level=info msg="splitbench.ack demo-1 redis demo-1-2-0 201" source=console',
    '{"level":"info","msg":"splitbench.ack demo-1 grpc demo-1-3-0 200","source":"console","time":"2026-08-15T14:30:05Z"}',
    '          /\\      Grafana   /‾‾/  ',
    '     execution: local',
    '',
  ].join('\n');
  const acks = parseAcks(log, RUN);
  t.same([...acks.byRoute.grpc].sort(), ['demo-1-1-0', 'demo-1-3-0']);
  t.same([...acks.byRoute.redis], ['demo-1-2-0']);
  t.equal(acks.lines.total, 5, 'the trailing newline adds no line');
  t.equal(acks.lines.acks, 3);
  t.same(acks.lines.byRoute, { grpc: 2, redis: 1 });
  t.same(acks.lines.replays, { grpc: 1, redis: 0 }, '200 = a replay');
  t.equal(acks.lines.malformed, 0);
  t.same([...allAckedIds(acks)].sort(), ['demo-1-1-0', 'demo-1-2-0', 'demo-1-3-0']);
  const written = formatAckLine({ runId: RUN, route: 'redis', id: `${RUN}-9-9`, status: 201, startMs: 1795787766744, durationMs: 12, attempts: 2 });
  t.same([...parseAcks(written, RUN).byRoute.redis], [`${RUN}-9-9`], 'what k6 writes (contract/ack-line.ts formatAckLine) is what the reader reads');
});

t.test('ignores other runs, counts damaged lines, repeats and cross-route acks', async (t) => {
  const acks = parseAcks(
    [
      'splitbench.ack demo-10 grpc demo-10-1-0 201', // another run whose id starts alike
      'splitbench.ack demo-2 grpc demo-2-1-0 201',
      'splitbench.ack demo-1 grpc demo-1-1-0 201',
      'splitbench.ack demo-1 grpc demo-1-1-0 201', // the same line twice
      'splitbench.ack demo-1 redis demo-1-1-0 200', // and acked by the other route too
      'splitbench.ack demo-1 none demo-1-4-0 201', // answer without X-Route
      'splitbench.ack demo-1 redis demo-1-5', // cut off
      'splitbench.ack demo-1 redis demo-1-6-0 503', // not an ack status
      'splitbench.ack demo-1 redis demo-1/7 201', // not a valid key
      'splitbench.ack demo-1 GRPC! demo-1-8-0 201', // not a route token
      'splitbench.ack demo-1 redis demo-1-9-0 201\r', // CRLF
    ].join('\r\n'),
    RUN,
  );
  t.equal(acks.lines.otherRuns, 2);
  t.same(acks.otherRunIds, ['demo-10', 'demo-2']);
  t.equal(acks.lines.repeated, 1);
  t.same([...acks.crossRoute], [['demo-1-1-0', ['grpc', 'redis']]]);
  t.ok(acks.byRoute.grpc.has('demo-1-1-0') && acks.byRoute.redis.has('demo-1-1-0'), 'a cross-route id is in both sets');
  t.same([...acks.unrouted], [['demo-1-4-0', 'none']]);
  t.equal(acks.lines.malformed, 4);
  t.same(
    acks.malformedSamples.map((s) => s.line),
    [7, 8, 9, 10],
  );
  t.ok(acks.byRoute.redis.has('demo-1-9-0'), 'CRLF line endings are fine');
  t.same(acks.lines.byRoute, { grpc: 2, redis: 2 }, 'lines per route count repeats (as k6 counted answers)');
  t.equal(acks.lines.acks, 5);
  t.same([...allAckedIds(acks)].sort(), ['demo-1-1-0', 'demo-1-4-0', 'demo-1-9-0']);
});

t.test('streams a large log from a file', async (t) => {
  const dir = t.testdir();
  const file = path.join(dir, 'k6.log');
  const out = createWriteStream(file);
  const n = 200_000;
  for (let i = 0; i < n; i++) {
    const line = `time="2026-08-15T14:30:05Z" level=info msg="splitbench.ack ${RUN} ${i % 3 === 0 ? 'redis' : 'grpc'} ${RUN}-${i % 50}-${i} 201" source=console\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const acks = await readAckFile(file, RUN);
  t.equal(acks.lines.total, n);
  t.equal(acks.byRoute.redis.size + acks.byRoute.grpc.size, n);
  t.equal(acks.byRoute.redis.size, Math.ceil(n / 3));

  await t.rejects(readAckFile(path.join(dir, 'missing.log'), RUN), /cannot read the k6 log .*missing\.log: ENOENT/);
});

t.test('reads from any stream (stdin, kubectl logs)', async (t) => {
  const acks = await readAckStream(Readable.from(['splitbench.ack demo-1 grpc a-1 201\nsplitbench.ack demo-1 re', 'dis b-2 201\n']), RUN);
  t.same([...acks.byRoute.grpc], ['a-1']);
  t.same([...acks.byRoute.redis], ['b-2'], 'a line split across chunks is joined');
});
