/**
 * xDS from files: each resource set is a DiscoveryResponse in a file of a folder Envoy watches. Envoy
 * reloads a file when one is moved onto its path (not on in-place writes, which it could read half
 * written), so every write goes to a temporary name in the same folder and is renamed into place.
 */
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

let version = 0;

/** Replaces `file` in `dir` with a DiscoveryResponse holding `resources`, atomically. */
export function writeXds(dir: string, file: string, resources: Record<string, unknown>[]): void {
  version++;
  const body = { version_info: `${Date.now()}-${version}`, resources };
  const tmp = path.join(dir, `.${file}.${process.pid}.${version}.tmp`);
  writeFileSync(tmp, JSON.stringify(body, null, 2) + '\n');
  renameSync(tmp, path.join(dir, file));
}
