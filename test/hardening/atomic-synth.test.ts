/**
 * Issue 8, atomic writes: a synth or a lint killed at any moment leaves the
 * previous complete output or the new complete output, never a mix that
 * lints clean. Synths of test/hardening/atomic-app.ts (version A, and B,
 * which differs in every stack) run as child processes and are SIGKILLed at
 * moments drawn from a seeded PRNG (LISTHOST_KILL_SEED) over the whole run;
 * after each kill the output must hash to complete A or complete B (with the
 * terraform files a user had in it), or be the documented interrupted swap:
 * no output, the previous one in `.<out>.listhost-old-*`, which lint rejects
 * naming it and the next synth restores. How many kills landed in each phase
 * is printed (test diagnostics).
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../lib/cli/program';
import { REPO } from '../helpers/synth';

const TSX = pathToFileURL(require.resolve('tsx', { paths: [REPO] })).href;
const APP = join(REPO, 'test/hardening/atomic-app.ts');
const MAIN = join(REPO, 'lib/cli/main.ts');
const HOSTS_PER_STACK = '8';
const KILLS = 20;
const SEED = Number(process.env.LISTHOST_KILL_SEED ?? 20260808);

/** mulberry32: the same kill moments for the same seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Digest of a whole tree: every path (dotfiles too), its type, mode and content. */
function treeHash(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const hash = createHash('sha256');
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs).sort()) {
      const path = join(abs, name);
      const stat = lstatSync(path);
      const r = rel ? `${rel}/${name}` : name;
      if (stat.isDirectory()) {
        hash.update(`d ${r}\n`);
        walk(path, r);
      } else {
        hash.update(`f ${r} ${(stat.mode & 0o777).toString(8)} ${stat.size}\n`).update(readFileSync(path));
      }
    }
  };
  walk(dir, '');
  return hash.digest('hex');
}

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly ms: number;
  readonly stderr: string;
}

/** Runs `args` under node; SIGKILLs it (by its pid) after `killAfterMs` unless it has exited. */
function runNode(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string, killAfterMs?: number): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--import', TSX, ...args], { cwd, env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolvePromise({ code, signal, ms: Number(process.hrtime.bigint() - start) / 1e6, stderr });
    });
  });
}

function synth(version: 'A' | 'B', outdir: string, killAfterMs?: number): Promise<Run> {
  return runNode([APP], { CDKTF_OUTDIR: outdir, LISTHOST_APP_VERSION: version, LISTHOST_APP_HOSTS: HOSTS_PER_STACK }, REPO, killAfterMs);
}

async function lint(args: readonly string[], cwd: string): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await runCli(['lint', ...args], { stdout: () => undefined, stderr: (t) => (stderr += t), cwd });
  return { code, stderr };
}

/** What a user and terraform keep in the output, which every synth must carry over. */
function addUserFiles(out: string): void {
  mkdirSync(join(out, 'stacks/east/.terraform/providers'), { recursive: true });
  writeFileSync(join(out, 'stacks/east/.terraform/providers/registry.txt'), 'provider cache\n');
  writeFileSync(join(out, 'stacks/east/.terraform.lock.hcl'), '# lock\n');
  writeFileSync(join(out, 'stacks/west/terraform.tfstate'), '{"version":4,"serial":7}\n');
  writeFileSync(join(out, 'NOTES.txt'), 'kept\n');
}

function userFilesIntact(out: string): boolean {
  return (
    readFileSync(join(out, 'stacks/east/.terraform/providers/registry.txt'), 'utf8') === 'provider cache\n' &&
    readFileSync(join(out, 'stacks/west/terraform.tfstate'), 'utf8') === '{"version":4,"serial":7}\n' &&
    existsSync(join(out, 'stacks/east/.terraform.lock.hcl')) &&
    existsSync(join(out, 'NOTES.txt'))
  );
}

const LEFTOVER = /^\.out\.listhost-(staging|old)-(\d+)-[0-9a-f]+$/;

function leftovers(work: string): { staging: string[]; old: string[] } {
  const found = { staging: [] as string[], old: [] as string[] };
  for (const name of readdirSync(work)) {
    const m = LEFTOVER.exec(name);
    if (m) found[m[1] as 'staging' | 'old'].push(name);
  }
  return found;
}

function deadPid(): number {
  return spawnSync('true').pid!;
}

