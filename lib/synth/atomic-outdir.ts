/**
 * The whole app's output is replaced at once. `synthesize(app)` has cdktf
 * write every stack (cdk.tf.json, manifest.json, hosts/, monitoring/) into a
 * staging directory and then swaps it in with renames, so a synth killed at
 * any moment leaves the previous complete output or the new one:
 *
 *   staging  `.<out>.listhost-staging-<pid>-<nonce>/<out>`  beside the outdir
 *   aside    `.<out>.listhost-old-<pid>-<nonce>/<out>`      the previous output, while swapping
 *
 * The swap is two renames (outdir -> aside, staging -> outdir); a kill in
 * between leaves no outdir and the previous output in the aside directory:
 * `listhost lint` then exits 2 naming it, and the next synth moves it back
 * first. After the swap, whatever the previous output held that synthesis
 * does not write (stacks/<name>/.terraform, .terraform.lock.hcl, state
 * files, anything unknown) is moved into the new output, then the aside
 * directory is removed; a kill there is finished by the next synth.
 *
 * When the outdir is a mount point (it cannot be renamed), staging and aside
 * directories are inside it (`<out>/.listhost-staging-…`, `<out>/.listhost-old-…`)
 * and its entries are swapped one by one, manifest.json last: a reader sees
 * no manifest.json (and the aside directory) in between, and the generation
 * markers (generation.ts) make `listhost lint` reject any mix.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, cpSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readlinkSync, renameSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { lockOutdir } from './outdir-lock';

/** Entries of the outdir that synthesis writes; everything else is carried over. */
export const OWNED_TOP_ENTRIES = ['stacks', '.listhost-generation', 'manifest.json'] as const;
/** Entries of a stack directory that synthesis writes (cdktf's and the library's). */
export const OWNED_STACK_ENTRIES = new Set(['cdk.tf.json', 'cdk.tf', 'metadata.json', 'assets', 'hosts', 'monitoring', '.listhost-generation']);

const SIBLING = /^\.(.+)\.listhost-(staging|old)-(\d+)-([0-9a-f]+)$/;
const INSIDE = /^\.listhost-(staging|old)-(\d+)-([0-9a-f]+)$/;

