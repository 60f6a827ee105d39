/**
 * Small tmpfs mounts for end-to-end tests (needs root, as the e2e tests do).
 *
 * Every mount is remembered; `umount()` is idempotent, and a mount still
 * present when the test process exits is unmounted synchronously by an exit
 * hook (a last resort; tests call `umount()` in `after`).
 */
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { run } from './proc';

export interface TmpfsOptions {
  /** `size=` (e.g. `8M`). */
  readonly size: string;
  /** `nr_inodes=`; the filesystem has exactly this many inodes (its root directory uses one). */
  readonly nrInodes?: number;
  /** `mode=` of the root directory, octal. @default '755' */
  readonly mode?: string;
}

export interface TmpfsMount {
  readonly dir: string;
  readonly options: string;
  /** Unmounts (idempotent); throws when umount fails. */
  umount(): Promise<void>;
}

const mounted = new Set<string>();
let exitHookInstalled = false;

/** Whether `dir` is a mount point right now (from /proc/self/mountinfo). */
export function isMountPoint(dir: string): boolean {
  const target = fs.realpathSync(dir);
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[4] === target.replace(/ /g, '\\040'));
}

/** `mount -t tmpfs -o size=...,nr_inodes=...,mode=... tmpfs DIR` on an existing directory. */
export async function mountTmpfs(dir: string, opts: TmpfsOptions): Promise<TmpfsMount> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const d of mounted) spawnSync('umount', [d], { stdio: 'ignore' });
    });
  }
  const options = [`size=${opts.size}`, ...(opts.nrInodes === undefined ? [] : [`nr_inodes=${opts.nrInodes}`]), `mode=${opts.mode ?? '755'}`].join(',');
  const r = await run('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
  if (r.code !== 0) throw new Error(`mount -t tmpfs -o ${options} tmpfs ${dir} exited ${r.code} (the e2e tests need root): ${r.stderr}`);
  mounted.add(dir);
  let done = false;
  return {
    dir,
    options,
    async umount() {
      if (done) return;
      const u = await run('umount', [dir]);
      if (u.code !== 0 && isMountPoint(dir)) throw new Error(`umount ${dir} exited ${u.code}: ${u.stderr}`);
      done = true;
      mounted.delete(dir);
    },
  };
}
