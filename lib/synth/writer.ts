/**
 * Writes a stack's artifacts into its directory and returns a digest of
 * what it wrote, for the generation markers. Under `synthesize(app)` that
 * directory is in the staged output (atomic-outdir.ts: the whole app's
 * output is written aside and swapped in at once), so these are plain
 * writes; an app that calls `app.synth()` itself (tests) gets hosts/ and
 * monitoring/ replaced in place, without that guarantee.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { releaseStackArtifacts, type ArtifactFile } from './stack-artifacts';

/**
 * The permission bits the process's umask takes from a new file in
 * `directory`, found with a probe file (`process.umask()` without an
 * argument is deprecated): a file created with its mode needs no chmod
 * unless the umask would take some of its bits.
 */
function umaskBits(directory: string): number {
  // Created here ('wx'), never an old file whose mode open(2) would keep.
  const probe = join(directory, `.listhost-umask-${randomBytes(6).toString('hex')}`);
  writeFileSync(probe, '', { mode: 0o777, flag: 'wx' });
  try {
    return 0o777 & ~statSync(probe).mode;
  } finally {
    unlinkSync(probe);
  }
}

export function writeStackArtifacts(stackDirectory: string, artifacts: ReadonlyMap<string, ArtifactFile>): string {
  const digest = createHash('sha256');
  for (const owned of ['hosts', 'monitoring']) rmSync(join(stackDirectory, owned), { recursive: true, force: true });
  // One mkdir per directory, parents first, not a recursive mkdir (and its EEXIST) per file.
  mkdirSync(stackDirectory, { recursive: true });
  const made = new Set<string>([stackDirectory]);
  const umask = umaskBits(stackDirectory);
  const makeDirectory = (directory: string): void => {
    if (made.has(directory)) return;
    makeDirectory(dirname(directory));
    mkdirSync(directory, { recursive: true });
    made.add(directory);
  };
  for (const [path, file] of artifacts) {
    const target = join(stackDirectory, path);
    makeDirectory(dirname(target));
    // Every file is new here (hosts/ and monitoring/ were just removed), so the mode applies.
    writeFileSync(target, file.content, { mode: file.mode });
    if ((file.mode & umask) !== 0) chmodSync(target, file.mode);
    // A file with a trigger is digested by it (sha256 of its mode and content): its content is not hashed twice.
    if (file.trigger === undefined) digest.update(`${JSON.stringify(path)} ${file.mode.toString(8)} ${Buffer.byteLength(file.content)}\n`).update(file.content);
    else digest.update(`${JSON.stringify(path)} sha256 ${file.trigger}\n`);
  }
  // Written: the next stack's files need the memory (they are rendered again if read again).
  releaseStackArtifacts(artifacts);
  return digest.digest('hex');
}
