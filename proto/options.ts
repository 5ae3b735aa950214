import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Options } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';

/** Folder holding our .proto files (the include root). */
export const PROTO_ROOT = path.dirname(fileURLToPath(import.meta.url));

/**
 * Every .proto the services load, by include root and root-relative file. grpc.health.v1 is the one
 * grpc-health-check ships and serves, not a copy of ours.
 */
export const PROTO_SOURCES = {
  grades: { root: PROTO_ROOT, file: 'grades/v1/grades.proto' },
  health: { root: path.resolve(path.dirname(healthProtoPath), '..', '..'), file: 'health/v1/health.proto' },
} as const;

/**
 * One set of loader options for every loader and for the type generator, so the generated types
 * describe exactly the objects the loader produces at run time.
 */
export const LOADER_OPTIONS: Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
};

/** The same options as flags of proto-loader-gen-types. */
export const GEN_TYPES_FLAGS = ['--keepCase', '--longs=String', '--enums=String', '--oneofs', '--grpcLib=@grpc/grpc-js', '--importFileExtension=.js'];