describe('a synth killed at any moment', () => {
  let work: string;
  let out: string;
  const hash: Record<'A' | 'B', string> = { A: '', B: '' };
  const refs: Record<'A' | 'B', string> = { A: '', B: '' };
  let duration = 0;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'listhost-atomic-'));
    out = join(work, 'out');
    const a = await synth('A', out);
    assert.equal(a.code, 0, a.stderr);
    addUserFiles(out);
    hash.A = treeHash(out)!;
    refs.A = join(work, 'ref-A');
    cpSync(out, refs.A, { recursive: true });
    const b = await synth('B', out);
    assert.equal(b.code, 0, b.stderr);
    hash.B = treeHash(out)!;
    refs.B = join(work, 'ref-B');
    cpSync(out, refs.B, { recursive: true });
    const again = await synth('A', out);
    assert.equal(again.code, 0, again.stderr);
    duration = Math.max(b.ms, again.ms);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  /** Synthesizes the other version than the output holds; it must come out complete, user files and all. */
  async function synthTheOther(): Promise<Run> {
    const next = treeHash(out) === hash.A ? 'B' : 'A';
    const run = await synth(next, out);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(treeHash(out), hash[next]);
    assert.ok(userFilesIntact(out));
    assert.deepEqual(leftovers(work), { staging: [], old: [] });
    return run;
  }

  it('carries the user\'s terraform files over, and A and B differ in every stack', () => {
    assert.equal(treeHash(out), hash.A, 'A, B, A again: byte-identical to the first A');
    assert.ok(userFilesIntact(out));
    assert.deepEqual(leftovers(work), { staging: [], old: [] });
    for (const stack of ['east', 'west', 'north']) {
      assert.notEqual(treeHash(join(refs.A, 'stacks', stack, 'monitoring')), treeHash(join(refs.B, 'stacks', stack, 'monitoring')));
      assert.notEqual(readFileSync(join(refs.A, 'stacks', stack, 'cdk.tf.json'), 'utf8'), readFileSync(join(refs.B, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
    }
  });

  it(`leaves complete A, complete B, or the recoverable swap, over ${KILLS} kills`, async () => {
    const random = prng(SEED);
    const phases = new Map<string, number>();
    const outcomes = new Map<string, number>();
    const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
    let state: 'A' | 'B' = 'A';
    for (let i = 0; i < KILLS; i++) {
      const target: 'A' | 'B' = state === 'A' ? 'B' : 'A';
      const delay = Math.round(random() * duration * 1.1);
      const run = await synth(target, out, delay);
      const left = leftovers(work);
      const now = treeHash(out);
      const hasManifest = existsSync(join(out, 'manifest.json'));
      const phase: string =
        run.signal === null ? 'exited before the kill'
        : left.old.length > 0 && !hasManifest ? 'between the two renames'
        : left.old.length > 0 ? 'after the swap (carry-over, cleanup)'
        : left.staging.length > 0 ? 'writing the staged output'
        : now === hash[target] ? 'after cleanup'
        : 'before staging (start-up, construct tree, jsonnet)';
      count(phases, phase);
      const report = await lint(['out'], work);
      if (now === hash.A || now === hash.B) {
        const got = now === hash.A ? 'A' : 'B';
        count(outcomes, got === target ? 'new complete' : 'previous complete');
        assert.equal(report.code, 0, `kill ${i} (${delay} ms, ${phase}): a complete output must lint clean: ${report.stderr}`);
        state = got;
      } else {
        // Only the swap window may leave anything else: no output, the previous one aside.
        assert.equal(phase, 'between the two renames', `kill ${i} at ${delay} ms left a tree that is neither A nor B (${phase})`);
        assert.equal(left.old.length, 1);
        const aside = treeHash(join(work, left.old[0], 'out'));
        assert.ok(aside === hash.A || aside === hash.B, 'the aside directory holds a complete output');
        assert.equal(report.code, 2, report.stderr);
        assert.ok(report.stderr.includes(left.old[0]), `lint names the leftover: ${report.stderr}`);
        count(outcomes, 'interrupted swap (lint exit 2)');
        state = aside === hash.A ? 'A' : 'B';
      }
    }
    // The next synth finishes or undoes what the last kill left.
    const final = await synth(state === 'A' ? 'B' : 'A', out);
    assert.equal(final.code, 0, final.stderr);
    assert.equal(treeHash(out), hash[state === 'A' ? 'B' : 'A']);
    assert.deepEqual(leftovers(work), { staging: [], old: [] });
    assert.ok(userFilesIntact(out));
    const summary = { seed: SEED, kills: KILLS, synthMs: Math.round(duration), phases: Object.fromEntries(phases), outcomes: Object.fromEntries(outcomes) };
    console.log(`# atomic synth kills: ${JSON.stringify(summary)}`);
    assert.ok((phases.get('writing the staged output') ?? 0) > 0, `no kill landed while writing: ${JSON.stringify(summary)}`);
  });

  it('between the two renames: lint exits 2 naming the previous output; the next synth restores it first', async () => {
    for (const skeleton of [false, true]) {
      const current = treeHash(out) === hash.A ? 'A' : 'B';
      const aside = join(work, `.out.listhost-old-${deadPid()}-0000abcd`);
      mkdirSync(aside);
      renameSync(out, join(aside, 'out'));
      // A synth started since then has had cdktf's App create an empty outdir.
      if (skeleton) mkdirSync(join(out, 'stacks'), { recursive: true });
      const report = await lint(['out'], work);
      assert.equal(report.code, 2, report.stderr);
      assert.match(report.stderr, /^listhost: out: has no output: a synth was interrupted .*\.out\.listhost-old-\d+-0000abcd\/out/);
      assert.ok(!report.stderr.slice(0, -1).includes('\n'));
      const next = current === 'A' ? 'B' : 'A';
      const run = await synth(next, out);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(treeHash(out), hash[next]);
      assert.deepEqual(leftovers(work), { staging: [], old: [] });
    }
  });

  it('after the swap: the next synth moves the terraform files left aside into the output', async () => {
    const aside = join(work, `.out.listhost-old-${deadPid()}-0000beef`);
    mkdirSync(join(aside, 'out/stacks/east'), { recursive: true });
    mkdirSync(join(aside, 'out/stacks/west'), { recursive: true });
    renameSync(join(out, 'stacks/east/.terraform'), join(aside, 'out/stacks/east/.terraform'));
    renameSync(join(out, 'stacks/west/terraform.tfstate'), join(aside, 'out/stacks/west/terraform.tfstate'));
    const report = await lint(['out'], work);
    assert.equal(report.code, 0, 'the output itself is complete');
    await synthTheOther();
  });

  it('a leftover named with the pid of a running process is still a dead synth\'s (pids are reused): restored', async () => {
    const aside = join(work, `.out.listhost-old-${process.pid}-0000c0de`);
    mkdirSync(aside);
    renameSync(out, join(aside, 'out'));
    await synthTheOther();
  });

  it('a previous file the new output also has is kept beside it, never deleted', async () => {
    const current = treeHash(out) === hash.A ? 'A' : 'B';
    const aside = join(work, `.out.listhost-old-${deadPid()}-0000f00d`);
    mkdirSync(join(aside, 'out/stacks/west'), { recursive: true });
    writeFileSync(join(aside, 'out/stacks/west/terraform.tfstate'), '{"version":4,"serial":3}\n');
    const next = current === 'A' ? 'B' : 'A';
    const run = await synth(next, out);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /terraform\.tfstate is in the new output already; the previous one is kept as .*terraform\.tfstate\.listhost-previous/);
    assert.equal(readFileSync(join(out, 'stacks/west/terraform.tfstate'), 'utf8'), '{"version":4,"serial":7}\n', 'the output\'s own state stays');
    assert.equal(readFileSync(join(out, 'stacks/west/terraform.tfstate.listhost-previous'), 'utf8'), '{"version":4,"serial":3}\n', 'the older one is kept');
    rmSync(join(out, 'stacks/west/terraform.tfstate.listhost-previous'));
    assert.equal(treeHash(out), hash[next]);
  });

  it('one synth at a time: a running synth\'s lock fails the next with its pid; a dead one\'s is taken over', async () => {
    const lock = join(work, '.out.listhost-lock');
    const before = treeHash(out);
    writeFileSync(lock, `${process.pid}\n`);
    const refused = await synth('A', out);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, new RegExp(`another synth \\(pid ${process.pid}\\) is writing .*out; wait for it to finish, or remove .*\\.out\\.listhost-lock`));
    assert.equal(treeHash(out), before, 'the output is untouched');
    writeFileSync(lock, `${deadPid()}\n`);
    const run = await synth('A', out);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(treeHash(out), hash.A);
    assert.ok(!existsSync(lock), 'released');
  });

  it('lint rejects files of two synths mixed (generation markers)', async () => {
    const mixes: [string, string][] = [
      ['stacks/west/monitoring', 'a monitoring/ of another synth'],
      ['stacks/north/hosts', 'a hosts/ of another synth'],
      ['stacks/east', 'a stack directory of another synth'],
    ];
    for (const [path] of mixes) {
      const mixed = join(work, 'mixed');
      rmSync(mixed, { recursive: true, force: true });
      cpSync(refs.A, mixed, { recursive: true });
      rmSync(join(mixed, path), { recursive: true });
      cpSync(join(refs.B, path), join(mixed, path), { recursive: true });
      const report = await lint(['mixed'], work);
      assert.equal(report.code, 2, `${path}: ${report.stderr}`);
      assert.match(report.stderr, /\.listhost-generation: is from another synth .*files of two synths are mixed/);
    }
    // A stale cdk.tf.json beside the rest is caught by the rules or the loader, never clean.
    const mixed = join(work, 'mixed');
    rmSync(mixed, { recursive: true, force: true });
    cpSync(refs.A, mixed, { recursive: true });
    cpSync(join(refs.B, 'stacks/east/cdk.tf.json'), join(mixed, 'stacks/east/cdk.tf.json'));
    assert.notEqual((await lint(['mixed'], work)).code, 0);
  });
});

