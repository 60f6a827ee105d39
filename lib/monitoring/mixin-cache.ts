/**
 * The jsonnet mixin's evaluated output, kept on disk between synths.
 *
 * An evaluation costs about 0.3 s in libjsonnet whatever the fleet's size
 * (docs/PERFORMANCE.md): more than a bare cdktf app's whole synth. Its
 * output is a pure function of the mixin's sources, the `_config` passed in
 * and the jsonnet version, so it is stored under the sha256 of exactly
 * those, in `node_modules/.cache/cdktf-listhost/mixin/` of the working
 * directory when it has node_modules (the convention of babel, eslint and
 * terser; elsewhere there is no cache unless one is named), and read back
 * instead of evaluating when nothing of it changed. Any change to a source
 * file or to the config is a different key; a missing, unreadable or
 * corrupt entry means evaluating, as without the cache; failures are never
 * stored. `LISTHOST_MIXIN_CACHE=off` turns it off, `LISTHOST_MIXIN_CACHE=DIR`
 * puts it elsewhere.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface MixinCache {
  /** The entry for this `_config` (JSON text), or undefined. */
  read(config: string): string | undefined;
  /** Stores an evaluation's JSON; a failure to write is ignored (the cache is an optimisation). */
  write(config: string, json: string): void;
}

/** Every file under `directory`, as sorted relative paths. */
function sourceFiles(directory: string, under = directory): string[] {
  const files: string[] = [];
  for (const name of readdirSync(under)) {
    const path = join(under, name);
    // statSync follows symlinks: linked installs (Bazel, pnpm-style linkers) hash what they point at.
    const stat = statSync(path);
    if (stat.isDirectory()) files.push(...sourceFiles(directory, path));
    else if (stat.isFile()) files.push(relative(directory, path));
  }
  return files.sort();
}

/** The cache directory for `setting` (the environment variable's value); undefined when off. */
export function mixinCacheDirectory(setting: string | undefined, cwd: string): string | undefined {
  if (setting !== undefined && /^(off|0|false|no)$/i.test(setting.trim())) return undefined;
  if (setting !== undefined && setting.trim() !== '') return setting;
  // The convention of babel and eslint; a directory without node_modules gets no cache rather than one.
  if (!existsSync(join(cwd, 'node_modules'))) return undefined;
  return join(cwd, 'node_modules', '.cache', 'cdktf-listhost', 'mixin');
}

/**
 * A cache for the mixin in `mixinDirectory` evaluated by jsonnet `version`;
 * undefined when turned off.
 */
export function openMixinCache(
  mixinDirectory: string,
  version: string,
  setting: string | undefined = process.env.LISTHOST_MIXIN_CACHE,
  cwd: string = process.cwd(),
): MixinCache | undefined {
  const directory = mixinCacheDirectory(setting, cwd);
  if (directory === undefined) return undefined;
  // The sources are hashed once per process: a handful of small files.
  const sources = createHash('sha256').update(`jsonnet ${version}\0`);
  for (const file of sourceFiles(mixinDirectory)) {
    sources.update(`${file}\0`).update(readFileSync(join(mixinDirectory, file))).update('\0');
  }
  const sourceDigest = sources.digest('hex');
  const pathFor = (config: string) => join(directory, `${createHash('sha256').update(sourceDigest).update(config).digest('hex')}.json`);
  return {
    read(config) {
      let text: string;
      try {
        text = readFileSync(pathFor(config), 'utf8');
      } catch {
        return undefined;
      }
      try {
        JSON.parse(text);
        return text;
      } catch {
        return undefined; // corrupt (it is written by rename, so not by a killed synth): evaluate again
      }
    },
    write(config, json) {
      const path = pathFor(config);
      const temp = `${path}.${process.pid}.tmp`;
      try {
        mkdirSync(directory, { recursive: true });
        writeFileSync(temp, json);
        renameSync(temp, path);
      } catch {
        rmSync(temp, { force: true });
      }
    },
  };
}
