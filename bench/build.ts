/**
 * The benchmark measures compiled JavaScript: tsx would transpile every
 * module on load in each measured process, a cost neither users of the
 * published package (dist/) nor the baseline pay. `bench/tsconfig.json`
 * compiles lib/ and bench/ (not test/) into dist/, the layout of `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root, whether this runs from bench/ (tsx) or dist/bench/ (compiled). */
export const REPO = __dirname.endsWith(join('dist', 'bench')) ? resolve(__dirname, '../..') : resolve(__dirname, '..');

export function buildForBench(): void {
  const tsc = join(REPO, 'node_modules/.bin/tsc');
  const result = spawnSync(tsc, ['-p', join(REPO, 'bench/tsconfig.json')], { encoding: 'utf8', cwd: REPO });
  if (result.status !== 0) throw new Error(`tsc -p bench/tsconfig.json failed (${result.status}):\n${result.stdout}${result.stderr}`);
}

/**
 * Where measured runs write: /dev/shm when it is a writable directory. On a
 * VM's disk, writing the library's 13 files per host would make the disk the
 * whole story, and a noisy one (docs/PERFORMANCE.md); `--tmpdir DIR` to
 * measure on a disk anyway.
 */
export function defaultOutputRoot(): { root: string; why: string } {
  try {
    if (statSync('/dev/shm').isDirectory()) {
      accessSync('/dev/shm', constants.W_OK);
      return { root: '/dev/shm', why: 'tmpfs (default; --tmpdir DIR to measure on a disk)' };
    }
  } catch {
    // no /dev/shm: the OS temp directory
  }
  return { root: tmpdir(), why: 'the OS temp directory (no writable /dev/shm)' };
}
