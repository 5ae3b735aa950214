/**
 * Seeded grade records: the one place that decides what a generated record looks like.
 * Pure (no I/O), so the CLI, the k6 data pool and the benchmark runner all draw the same records
 * from the same seed.
 */
import { Faker, base, es } from '@faker-js/faker';
import { CARRERAS, CURSOS, FACULTADES, NOTA_MAX, NOTA_MIN, REGIONES, SEMESTRES } from '../contract/grade.js';
import type { Grade } from '../contract/grade.js';

/** Every field filled in: the services accept partial records, but the load test should send full ones. */
export type GeneratedGrade = Required<Grade>;

/** Years a generated grade falls in: recent enough to look real, inside the contract's YEAR_MIN..YEAR_MAX. */
export const GENERATED_YEAR_FIRST = 2015;
export const GENERATED_YEAR_LAST = 2026;

/** Seeds are 32-bit: faker's Mersenne Twister keeps only the low 32 bits, so larger seeds would collide. */
export const SEED_MIN = 0;
export const SEED_MAX = 0xffff_ffff;

/** How many years before the grade a student may have enrolled (the carnet starts with that year). */
const MAX_YEARS_ENROLLED = 6;

export interface GenerateOptions {
  /** How many records to produce; a non-negative integer. */
  count: number;
  /** Same seed, same records in the same order (with the same faker version). */
  seed: number;
}

/** Throws a RangeError naming the bad option, so library callers get the same clarity as CLI users. */
export function assertGenerateOptions({ count, seed }: GenerateOptions): void {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`count must be a non-negative integer, got ${count}`);
  }
  if (!Number.isInteger(seed) || seed < SEED_MIN || seed > SEED_MAX) {
    throw new RangeError(`seed must be an integer from ${SEED_MIN} to ${SEED_MAX}, got ${seed}`);
  }
}

/**
 * Returns a function that makes the next record of the sequence for `seed`.
 * Each factory owns its own Faker instance: sharing the global `fakerES` would let two generators
 * (or any other faker user in the process) shift each other's sequences.
 */
export function createGradeFactory(seed: number): () => GeneratedGrade {
  assertGenerateOptions({ count: 0, seed });
  const faker = new Faker({ locale: [es, base] });
  faker.seed(seed);
  const pick = faker.helpers.arrayElement.bind(faker.helpers);
  const int = (min: number, max: number): number => faker.number.int({ min, max });

  return () => {
    const year = int(GENERATED_YEAR_FIRST, GENERATED_YEAR_LAST);
    // USAC carnets are 9 digits: the enrolment year, then a 5-digit sequence number.
    const enrolled = year - int(0, MAX_YEARS_ENROLLED);
    const carnet = `${enrolled}${String(int(0, 99_999)).padStart(5, '0')}`;
    const facultad = pick(FACULTADES);
    // The es locale's lastName is already two surnames, as Guatemalan names are; firstName + lastName
    // is also faster than person.fullName(), which goes through a pattern template.
    const nombre = `${faker.person.firstName()} ${faker.person.lastName()}`;
    return {
      carnet,
      nombre,
      curso: pick(CURSOS),
      nota: int(NOTA_MIN, NOTA_MAX),
      semestre: pick(SEMESTRES),
      year,
      facultad,
      // Careers are drawn from the record's own faculty so dashboards show plausible pairs.
      carrera: pick(CARRERAS[facultad]),
      region: pick(REGIONES),
    };
  };
}

/**
 * Yields `count` records for `seed`, one at a time, so any count fits in constant memory.
 * A shorter run is a prefix of a longer one with the same seed.
 */
export function* generateRecords(options: GenerateOptions): Generator<GeneratedGrade, void, undefined> {
  assertGenerateOptions(options);
  const next = createGradeFactory(options.seed);
  for (let i = 0; i < options.count; i++) yield next();
}
