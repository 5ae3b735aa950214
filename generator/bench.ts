/**
 * How fast is the generator, and where does its time go? Run: `npx tsx generator/bench.ts [count]`.
 *
 * Every case runs in this one process against a bare Math.random loop that builds the same object
 * shape, so the printed ratios mean something on any machine; absolute records/s depend on the
 * machine; only the ratios travel between machines.
 */
import { createWriteStream } from 'node:fs';
import { CARRERAS, CURSOS, FACULTADES, REGIONES, SEMESTRES } from '../contract/grade.js';
import type { Grade } from '../contract/grade.js';
import { formatCount } from './progress.js';
import { createGradeFactory, generateRecords } from './records.js';
import { serializeRecords, writeRecords } from './write.js';
import { Faker, base, es } from '@faker-js/faker';

const COUNT = Number(process.argv[2] ?? 200_000);
const ROUNDS = 3;
const SEED = 42;

/** The cheapest way to make a record of the same shape: the floor our generator is measured against. */
function* baselineRecords(count: number): Generator<Grade> {
  const names = ['Ana Pérez López', 'Luis García Hernández', 'María Ramírez Castillo', 'José Morales Juárez'];
  const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;
  for (let i = 0; i < count; i++) {
    const year = 2015 + Math.floor(Math.random() * 12);
    const facultad = pick(FACULTADES);
    yield {
      carnet: `${year}${String(Math.floor(Math.random() * 100_000)).padStart(5, '0')}`,
      nombre: pick(names),
      curso: pick(CURSOS),
      nota: Math.floor(Math.random() * 101),
      semestre: pick(SEMESTRES),
      year,
      facultad,
      carrera: pick(CARRERAS[facultad]),
      region: pick(REGIONES),
    };
  }
}

interface Case {
  name: string;
  /** Does the work for `count` records; returns something derived from it so nothing is optimised away. */
  run(count: number): number | Promise<number>;
}

const cases: Case[] = [
  {
    name: 'baseline: Math.random objects',
    run: (count) => {
      let sum = 0;
      for (const r of baselineRecords(count)) sum += r.nota ?? 0;
      return sum;
    },
  },
  {
    name: 'baseline + JSON.stringify',
    run: (count) => {
      let length = 0;
      for (const r of baselineRecords(count)) length += JSON.stringify(r).length;
      return length;
    },
  },
  {
    name: 'faker es names only',
    run: (count) => {
      const faker = new Faker({ locale: [es, base] });
      faker.seed(SEED);
      let length = 0;
      for (let i = 0; i < count; i++) length += `${faker.person.firstName()} ${faker.person.lastName()}`.length;
      return length;
    },
  },
  {
    name: 'faker es person.fullName()',
    run: (count) => {
      const faker = new Faker({ locale: [es, base] });
      faker.seed(SEED);
      let length = 0;
      for (let i = 0; i < count; i++) length += faker.person.fullName().length;
      return length;
    },
  },
  {
    name: 'generateRecords (objects)',
    run: (count) => {
      let sum = 0;
      for (const r of generateRecords({ count, seed: SEED })) sum += r.nota;
      return sum;
    },
  },
  {
    name: 'generateRecords + NDJSON chunks',
    run: (count) => {
      let length = 0;
      for (const chunk of serializeRecords(generateRecords({ count, seed: SEED }), 'ndjson')) length += chunk.text.length;
      return length;
    },
  },
  {
    name: 'full CLI path to /dev/null',
    run: async (count) => {
      const written = await writeRecords(generateRecords({ count, seed: SEED }), createWriteStream('/dev/null'), { format: 'ndjson' });
      return written.bytes;
    },
  },
];

async function recordsPerSecond(c: Case, count: number): Promise<number> {
  const started = performance.now();
  const result = await c.run(count);
  const seconds = (performance.now() - started) / 1000;
  if (!Number.isFinite(result)) throw new Error(`${c.name} produced ${result}`);
  return count / seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

// Warm up every case first so JIT compilation is not charged to whichever case runs first.
createGradeFactory(SEED)();
for (const c of cases) await recordsPerSecond(c, Math.min(COUNT, 20_000));

// Rounds interleave the cases so a slow moment on a shared machine hits them all alike.
const samples = new Map<Case, number[]>(cases.map((c) => [c, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const c of cases) samples.get(c)?.push(await recordsPerSecond(c, COUNT));
}

const rates = cases.map((c) => ({ name: c.name, rate: median(samples.get(c) ?? []) }));
const baseline = rates[0]?.rate ?? NaN;
const ours = rates.find((r) => r.name.startsWith('generateRecords (objects)'))?.rate ?? NaN;
console.log(`${formatCount(COUNT)} records per case, median of ${ROUNDS} rounds, node ${process.version}`);
console.log(`${'case'.padEnd(34)} ${'records/s'.padStart(12)} ${'vs baseline'.padStart(12)} ${'vs generateRecords'.padStart(19)}`);
for (const { name, rate } of rates) {
  console.log(
    `${name.padEnd(34)} ${formatCount(rate).padStart(12)} ${(rate / baseline).toFixed(3).padStart(12)} ${(rate / ours).toFixed(2).padStart(19)}`,
  );
}