describe('a lint killed while writing its --output report', () => {
  let work: string;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'listhost-atomic-lint-'));
    const run = await synth('B', join(work, 'out'));
    assert.equal(run.code, 0, run.stderr);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it(`leaves the previous report or the new one, over ${KILLS} kills`, async () => {
    const lintArgs = (format: string) => [MAIN, 'lint', 'out', '--format', format, '--output', 'report.out'];
    const reports: Record<string, string> = {};
    let duration = 0;
    for (const format of ['json', 'sarif']) {
      const run = await runNode(lintArgs(format), {}, work);
      assert.equal(run.code, 0, run.stderr);
      reports[format] = readFileSync(join(work, 'report.out'), 'utf8');
      duration = Math.max(duration, run.ms);
    }
    assert.notEqual(reports.json, reports.sarif);
    const random = prng(SEED + 1);
    const outcomes = new Map<string, number>();
    let previous = 'sarif';
    for (let i = 0; i < KILLS; i++) {
      const format = previous === 'sarif' ? 'json' : 'sarif';
      const run = await runNode(lintArgs(format), {}, work, Math.round(random() * duration * 1.1));
      const text = readFileSync(join(work, 'report.out'), 'utf8');
      const got = Object.keys(reports).find((f) => reports[f] === text);
      assert.ok(got !== undefined, `kill ${i}: report.out is neither complete report (${text.length} bytes)`);
      const key = `${run.signal === null ? 'finished' : 'killed'}: ${got === format ? 'new report' : 'previous report'}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      previous = got;
    }
    const temporaries = () => readdirSync(work).filter((f) => f.startsWith('.report.out.') && f.endsWith('.tmp'));
    const leftBehind = temporaries().length;
    // The next write removes the temporary files of killed ones.
    const run = await runNode(lintArgs('json'), {}, work);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(temporaries(), []);
    console.log(`# atomic lint kills: ${JSON.stringify({ kills: KILLS, lintMs: Math.round(duration), outcomes: Object.fromEntries(outcomes), temporariesLeft: leftBehind })}`);
    assert.ok([...outcomes.keys()].some((k) => k.startsWith('killed')));
  });
});

