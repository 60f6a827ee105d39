/** A directory's files, walked in sorted order: for byte-identity, mode and listing checks. */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, type Stats } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file under `dir` (links not followed), in sorted order: relative path -> `describe(absolute path, its lstat)`. */
export function walkFiles<T>(dir: string, describe: (path: string, stat: Stats) => T): Map<string, T> {
  const files = new Map<string, T>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const path = join(d, entry);
      const stat = lstatSync(path);
      if (stat.isDirectory()) walk(path);
      else files.set(relative(dir, path), describe(path, stat));
    }
  };
  walk(dir);
  return files;
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const permissions = (stat: Stats) => (stat.mode & 0o777).toString(8);

/** Relative path -> sha256 of the content. */
export function treeDigests(dir: string): Map<string, string> {
  return walkFiles(dir, sha256);
}

/** Relative path -> permission bits in octal (`644`). */
export function treeModes(dir: string): Map<string, string> {
  return walkFiles(dir, (_, stat) => permissions(stat));
}

/** Relative path -> `<permission bits> <sha256>`. */
export function treeModesAndDigests(dir: string): Map<string, string> {
  return walkFiles(dir, (path, stat) => `${permissions(stat)} ${sha256(path)}`);
}
