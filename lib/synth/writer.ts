/**
 * Writes a stack's artifacts into its directory and returns a digest of
 * what it wrote, for the generation markers. Under `synthesize(app)` that
 * directory is in the staged output (atomic-outdir.ts: the whole app's
 * output is written aside and swapped in at once), so these are plain
 * writes; an app that calls `app.synth()` itself (tests) gets hosts/ and
 * monitoring/ replaced in place, without that guarantee.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { releaseStackArtifacts, type StackArtifacts } from './stack-artifacts';

export function writeStackArtifacts(stackDirectory: string, artifacts: StackArtifacts): string {
  const digest = createHash('sha256');
  for (const owned of ['hosts', 'monitoring']) rmSync(join(stackDirectory, owned), { recursive: true, force: true });
  // One mkdir per directory, parents first, not a recursive mkdir (and its EEXIST) per file.
  mkdirSync(stackDirectory, { recursive: true });
  const made = new Set<string>([stackDirectory]);
  const makeDirectory = (directory: string): void => {
    if (made.has(directory)) return;
    makeDirectory(dirname(directory));
    mkdirSync(directory, { recursive: true });
    made.add(directory);
  };
  for (const [path, file] of artifacts) {
    const target = join(stackDirectory, path);
    makeDirectory(dirname(target));
    writeFileSync(target, file.content);
    chmodSync(target, file.mode);
    digest.update(`${JSON.stringify(path)} ${file.mode.toString(8)} ${Buffer.byteLength(file.content)}\n`).update(file.content);
  }
  // Written: the next stack's files need the memory (they are rendered again if read again).
  releaseStackArtifacts(artifacts);
  return digest.digest('hex');
}
