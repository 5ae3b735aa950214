import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { LOADER_OPTIONS, PROTO_SOURCES } from './options.js';
import type { ProtoGrpcType as GradesProto } from './generated/grades.js';
import type { ProtoGrpcType as HealthProto } from './generated/health.js';

/** Loads the service definitions once; typed by the generated files in ./generated. */
export function loadProtos(): { grades: GradesProto; health: HealthProto } {
  const load = (src: { root: string; file: string }) => grpc.loadPackageDefinition(protoLoader.loadSync(src.file, { ...LOADER_OPTIONS, includeDirs: [src.root] }));
  return {
    grades: load(PROTO_SOURCES.grades) as unknown as GradesProto,
    health: load(PROTO_SOURCES.health) as unknown as HealthProto,
  };
}
