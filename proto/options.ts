import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Options } from '@grpc/proto-loader';

/** Folder holding the .proto files (the include root). */
export const PROTO_ROOT = path.dirname(fileURLToPath(import.meta.url));
export const PROTO_FILES = ['grades/v1/grades.proto', 'grpc/health/v1/health.proto'] as const;

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
  includeDirs: [PROTO_ROOT],
};

/** The same options as flags of proto-loader-gen-types. */
export const GEN_TYPES_FLAGS = ['--keepCase', '--longs=String', '--enums=String', '--oneofs', '--grpcLib=@grpc/grpc-js', '--importFileExtension=.js'];