describe('a symlinked outdir', () => {
  let work: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'listhost-link-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('swaps the target and keeps the link; interrupted between the renames, lint names the previous output beside the target', async () => {
    mkdirSync(join(work, 'real'));
    symlinkSync('real', join(work, 'out'));
    for (const version of ['A', 'B'] as const) {
      const run = await synth(version, join(work, 'out'));
      assert.equal(run.code, 0, run.stderr);
    }
    assert.ok(lstatSync(join(work, 'out')).isSymbolicLink(), 'still a link');
    assert.equal((await lint(['out'], work)).code, 0);
    const aside = join(work, `.real.listhost-old-${deadPid()}-0000a11c`);
    mkdirSync(aside);
    renameSync(join(work, 'real'), join(aside, 'real'));
    const report = await lint(['out'], work);
    assert.equal(report.code, 2, report.stderr);
    assert.match(report.stderr, /a synth was interrupted .*\.real\.listhost-old-\d+-0000a11c\/real/);
  });
});

describe('an outdir that cannot be renamed (a bind mount on the same filesystem)', () => {
  let work: string;
  let out: string;
  let mounted = false;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'listhost-bind-'));
    out = join(work, 'out');
    mkdirSync(join(work, 'volume'));
    mkdirSync(out);
    const mount = spawnSync('mount', ['--bind', join(work, 'volume'), out], { encoding: 'utf8' });
    assert.equal(mount.status, 0, `mount --bind: ${mount.stderr}`);
    mounted = true;
  });
  after(() => {
    if (mounted) spawnSync('umount', [out]);
    rmSync(work, { recursive: true, force: true });
  });

  it('synthesizes into it, then replaces it by swapping its entries; lint passes', async () => {
    for (const version of ['A', 'B', 'A'] as const) {
      const run = await synth(version, out);
      assert.equal(run.code, 0, `${version}: ${run.stderr}`);
      assert.equal((await lint(['out'], work)).code, 0, version);
      assert.deepEqual(readdirSync(out).filter((n) => /^\.listhost-(staging|old|lock)/.test(n)), [], 'no staging or aside directory left inside');
      assert.deepEqual(leftovers(work), { staging: [], old: [] });
    }
    assert.ok(readFileSync(join(out, 'stacks/east/monitoring/prometheus/rules.yml'), 'utf8').includes('runbooks.example.org/a/east/'));
  });
});
