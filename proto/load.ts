import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { LOADER_OPTIONS, PROTO_FILES, PROTO_ROOT } from './options.js';
import type { ProtoGrpcType as GradesProto } from './generated/grades.js';
import type { ProtoGrpcType as HealthProto } from './generated/health.js';

/** Loads the service definitions once; typed by the generated files in ./generated. */
export function loadProtos(): { grades: GradesProto; health: HealthProto } {
  const load = (file: string) =>
    grpc.loadPackageDefinition(protoLoader.loadSync(file, { ...LOADER_OPTIONS, includeDirs: [PROTO_ROOT] }));
  return {
    grades: load(PROTO_FILES[0]) as unknown as GradesProto,
    health: load(PROTO_FILES[1]) as unknown as HealthProto,
  };
}
