import t from 'tap';
import { gradeFingerprint, passed, validateGrade } from './grade.js';

t.test('the seed example (four required fields only) is valid', async (t) => {
  const r = validateGrade({ curso: 'ANP', facultad: 'Ingenieria', carrera: 'Arte', region: 'METROPOLITANA' });
  t.ok(r.ok);
  if (r.ok) t.same(r.grade, { curso: 'ANP', facultad: 'Ingenieria', carrera: 'Arte', region: 'METROPOLITANA' });
});

t.test('a full record is valid and normalised', async (t) => {
  const r = validateGrade({
    carnet: 201912345, nombre: ' Ana Pérez ', curso: 'SO1', nota: 61, semestre: '2S', year: 2024,
    facultad: 'Ingenieria', carrera: 'Sistemas', region: 'NORTE',
  });
  t.ok(r.ok);
  if (r.ok) {
    t.equal(r.grade.carnet, '201912345', 'integer carnet stored as digits');
    t.equal(r.grade.nombre, 'Ana Pérez', 'text is trimmed');
    t.equal(passed(r.grade), true, '61 passes');
  }
});

t.test('every bad field is reported, not just the first', async (t) => {
  const r = validateGrade({ curso: 7, facultad: '', nota: 101, semestre: '3S', year: 1.5, extra: 1, $where: 'x', 'a.b': 1 });
  t.notOk(r.ok);
  if (!r.ok) {
    const fields = r.errors.map((e) => e.field).sort();
    t.same(fields, ['$where', 'a.b', 'carrera', 'curso', 'extra', 'facultad', 'nota', 'region', 'semestre', 'year'].sort());
  }
});

t.test('non-objects are rejected as a whole', async (t) => {
  for (const body of [null, [], 'x', 3, true]) {
    const r = validateGrade(body);
    t.notOk(r.ok, JSON.stringify(body));
    if (!r.ok) t.equal(r.errors[0]?.field, '(body)');
  }
});

t.test('fingerprint ignores key order and tells records apart', async (t) => {
  const a = { curso: 'SO1', facultad: 'F', carrera: 'C', region: 'R', nota: 50 };
  const b = { nota: 50, region: 'R', carrera: 'C', facultad: 'F', curso: 'SO1' };
  t.equal(gradeFingerprint(a), gradeFingerprint(b));
  t.not(gradeFingerprint(a), gradeFingerprint({ ...a, nota: 51 }));
  t.equal(passed({ nota: 60 }), false);
  t.equal(passed({}), undefined);
});
