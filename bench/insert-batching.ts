/**
 * `npm run bench:inserts -- [--records 4000] [--rate 400] [--batches 1,2,4]`
 *
 * The MongoDB-wire server's CPU per inserted record when records come one per command and when they come
 * in batches (stores/insert-batcher.ts), at the same paced rate of records: a fresh server per run, the
 * runs in A-B-B-A order (1, 2, 4, 4, 2, 1, ...), its CPU read from /proc. Prints each run and the ratio of
 * each batch size's mean to one-at-a-time's. Local servers only (FerretDB or mongod), whose process it reads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { Command, parse, parseCommandLine } from '../cli/options.js';
import { table } from '../format/table.js';
import { startMongo } from '../stack/mongo.js';
import { readProcStat } from '../stack/resources.js';

const program = new Command('bench:inserts')
  .description("The MongoDB-wire server's CPU per inserted record, one record per command vs batches, A-B-B-A on fresh servers.")
  .option('--records <n>', 'records per run', parse.positiveInt, 4000)
  .option('--rate <n>', 'records per second', parse.positiveInt, 400)
  .option('--batches <list>', 'records per command, the first is the baseline', (raw: string) => raw.split(',').map((s) => parse.positiveInt(s.trim())), [1, 2, 4]);
const parsed = parseCommandLine(program, process.argv.slice(2));
if (parsed === undefined) process.exit();
const { records, rate, batches } = parsed.opts<{ records: number; rate: number; batches: number[] }>();

const doc = (i: number) => ({ _id: `r${i}`, curso: 'SO1', facultad: 'Ingenieria', carrera: 'Sistemas', region: 'NORTE', nota: 87, runId: 'bench', route: 'grpc', receivedAt: new Date(), instance: 'bench', fingerprint: 'x' });

async function run(batch: number): Promise<number> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-inserts-'));
  const mongo = await startMongo({ ownServer: true, dataDir });
  const client = new MongoClient(mongo.url, { maxPoolSize: 20 });
  try {
    const pid = mongo.proc?.child.pid;
    if (pid === undefined) throw new Error('no local server process to measure (MONGO_URL set?)');
    const records_ = client.db('bench').collection<ReturnType<typeof doc>>('grades');
    for (let i = 0; i < 300; i++) await records_.insertOne({ ...doc(i), _id: `warm${i}` });
    const before = (await readProcStat(pid))!.cpuSeconds;
    const t0 = Date.now();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < records; i += batch) {
      const wait = t0 + (i * 1000) / rate - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const docs = Array.from({ length: Math.min(batch, records - i) }, (_, k) => doc(i + k));
      pending.push(docs.length === 1 ? records_.insertOne(docs[0]!) : records_.insertMany(docs, { ordered: false }));
    }
    await Promise.all(pending);
    const after = (await readProcStat(pid))!.cpuSeconds;
    return ((after - before) * 1000) / records;
  } finally {
    await client.close();
    await mongo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results = new Map<number, number[]>(batches.map((b) => [b, []]));
const order = [...batches, ...[...batches].reverse()];
for (const batch of order) {
  const ms = await run(batch);
  results.get(batch)!.push(ms);
  console.error(`bench:inserts: ${records} records at ${rate}/s, ${batch} per command: ${ms.toFixed(3)} ms of server CPU per record`);
}
const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const base = mean(results.get(batches[0]!)!);
console.log(
  table(
    [
      { header: 'records per command', cell: (r) => r.batch },
      { header: 'server CPU ms per record (runs)', cell: (r) => r.runs.map((x) => x.toFixed(3)).join(' ') },
      { header: `ratio to ${batches[0]}`, cell: (r) => (mean(r.runs) / base).toFixed(3) },
    ],
    batches.map((batch) => ({ batch, runs: results.get(batch)! })),
  ),
);
