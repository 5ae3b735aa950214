// The proto and the contract describe the same record: a grade field added to one and not the other
// would be silently dropped on route A (grpc-server copies only the contract's fields out of the
// message). Read from the real .proto through @grpc/proto-loader, the loader the services use.
import * as protoLoader from '@grpc/proto-loader';
import t from 'tap';
import { GRADE_FIELDS, OPTIONAL_FIELDS, REQUIRED_FIELDS } from '../contract/grade.js';
import { GRADE_SERVICE_NAME } from '../contract/services.js';
import { LOADER_OPTIONS, PROTO_SOURCES } from './options.js';

interface FieldDescriptor {
  name: string;
  type: string;
  oneofIndex?: number;
}

const definition = protoLoader.loadSync(PROTO_SOURCES.grades.file, { ...LOADER_OPTIONS, includeDirs: [PROTO_SOURCES.grades.root] });

t.test("grades.v1.Grade's fields are exactly the contract's grade fields", async (t) => {
  const grade = definition['grades.v1.Grade'] as { type: { field: FieldDescriptor[]; oneofDecl: { name: string }[] } } | undefined;
  if (!grade) return t.fail('grades.v1.Grade is defined');
  const { field: fields, oneofDecl } = grade.type;
  t.same(fields.map((f) => f.name).sort(), [...GRADE_FIELDS].sort(), 'same names');
  // proto3 `optional` shows in the descriptor as a synthetic oneof named _<field>.
  const optional = (name: string): boolean => {
    const f = fields.find((x) => x.name === name);
    return f?.oneofIndex !== undefined && oneofDecl[f.oneofIndex]?.name === `_${name}`;
  };
  for (const name of REQUIRED_FIELDS) t.notOk(optional(name), `${name}: required in the contract, not optional in the proto`);
  for (const name of OPTIONAL_FIELDS) t.ok(optional(name), `${name}: optional in both (absent stays absent on route A)`);
});

t.test("the contract's gRPC service name is the proto's", async (t) => {
  t.ok(definition[GRADE_SERVICE_NAME], `${GRADE_SERVICE_NAME} is a service of ${PROTO_SOURCES.grades.file}`);
});
