import t from 'tap';
import { Writable } from 'node:stream';
import { generateRecords } from './records.js';
import { serializeRecords, writeRecords } from './write.js';
import type { OutputFormat } from './write.js';

const sample = [{ nombre: 'Ana Pérez' }, { nombre: 'Luis "Lucho" Ixcoy' }, { nombre: 'Ñandú' }];

function serialized(records: Iterable<unknown>, format: OutputFormat, chunkChars?: number): string {
  return [...serializeRecords(records, format, chunkChars)].map((c) => c.text).join('');
}

/** A destination that keeps what it is given, optionally slowly, and can be told to fail. */
class Collector extends Writable {
  chunks: Buffer[] = [];
  constructor(private readonly options: { highWaterMark?: number; slow?: boolean; failAfter?: number; onWrite?: () => void } = {}) {
    super({ highWaterMark: options.highWaterMark ?? 16 * 1024 });
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    this.options.onWrite?.();
    if (this.options.failAfter !== undefined && this.chunks.length > this.options.failAfter) {
      callback(Object.assign(new Error('disk full'), { code: 'ENOSPC' }));
      return;
    }
    if (this.options.slow === true) setImmediate(callback);
    else callback();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

t.test('NDJSON: one record per line, newline at the end', async (t) => {
  const text = serialized(sample, 'ndjson');
  t.equal(text, sample.map((r) => JSON.stringify(r) + '\n').join(''));
  t.same(text.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown), sample);
  t.equal(serialized([], 'ndjson'), '', 'no records, no bytes');
});

t.test('JSON: one array, whatever the chunk size', async (t) => {
  for (const chunkChars of [1, 10, 1000]) {
    const text = serialized(sample, 'json', chunkChars);
    t.same(JSON.parse(text), sample, `chunkChars ${chunkChars}`);
    t.ok(text.endsWith('\n]\n'), 'ends with the closing bracket and a newline');
  }
  t.equal(serialized([], 'json'), '[]\n', 'no records is an empty array');
  t.same(JSON.parse(serialized([{ a: 1 }], 'json')), [{ a: 1 }]);
});

t.test('chunks are large and account for every record', async (t) => {
  const chunks = [...serializeRecords(generateRecords({ count: 3000, seed: 5 }), 'ndjson', 4096)];
  t.equal(chunks.reduce((n, c) => n + c.records, 0), 3000);
  t.ok(chunks.slice(0, -1).every((c) => c.text.length >= 4096), 'only the last chunk may be short');
  t.ok(chunks.length > 1 && chunks.length < 3000, 'records are batched, not written one by one');
});

t.test('writeRecords counts bytes, not characters', async (t) => {
  const out = new Collector();
  const result = await writeRecords(sample, out, { format: 'ndjson' });
  t.equal(out.text(), serialized(sample, 'ndjson'));
  t.equal(result.records, 3);
  t.equal(result.bytes, Buffer.byteLength(out.text()), 'accents take two bytes');
  t.ok(out.writableFinished, 'the destination is ended by default');
});

t.test('end: false leaves the destination open (stdout)', async (t) => {
  const out = new Collector();
  await writeRecords(sample, out, { format: 'json', end: false });
  t.notOk(out.writableEnded);
  t.same(JSON.parse(out.text()), sample);
});

t.test('backpressure: records are only made as fast as the destination takes them', async (t) => {
  const total = 5000;
  let made = 0;
  let taken = 0;
  let furthestAhead = 0;
  function* counted(): Generator<unknown> {
    for (const record of generateRecords({ count: total, seed: 9 })) {
      made++;
      yield record;
    }
  }
  // ~1 record per chunk and a slow destination: without backpressure all 5000 would be made at once.
  const out = new Collector({
    highWaterMark: 256,
    slow: true,
    onWrite: () => {
      taken++;
      furthestAhead = Math.max(furthestAhead, made - taken);
    },
  });
  const progress: number[] = [];
  const result = await writeRecords(counted(), out, { format: 'ndjson', chunkChars: 1, onProgress: (p) => progress.push(p.records) });
  t.equal(result.records, total);
  t.equal(out.text().split('\n').length - 1, total);
  t.ok(furthestAhead < 100, `the generator ran at most ${furthestAhead} records ahead of the destination`);
  t.equal(progress.at(-1), total, 'progress reaches the total');
  t.ok(progress.every((p, i) => i === 0 || p >= (progress[i - 1] ?? 0)), 'progress only goes up');
});

t.test('a failing destination rejects the write', async (t) => {
  const out = new Collector({ failAfter: 2 });
  await t.rejects(writeRecords(generateRecords({ count: 100_000, seed: 1 }), out, { format: 'ndjson', chunkChars: 100 }), {
    code: 'ENOSPC',
  });
});
