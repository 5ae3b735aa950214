/**
 * The grade record: one definition of its fields, value lists and validation, imported by the
 * generator, both REST services, the gRPC server, the k6 data and the dashboards.
 *
 * The seed's own example must stay valid, so only `curso facultad carrera region` are required;
 * the grade fields are optional but validated when present.
 */

/** Course codes of the original course project; the generator draws from these. */
export const CURSOS = ['SO1', 'BD1', 'LFP', 'SA', 'AYD1', 'ANP', 'IO2', 'OLC2'] as const;

/** Faculties the generator draws from (free text is accepted by the services). */
export const FACULTADES = [
  'Ingenieria',
  'Ciencias Economicas',
  'Ciencias Juridicas y Sociales',
  'Arquitectura',
  'Medicina',
  'Agronomia',
  'Humanidades',
  'Ciencias Quimicas y Farmacia',
] as const;

/** Careers per faculty, so generated records are plausible pairs. */
export const CARRERAS: Readonly<Record<(typeof FACULTADES)[number], readonly string[]>> = {
  Ingenieria: ['Sistemas', 'Civil', 'Industrial', 'Mecanica', 'Electrica', 'Quimica', 'Arte'],
  'Ciencias Economicas': ['Auditoria', 'Administracion de Empresas', 'Economia'],
  'Ciencias Juridicas y Sociales': ['Derecho', 'Relaciones Internacionales'],
  Arquitectura: ['Arquitectura', 'Diseno Grafico'],
  Medicina: ['Medicina', 'Nutricion'],
  Agronomia: ['Agronomia', 'Recursos Naturales'],
  Humanidades: ['Pedagogia', 'Letras', 'Filosofia'],
  'Ciencias Quimicas y Farmacia': ['Quimica Farmaceutica', 'Biologia', 'Quimica Biologica'],
};

/** The eight administrative regions of Guatemala, as the course project spelled them. */
export const REGIONES = [
  'METROPOLITANA',
  'NORTE',
  'NORORIENTE',
  'SURORIENTE',
  'CENTRAL',
  'SUROCCIDENTE',
  'NOROCCIDENTE',
  'PETEN',
] as const;

export const SEMESTRES = ['1S', '2S'] as const;
export type Semestre = (typeof SEMESTRES)[number];

/** USAC passes a course at 61 of 100; dashboards split pass/fail on this. */
export const PASSING_NOTA = 61;
export const NOTA_MIN = 0;
export const NOTA_MAX = 100;
export const YEAR_MIN = 1950;
export const YEAR_MAX = 2100;
/** Longest accepted text field; keeps aggregate keys and logs bounded. */
export const MAX_TEXT_LENGTH = 100;
export const MAX_NOMBRE_LENGTH = 120;
export const CARNET_PATTERN = /^[0-9]{1,12}$/;

/** A validated grade record, as stored and forwarded. */
export interface Grade {
  curso: string;
  facultad: string;
  carrera: string;
  region: string;
  carnet?: string;
  nombre?: string;
  nota?: number;
  semestre?: Semestre;
  year?: number;
}

export const REQUIRED_FIELDS = ['curso', 'facultad', 'carrera', 'region'] as const;
export const OPTIONAL_FIELDS = ['carnet', 'nombre', 'nota', 'semestre', 'year'] as const;
export const GRADE_FIELDS: readonly (keyof Grade)[] = [...REQUIRED_FIELDS, ...OPTIONAL_FIELDS];

export interface FieldError {
  field: string;
  message: string;
}

export type ValidationResult = { ok: true; grade: Grade } | { ok: false; errors: FieldError[] };

// Control characters have no place in names and would corrupt logs and dashboard labels.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

function checkText(value: unknown, field: string, max: number, errors: FieldError[]): string | undefined {
  if (typeof value !== 'string') {
    errors.push({ field, message: `must be a string, got ${describe(value)}` });
    return undefined;
  }
  const trimmed = value.trim();
  if (trimmed.length === 0) {
    errors.push({ field, message: 'must not be empty' });
    return undefined;
  }
  if (trimmed.length > max) {
    errors.push({ field, message: `must be at most ${max} characters, got ${trimmed.length}` });
    return undefined;
  }
  if (CONTROL_CHARS.test(trimmed)) {
    errors.push({ field, message: 'must not contain control characters' });
    return undefined;
  }
  return trimmed;
}

