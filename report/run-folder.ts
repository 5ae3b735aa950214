/**
 * A run folder as the report reads it: each file by name, parsed and checked by its own contract's
 * parser where there is one. A missing file is undefined (the section is left out); a file that is
 * there but unreadable is a problem the page lists, never a crash.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export class RunFolder {
  /** Files that were there but could not be read, with why: shown at the top of the page. */
  readonly problems: { file: string; message: string }[] = [];
  private readonly cache = new Map<string, unknown>();

  constructor(readonly dir: string) {}

  get name(): string {
    return path.basename(this.dir);
  }

  has(file: string): boolean {
    return existsSync(path.join(this.dir, file));
  }

  /** The files in the folder (top level), sorted. */
  list(): string[] {
    return existsSync(this.dir) ? readdirSync(this.dir).sort() : [];
  }

  /** `file` parsed as JSON and checked by `check` (which throws on a bad shape); undefined when absent or bad. */
  json<T>(file: string, check: (json: unknown, source: string) => T = (j) => j as T): T | undefined {
    if (this.cache.has(file)) return this.cache.get(file) as T | undefined;
    let value: T | undefined;
    const full = path.join(this.dir, file);
    if (existsSync(full)) {
      try {
        value = check(JSON.parse(readFileSync(full, 'utf8')), file);
      } catch (err) {
        this.problems.push({ file, message: (err as Error).message });
      }
    }
    this.cache.set(file, value);
    return value;
  }
}
