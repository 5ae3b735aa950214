// Generated types are committed; this fails when a .proto changed without `npm run proto:gen`.
import t from 'tap';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateProtoTypes } from './generate.js';
import { PROTO_ROOT } from './options.js';

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, base) : [path.relative(base, full)];
  });
}

t.test('proto/generated matches what proto-loader-gen-types makes from the .proto files', async (t) => {
  const fresh = mkdtempSync(path.join(os.tmpdir(), 'splitbench-proto-'));
  t.teardown(() => rmSync(fresh, { recursive: true, force: true }));
  generateProtoTypes(fresh);
  const committed = path.join(PROTO_ROOT, 'generated');
  const want = listFiles(fresh).sort();
  t.same(listFiles(committed).sort(), want, 'same files (run npm run proto:gen)');
  for (const file of want) {
    t.equal(readFileSync(path.join(committed, file), 'utf8'), readFileSync(path.join(fresh, file), 'utf8'), `${file} is current (run npm run proto:gen)`);
  }
});
