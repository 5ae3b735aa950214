import t from 'tap';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { CARRERAS, YEAR_MAX, YEAR_MIN, validateGrade } from '../contract/grade.js';
import {
  GENERATED_YEAR_FIRST,
  GENERATED_YEAR_LAST,
  SEED_MAX,
  SEED_MIN,
  createGradeFactory,
  generateRecords,
} from './records.js';

const seeds = fc.integer({ min: SEED_MIN, max: SEED_MAX });

t.test('every record passes the contract unchanged, for any seed', async (t) => {
  fc.assert(
    fc.property(seeds, fc.integer({ min: 0, max: 40 }), (seed, count) => {
      const records = [...generateRecords({ count, seed })];
      if (records.length !== count) return false;
      return records.every((record) => {
        const result = validateGrade(record);
        // Equal after validation means the services store exactly what the generator sent.
        return result.ok && isDeepStrictEqual(result.grade, record);
      });
    }),
    { numRuns: 200 },
  );
  t.pass('200 random seeds, all records valid');
});

t.test('fields are plausible, not just valid', async (t) => {
  for (const r of generateRecords({ count: 5000, seed: 7 })) {
    if (!CARRERAS[r.facultad as keyof typeof CARRERAS].includes(r.carrera)) t.fail(`${r.carrera} is not a career of ${r.facultad}`);
    if (!/^[0-9]{9}$/.test(r.carnet)) t.fail(`carnet ${r.carnet} is not 9 digits`);
    const enrolled = Number(r.carnet.slice(0, 4));
    if (enrolled > r.year || enrolled < r.year - 6) t.fail(`carnet ${r.carnet} enrolled in ${enrolled}, graded in ${r.year}`);
    if (r.year < GENERATED_YEAR_FIRST || r.year > GENERATED_YEAR_LAST) t.fail(`year ${r.year} out of range`);
    if (!Number.isInteger(r.nota)) t.fail(`nota ${r.nota} not an integer`);
  }
  t.ok(GENERATED_YEAR_FIRST >= YEAR_MIN && GENERATED_YEAR_LAST <= YEAR_MAX, 'generated years sit inside the contract');
});

t.test('values spread over their whole range', async (t) => {
  const notas = new Set<number>();
  const regiones = new Set<string>();
  for (const r of generateRecords({ count: 20_000, seed: 1 })) {
    notas.add(r.nota);
    regiones.add(r.region);
  }
  t.equal(notas.size, 101, 'every nota from 0 to 100 appears');
  t.equal(regiones.size, 8, 'every region appears');
});

t.test('same seed, same records; different seeds, different records', async (t) => {
  fc.assert(
    fc.property(seeds, seeds, (a, b) => {
      const first = JSON.stringify([...generateRecords({ count: 20, seed: a })]);
      const again = JSON.stringify([...generateRecords({ count: 20, seed: a })]);
      const other = JSON.stringify([...generateRecords({ count: 20, seed: b })]);
      return first === again && (a === b) === (first === other);
    }),
    { numRuns: 100 },
  );
  t.pass('100 seed pairs');
});

t.test('a short run is a prefix of a longer one', async (t) => {
  const short = [...generateRecords({ count: 100, seed: 3 })];
  const long = [...generateRecords({ count: 1000, seed: 3 })];
  t.same(long.slice(0, 100), short);
});

t.test('generators do not disturb each other', async (t) => {
  const alone = [...generateRecords({ count: 50, seed: 11 })];
  const a = createGradeFactory(11);
  const b = createGradeFactory(12);
  const interleaved = [];
  for (let i = 0; i < 50; i++) {
    interleaved.push(a());
    b();
  }
  t.same(interleaved, alone, 'drawing from another generator in between changes nothing');
});

t.test('bad options are rejected by name', async (t) => {
  t.throws(() => [...generateRecords({ count: -1, seed: 1 })], { name: 'RangeError', message: /count/ });
  t.throws(() => [...generateRecords({ count: 1.5, seed: 1 })], { name: 'RangeError', message: /count/ });
  t.throws(() => [...generateRecords({ count: 1, seed: -1 })], { name: 'RangeError', message: /seed/ });
  t.throws(() => [...generateRecords({ count: 1, seed: SEED_MAX + 1 })], { name: 'RangeError', message: /seed/ });
  t.throws(() => createGradeFactory(0.5), { name: 'RangeError', message: /seed/ });
  t.same([...generateRecords({ count: 0, seed: 1 })], [], 'zero records is fine');
});
