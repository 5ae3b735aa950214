/**
 * Regenerates the TypeScript types in proto/generated from the .proto files.
 * Usage: npm run proto:gen [-- --out DIR]   (a test runs it into a temp dir and diffs against the
 * committed files, so a .proto change without regenerating fails the tests.)
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { GEN_TYPES_FLAGS, PROTO_ROOT, PROTO_SOURCES } from './options.js';

export function generateProtoTypes(outDir: string): void {
  const bin = path.join(PROTO_ROOT, '..', 'node_modules', '.bin', 'proto-loader-gen-types');
  for (const { root, file } of Object.values(PROTO_SOURCES)) {
    // Relative include dir: the generated headers then name root-relative paths, the same in every clone.
    execFileSync(bin, [file, ...GEN_TYPES_FLAGS, `--outDir=${outDir}`, `--includeDirs=.`], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log('usage: npm run proto:gen [-- --out DIR]\nWrites TypeScript types for proto/*.proto into DIR (default proto/generated).');
    process.exit(0);
  }
  const outIdx = args.indexOf('--out');
  const outDir = outIdx >= 0 && args[outIdx + 1] ? path.resolve(args[outIdx + 1]!) : path.join(PROTO_ROOT, 'generated');
  generateProtoTypes(outDir);
  console.log(`proto types written to ${outDir}`);
}
