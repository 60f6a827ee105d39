/**
 * Writes a file completely or not at all: the content goes to a temporary
 * file in the same directory, which is then renamed over the target, so a
 * reader never sees a partial report. A lint killed before the rename leaves
 * its temporary file; the next write to the same target removes it.
 */
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LintInputError } from '../policy/errors';
import { processRuns } from '../process-liveness';

/** Temporary files of earlier, killed writes to `path` (their process gone). */
function removeStaleTemporaries(dir: string, name: string): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  const prefix = `.${name}.`;
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) continue;
    const m = /^(\d+)\.[0-9a-z]+\.tmp$/.exec(entry.slice(prefix.length));
    if (m && Number(m[1]) !== process.pid && !processRuns(Number(m[1]))) rmSync(join(dir, entry), { force: true });
  }
}

export function writeFileAtomic(path: string, content: string, display: string = path): void {
  const dir = dirname(path);
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new LintInputError(display, `cannot write: directory ${dir} does not exist`);
  }
  try {
    if (statSync(path).isDirectory()) throw new LintInputError(display, 'cannot write: it is a directory');
  } catch (error) {
    if (error instanceof LintInputError) throw error;
  }
  removeStaleTemporaries(dir, basename(path));
  const temp = join(dir, `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', 0o644);
    writeSync(fd, content);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw new LintInputError(display, `cannot write: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