export interface Leftover {
  readonly kind: 'staging' | 'old';
  readonly pid: number;
  /** The directory to remove when done with it. */
  readonly container: string;
  /** The output tree inside it (the container itself when inside the outdir). */
  readonly tree: string;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function listNames(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Staging and aside directories an earlier synth into `outdir` left behind (oldest name first). */
export function findLeftovers(outdir: string): Leftover[] {
  const out = resolve(outdir);
  const parent = dirname(out);
  const base = basename(out);
  const found: Leftover[] = [];
  for (const name of listNames(parent)) {
    const m = SIBLING.exec(name);
    if (m && m[1] === base) found.push({ kind: m[2] as Leftover['kind'], pid: Number(m[3]), container: join(parent, name), tree: join(parent, name, base) });
  }
  for (const name of listNames(out)) {
    const m = INSIDE.exec(name);
    if (m) found.push({ kind: m[1] as Leftover['kind'], pid: Number(m[2]), container: join(out, name), tree: join(out, name) });
  }
  return found;
}

/**
 * Whether `outdir` holds a complete output: it has manifest.json. (cdktf's
 * App creates `<out>/stacks/` when constructed, so an interrupted swap may be
 * followed by such an empty skeleton; it is not an output.)
 */
export function hasOutput(outdir: string): boolean {
  return exists(join(outdir, 'manifest.json'));
}

/**
 * The directory a synth into `outdir` swaps: `outdir` itself, or the target
 * of a symlinked outdir (which stays a symlink). Read with readlink, not
 * realpath, so a target an interrupted swap left missing is still found.
 */
export function outdirTarget(outdir: string): string {
  const out = resolve(outdir);
  return exists(out) && lstatSync(out).isSymbolicLink() ? resolve(dirname(out), readlinkSync(out)) : out;
}

/** The aside directory holding the previous complete output, when the outdir has none (an interrupted swap). */
export function interruptedSwap(outdir: string): Leftover | undefined {
  const out = outdirTarget(outdir);
  if (hasOutput(out)) return undefined;
  return findLeftovers(out).find((l) => l.kind === 'old' && exists(l.tree));
}

function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Not every platform can fsync a directory (Windows); renames there are as durable as it makes them.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Makes a written tree durable before it is renamed into place: one
 * syncfs(2) of its filesystem (`sync -f`) rather than an fsync per file,
 * which costs minutes for a fleet of thousands of hosts. Without `sync`, the
 * renames still make a killed synth safe; only a power cut in the next
 * seconds could then leave empty files.
 */
function flushTree(dir: string): void {
  const result = spawnSync('sync', process.platform === 'linux' ? ['-f', dir] : [], { stdio: 'ignore' });
  if (result.error || result.status !== 0) spawnSync('sync', [], { stdio: 'ignore' });
}

/**
 * Moves `from` to `to`. When `to` exists already (the new output has its own,
 * e.g. a `.terraform` a deploy made after an interrupted synth), nothing is
 * deleted: the previous one is kept beside it as `<to>.listhost-previous[-N]`
 * and the synth says so on stderr.
 */
function moveKeepingBoth(from: string, to: string): void {
  let target = to;
  for (let n = 1; exists(target); n++) target = `${to}.listhost-previous${n === 1 ? '' : `-${n}`}`;
  mkdirSync(dirname(target), { recursive: true });
  renameSync(from, target);
  if (target !== to) process.stderr.write(`cdktf-listhost: ${to} is in the new output already; the previous one is kept as ${target}\n`);
}

/**
 * Moves what the previous output held beside the synthesized files into the
 * new output: unknown top-level entries, and per stack directory everything
 * but cdk.tf.json, manifest files, hosts/ and monitoring/. A stack the app no
 * longer declares keeps only such entries (its state, say); `cdktf synth`
 * then removes its directory, as it always has.
 */
function carryOver(oldTree: string, newTree: string): void {
  for (const name of listNames(oldTree)) {
    if ((OWNED_TOP_ENTRIES as readonly string[]).includes(name) || INSIDE.test(name)) continue;
    moveKeepingBoth(join(oldTree, name), join(newTree, name));
  }
  const oldStacks = join(oldTree, 'stacks');
  for (const stack of listNames(oldStacks)) {
    const from = join(oldStacks, stack);
    if (!lstatSync(from).isDirectory()) {
      moveKeepingBoth(from, join(newTree, 'stacks', stack));
      continue;
    }
    for (const name of listNames(from)) {
      if (!OWNED_STACK_ENTRIES.has(name)) moveKeepingBoth(join(from, name), join(newTree, 'stacks', stack, name));
    }
  }
}

function isEmptySkeleton(outdir: string): boolean {
  const names = listNames(outdir);
  return names.length === 0 || (names.length === 1 && names[0] === 'stacks' && lstatSync(join(outdir, 'stacks')).isDirectory() && listNames(join(outdir, 'stacks')).length === 0);
}

/**
 * Finishes or undoes what an earlier, killed synth into `outdir` left: its
 * staging directories are removed; an aside directory is moved back when
 * the outdir has no output (killed between the two renames), or else its
 * carried-over entries are moved into the output and it is removed.
 * Call it holding the outdir's lock (outdir-lock.ts): every leftover is
 * then a dead synth's, whatever its pid (pids are reused).
 */
export function recoverOutdir(outdir: string): void {
  const out = resolve(outdir);
  for (const leftover of findLeftovers(out)) {
    if (leftover.kind === 'old' && exists(leftover.tree)) {
      if (hasOutput(out)) {
        // Killed after the swap: finish it.
        carryOver(leftover.tree, out);
      } else if (leftover.tree === leftover.container) {
        // Inside the outdir, killed while swapping entries. Once stacks/ is
        // aside, what the outdir holds came from the new output; before, it
        // is the previous output's, not yet moved aside.
        if (exists(join(leftover.tree, 'stacks'))) for (const name of OWNED_TOP_ENTRIES) rmSync(join(out, name), { recursive: true, force: true });
        for (const name of listNames(leftover.tree)) moveKeepingBoth(join(leftover.tree, name), join(out, name));
        fsyncDirectory(out);
      } else {
        // Killed between the two renames: move the previous output back.
        if (exists(out) && isEmptySkeleton(out)) rmSync(out, { recursive: true, force: true });
        if (exists(out)) continue; // something else is there now: keep the previous output where it is
        renameSync(leftover.tree, out);
        fsyncDirectory(dirname(out));
      }
    }
    rmSync(leftover.container, { recursive: true, force: true });
  }
}

export interface StagedOutput {
  /** Where cdktf writes the new output. */
  readonly tree: string;
  /** Swaps the staged output in. */
  commit(): void;
  /** Drops the staged output (the synth failed); the previous output stays. */
  abandon(): void;
}

function isMountPoint(outdir: string): boolean {
  try {
    return statSync(outdir).dev !== statSync(dirname(outdir)).dev;
  } catch {
    return false;
  }
}

const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS']);
/** A directory that cannot be renamed: a mount point the dev check missed (a bind mount), or held open (Windows). */
const UNRENAMABLE = new Set(['EBUSY', 'EXDEV', 'EPERM']);

/** Takes the outdir's lock beside it, or inside it when its parent is not writable. */
function lockFor(out: string): () => void {
  try {
    return lockOutdir(join(dirname(out), `.${basename(out)}.listhost-lock`), out);
  } catch (error) {
    if (!UNWRITABLE.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    mkdirSync(out, { recursive: true });
    return lockOutdir(join(out, '.listhost-lock'), out);
  }
}

/**
 * Swaps the output staged in `tree` (a directory inside `out`) in entry by
 * entry, manifest.json leaving first and coming back last: while it is
 * missing, lint names the aside directory. Then carries over and cleans up.
 */
function swapInside(out: string, tree: string, id: string): void {
  const aside = join(out, `.listhost-old-${id}`);
  mkdirSync(aside);
  for (const name of [...OWNED_TOP_ENTRIES].reverse()) if (exists(join(out, name))) renameSync(join(out, name), join(aside, name));
  fsyncDirectory(out);
  for (const name of OWNED_TOP_ENTRIES) if (exists(join(tree, name))) renameSync(join(tree, name), join(out, name));
  fsyncDirectory(out);
  rmSync(tree, { recursive: true, force: true });
  carryOver(aside, out);
  rmSync(aside, { recursive: true, force: true });
}

/**
 * Takes the outdir's lock, recovers what an earlier killed synth left, then
 * makes the staging directory for a new output. The lock is held until
 * `commit()` or `abandon()`.
 */
export function stageOutdir(outdir: string): StagedOutput {
  const out = outdirTarget(outdir);
  const release = lockFor(out);
  try {
    return stageLocked(out, release);
  } catch (error) {
    release();
    throw error;
  }
}

function stageLocked(out: string, release: () => void): StagedOutput {
  recoverOutdir(out);
  const id = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const parent = dirname(out);
  const base = basename(out);
  let inside = isMountPoint(out);
  let container = join(parent, `.${base}.listhost-staging-${id}`);
  if (!inside) {
    try {
      mkdirSync(container);
    } catch (error) {
      if (!UNWRITABLE.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
      inside = true;
    }
  }
  if (inside) {
    mkdirSync(out, { recursive: true });
    container = join(out, `.listhost-staging-${id}`);
    mkdirSync(container);
  }
  const tree = inside ? container : join(container, base);
  mkdirSync(join(tree, 'stacks'), { recursive: true });

  return {
    tree,
    abandon() {
      rmSync(container, { recursive: true, force: true });
      release();
    },
    commit() {
      try {
        flushTree(tree);
        if (inside) {
          swapInside(out, tree, id);
          return;
        }
        const aside = join(parent, `.${base}.listhost-old-${id}`);
        const hadOutput = exists(out);
        if (hadOutput) {
          mkdirSync(aside);
          try {
            renameSync(out, join(aside, base));
          } catch (error) {
            if (!UNRENAMABLE.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
            // The outdir cannot be renamed (a bind mount, a handle held open): swap its entries instead,
            // from a copy of the staged output inside it (a rename across filesystems would fail).
            rmdirSync(aside);
            const insideTree = join(out, `.listhost-staging-${id}`);
            cpSync(tree, insideTree, { recursive: true });
            rmSync(container, { recursive: true, force: true });
            flushTree(insideTree);
            swapInside(out, insideTree, id);
            return;
          }
        }
        // Between these two renames there is no outdir: see recoverOutdir and `listhost lint`.
        renameSync(tree, out);
        fsyncDirectory(parent);
        rmdirSync(container);
        if (hadOutput) {
          carryOver(join(aside, base), out);
          rmSync(aside, { recursive: true, force: true });
        }
      } finally {
        release();
      }
    },
  };
}