function checkInteger(value: unknown, field: string, min: number, max: number, errors: FieldError[]): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    errors.push({ field, message: `must be an integer, got ${describe(value)}` });
    return undefined;
  }
  if (value < min || value > max) {
    errors.push({ field, message: `must be between ${min} and ${max}, got ${value}` });
    return undefined;
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'number') return `number ${value}`;
  return typeof value;
}

/**
 * Validate an untrusted value (usually a parsed JSON body) as a grade record.
 * Reports every bad field, not just the first, so a client can fix its payload in one go.
 */
export function validateGrade(input: unknown): ValidationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field: '(body)', message: `must be a JSON object, got ${describe(input)}` }] };
  }
  const errors: FieldError[] = [];
  const body = input as Record<string, unknown>;
  const known = new Set<string>(GRADE_FIELDS);

  for (const key of Object.keys(body)) {
    if (key.startsWith('$') || key.includes('.')) {
      // MongoDB treats these as operators or paths; never let them reach a store.
      errors.push({ field: key, message: 'keys starting with "$" or containing "." are not allowed' });
    } else if (!known.has(key)) {
      errors.push({ field: key, message: `unknown field; allowed fields are ${GRADE_FIELDS.join(', ')}` });
    }
  }

  const grade: Partial<Grade> = {};
  for (const field of REQUIRED_FIELDS) {
    if (!Object.hasOwn(body, field) || body[field] === undefined) {
      errors.push({ field, message: 'is required' });
      continue;
    }
    const text = checkText(body[field], field, MAX_TEXT_LENGTH, errors);
    if (text !== undefined) grade[field] = text;
  }

  if (Object.hasOwn(body, 'carnet')) {
    const raw = body.carnet;
    // Accept the digits as a string or as a non-negative integer; store them as a string.
    const text = typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? String(raw) : raw;
    if (typeof text !== 'string') {
      errors.push({ field: 'carnet', message: `must be a string of digits, got ${describe(raw)}` });
    } else if (!CARNET_PATTERN.test(text)) {
      errors.push({ field: 'carnet', message: 'must be 1 to 12 digits' });
    } else {
      grade.carnet = text;
    }
  }
  if (Object.hasOwn(body, 'nombre')) {
    const text = checkText(body.nombre, 'nombre', MAX_NOMBRE_LENGTH, errors);
    if (text !== undefined) grade.nombre = text;
  }
  if (Object.hasOwn(body, 'nota')) {
    const nota = checkInteger(body.nota, 'nota', NOTA_MIN, NOTA_MAX, errors);
    if (nota !== undefined) grade.nota = nota;
  }
  if (Object.hasOwn(body, 'semestre')) {
    const s = body.semestre;
    if (typeof s === 'string' && (SEMESTRES as readonly string[]).includes(s)) {
      grade.semestre = s as Semestre;
    } else {
      errors.push({ field: 'semestre', message: `must be one of ${SEMESTRES.join(', ')}, got ${JSON.stringify(s)}` });
    }
  }
  if (Object.hasOwn(body, 'year')) {
    const year = checkInteger(body.year, 'year', YEAR_MIN, YEAR_MAX, errors);
    if (year !== undefined) grade.year = year;
  }

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, grade: grade as Grade };
}

/** True when the grade counts as passed; undefined when it carries no nota. */
export function passed(grade: Pick<Grade, 'nota'>): boolean | undefined {
  return grade.nota === undefined ? undefined : grade.nota >= PASSING_NOTA;
}

/**
 * A stable string of the grade's fields in a fixed order. Two submissions with one Idempotency-Key
 * must carry the same record; comparing fingerprints tells a replay from a key reused by mistake.
 */
export function gradeFingerprint(grade: Grade): string {
  return JSON.stringify(GRADE_FIELDS.map((f) => grade[f] ?? null));
}
