/**
 * Writes a stack's artifacts. The whole tree is written to a staging
 * directory beside its destination first and then renamed into place, so an
 * interrupted synth leaves the previous complete tree or the new one.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { releaseStackArtifacts, type StackArtifacts } from './stack-artifacts';

/** Top-level directories the library owns inside a stack directory. */
export const OWNED_DIRECTORIES = ['hosts', 'monitoring'] as const;

export function writeStackArtifacts(stackDirectory: string, artifacts: StackArtifacts): void {
  const staging = join(stackDirectory, `.listhost-staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  // One mkdir per directory, parents first, not a recursive mkdir (and its EEXIST) per file.
  mkdirSync(staging, { recursive: true });
  const made = new Set<string>([staging]);
  const makeDirectory = (directory: string): void => {
    if (made.has(directory)) return;
    makeDirectory(dirname(directory));
    mkdirSync(directory);
    made.add(directory);
  };
  for (const [path, file] of artifacts) {
    const target = join(staging, path);
    makeDirectory(dirname(target));
    writeFileSync(target, file.content);
    chmodSync(target, file.mode);
  }
  for (const owned of OWNED_DIRECTORIES) {
    const destination = join(stackDirectory, owned);
    const fresh = join(staging, owned);
    const old = join(stackDirectory, `.listhost-old-${owned}-${process.pid}`);
    if (existsSync(destination)) renameSync(destination, old);
    if (existsSync(fresh)) renameSync(fresh, destination);
    rmSync(old, { recursive: true, force: true });
  }
  rmSync(staging, { recursive: true, force: true });
  // Written: the next stack's files need the memory (they are rendered again if read again).
  releaseStackArtifacts(artifacts);
}
