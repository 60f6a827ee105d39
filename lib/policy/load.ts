/**
 * Reads what `listhost lint` checks: a cdktf.out directory (manifest.json,
 * each stack's cdk.tf.json, every file the stack wrote, each host's
 * host.json validated against the published schema) or a JSON/YAML host
 * spec file. Every file is read once and parsed at most once; anything
 * unusable is a LintInputError naming the file (and JSON pointer).
 */
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ListhostSchemaError } from '../errors';
import { interruptedSwap } from '../synth/atomic-outdir';
import { generationMismatch, readGenerationMarkers } from '../synth/generation';
import type { HostModel } from '../model/types';
import { validateHostModel } from '../model/validate';
import { formatOf, parseJsonText, parseYamlText, readTextFile } from './data-file';
import type { LintInput } from './engine';
import { LintInputError } from './errors';
import { artifactStore, createStack, hostJsonPath, type HostSource } from './stack';
import { pointerToken, type HostUnderLint, type StackUnderLint } from './types';

/** What was read, for reports (pointer -> line) and for tests that count reads. */
export interface LoadedInput extends LintInput {
  /** Display path -> text of every file read. */
  readonly texts: ReadonlyMap<string, string>;
  readonly stats: { readonly filesRead: number; readonly bytesRead: number; readonly jsonParsed: number };
}

/** A path as shown to the user: relative to the working directory when inside it. */
export function displayPath(path: string, cwd: string = process.cwd()): string {
  const abs = resolve(cwd, path);
  const rel = relative(cwd, abs);
  const shown = rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
  return shown.split(sep).join('/');
}

/**
 * A synth killed between moving the previous output aside and moving the
 * new one in (lib/synth/atomic-outdir.ts) leaves no output, and the previous
 * one in a directory beside it: named here, not reported as a missing output.
 */
function interruptedSynth(abs: string, shown: string, cwd: string): void {
  const leftover = interruptedSwap(abs);
  if (leftover === undefined) return;
  throw new LintInputError(
    shown,
    `has no output: a synth was interrupted while swapping in its output (or is doing so now); the previous complete output is in ${displayPath(leftover.tree, cwd)}. Run cdktf synth again (it restores that first), or move it back`,
  );
}

export function loadLintInput(path: string, cwd: string = process.cwd()): LoadedInput {
  const abs = resolve(cwd, path);
  const shown = displayPath(abs, cwd);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(abs).isDirectory();
  } catch {
    interruptedSynth(abs, shown, cwd);
    throw new LintInputError(
      shown,
      path === 'cdktf.out'
        ? 'no such directory: run `cdktf synth` first, or pass a cdktf.out directory or a host spec file'
        : 'no such file or directory: pass a cdktf.out directory or a .json/.yaml host spec file',
    );
  }
  return isDirectory ? loadCdktfOut(abs, shown, cwd) : loadSpecFile(abs, shown);
}

/* ------------------------------------------------------------ host specs */

function hostList(value: unknown, file: string): { items: unknown[]; base: string } {
  if (Array.isArray(value)) return { items: value, base: '' };
  if (value !== null && typeof value === 'object') {
    const doc = value as Record<string, unknown>;
    if ('hosts' in doc) {
      const extra = Object.keys(doc).find((k) => k !== 'hosts');
      if (extra !== undefined) throw new LintInputError(file, `unknown property '${extra}' beside 'hosts'`, `/${pointerToken(extra)}`);
      if (!Array.isArray(doc.hosts)) throw new LintInputError(file, "'hosts' must be a list of host models", '/hosts');
      return { items: doc.hosts, base: '/hosts' };
    }
    return { items: [value], base: '' };
  }
  throw new LintInputError(file, 'expected a host model, a list of host models, or { hosts: [...] }', '/');
}

function validated(value: unknown, file: string, pointer: string): HostModel {
  try {
    validateHostModel(value, file);
  } catch (error) {
    if (error instanceof ListhostSchemaError) {
      const inner = error.pointer === '/' ? '' : error.pointer;
      const detail = error.message.slice(error.message.indexOf(': ') + 2);
      throw new LintInputError(file, `does not match the host schema (lib/schema/host.schema.json): ${detail}`, `${pointer}${inner}` || '/');
    }
    throw error;
  }
  return value as HostModel;
}

export function loadSpecFile(abs: string, shown: string): LoadedInput {
  const format = formatOf(abs);
  if (!format) throw new LintInputError(shown, 'is not a directory or a host spec: expected a cdktf.out directory or a .json, .yaml or .yml file');
  const text = readTextFile(abs, shown);
  const value = format === 'json' ? parseJsonText(text, shown) : parseYamlText(text, shown);
  const { items, base } = hostList(value, shown);
  if (items.length === 0) throw new LintInputError(shown, 'holds no hosts', base || '/');
  const seen = new Map<string, number>();
  const hosts: HostUnderLint[] = items.map((item, i) => {
    const pointer = items.length === 1 && base === '' && !Array.isArray(value) ? '' : `${base}/${i}`;
    const model = validated(item, shown, pointer);
    const before = seen.get(model.fqdn);
    if (before !== undefined) throw new LintInputError(shown, `host ${model.fqdn} is declared twice (also at ${base}/${before})`, `${pointer}/fqdn`);
    seen.set(model.fqdn, i);
    return { model, stack: null, source: { file: shown, pointer } };
  });
  return {
    hosts,
    stacks: [],
    sources: [{ file: shown, text }],
    mode: 'spec',
    texts: new Map([[shown, text]]),
    stats: { filesRead: 1, bytesRead: text.length, jsonParsed: 1 },
  };
}

/* ------------------------------------------------------------- cdktf.out */

interface Counter {
  files: number;
  bytes: number;
  json: number;
}

/** Every file under `dir`, relative posix paths; skips the writer's interrupted staging directories. */
function listFiles(dir: string, shownDir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string, rel: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch (error) {
      throw new LintInputError(`${shownDir}/${rel}`, `cannot list directory: ${(error as Error).message}`);
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.listhost-')) continue;
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(join(abs, entry.name), childRel);
      else if (entry.isFile()) out.push(childRel);
    }
  };
  walk(dir, '');
  return out.sort();
}

function readAll(dir: string, shownDir: string, counter: Counter): Map<string, string> {
  const files = new Map<string, string>();
  for (const rel of listFiles(dir, shownDir)) {
    let buffer: Buffer;
    try {
      buffer = readFileSync(join(dir, rel));
    } catch (error) {
      throw new LintInputError(`${shownDir}/${rel}`, `cannot read: ${(error as Error).message}`);
    }
    counter.files++;
    counter.bytes += buffer.length;
    // Binary files cannot hold the text the rules read.
    if (buffer.subarray(0, 8000).includes(0)) continue;
    files.set(rel, buffer.toString('utf8'));
  }
  return files;
}

interface Provisioned {
  readonly fqdn: string;
  readonly files: readonly string[];
  readonly pointer: string;
}

/** The hosts cdk.tf.json provisions: null_resources whose file provisioner uploads `hosts/<fqdn>/rootfs/`. */
function provisionedHosts(tf: unknown): Provisioned[] {
  const out: Provisioned[] = [];
  const resources = (tf as { resource?: { null_resource?: Record<string, unknown> } } | null)?.resource?.null_resource;
  if (!resources || typeof resources !== 'object') return out;
  for (const [id, resource] of Object.entries(resources)) {
    const r = resource as { provisioner?: unknown[]; triggers?: Record<string, unknown> };
    for (const p of Array.isArray(r?.provisioner) ? r.provisioner : []) {
      const source = (p as { file?: { source?: unknown } })?.file?.source;
      const m = typeof source === 'string' ? /^hosts\/([^/]+)\/rootfs\/?$/.exec(source) : null;
      if (m) {
        out.push({ fqdn: m[1], files: Object.keys(r.triggers ?? {}).filter((k) => k.startsWith('/')), pointer: `/resource/null_resource/${pointerToken(id)}` });
      }
    }
  }
  return out;
}

function loadStack(root: string, shownRoot: string, name: string, entry: unknown, manifestShown: string, counter: Counter): { stack: StackUnderLint; texts: Map<string, string> } {
  const pointer = `/stacks/${pointerToken(name)}`;
  const e = entry as { workingDirectory?: unknown; synthesizedStackPath?: unknown } | null;
  if (!e || typeof e !== 'object' || typeof e.workingDirectory !== 'string') {
    throw new LintInputError(manifestShown, `stack '${name}' has no workingDirectory`, `${pointer}/workingDirectory`);
  }
  const workingDirectory = e.workingDirectory.replace(/\/+$/, '');
  const dir = resolve(root, workingDirectory);
  const shownDir = `${shownRoot}/${workingDirectory}`;
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new LintInputError(manifestShown, `stack '${name}' is in ${workingDirectory}, which is missing (truncated cdktf.out? run cdktf synth again)`, `${pointer}/workingDirectory`);
  }
  const files = readAll(dir, shownDir, counter);
  const texts = new Map<string, string>();
  for (const [rel, text] of files) texts.set(`${shownDir}/${rel}`, text);

  let provisioned: Provisioned[] = [];
  if (typeof e.synthesizedStackPath === 'string') {
    const tfRel = relative(dir, resolve(root, e.synthesizedStackPath)).split(sep).join('/');
    const tfText = files.get(tfRel);
    if (tfText === undefined) {
      throw new LintInputError(manifestShown, `stack '${name}': ${e.synthesizedStackPath} is missing (truncated cdktf.out? run cdktf synth again)`, `${pointer}/synthesizedStackPath`);
    }
    counter.json++;
    provisioned = provisionedHosts(parseJsonText(tfText, `${shownDir}/${tfRel}`));
  }

  const hostDirs = new Set<string>();
  for (const rel of files.keys()) {
    const m = /^hosts\/([^/]+)\//.exec(rel);
    if (m) hostDirs.add(m[1]);
  }
  for (const p of provisioned) {
    for (const file of p.files) {
      const rel = `hosts/${p.fqdn}/rootfs${file}`;
      if (!files.has(rel)) {
        throw new LintInputError(`${shownDir}/${rel}`, `missing, but cdk.tf.json provisions it on ${p.fqdn} (truncated cdktf.out? run cdktf synth again)`);
      }
    }
    hostDirs.add(p.fqdn);
  }

  const hosts: HostSource[] = [];
  for (const fqdn of [...hostDirs].sort()) {
    const rel = hostJsonPath(fqdn);
    const shown = `${shownDir}/${rel}`;
    const text = files.get(rel);
    if (text === undefined) {
      throw new LintInputError(shown, `missing: ${provisioned.some((p) => p.fqdn === fqdn) ? 'cdk.tf.json provisions this host' : `hosts/${fqdn}/ has files`} but no host model (truncated cdktf.out? run cdktf synth again)`);
    }
    counter.json++;
    const model = validated(parseJsonText(text, shown), shown, '');
    if (model.fqdn !== fqdn) throw new LintInputError(shown, `fqdn is '${model.fqdn}', but the file is in hosts/${fqdn}/`, '/fqdn');
    hosts.push({ model, source: { file: shown, pointer: '' } });
  }
  return { stack: createStack(name, artifactStore(files, `${shownDir}/`), hosts), texts };
}

/**
 * Every synth marks its output with one generation (lib/synth/generation.ts):
 * markers that disagree mean files of two synths mixed, which no rule could
 * be trusted on. An output without any marker (older versions) is accepted.
 */
function checkGeneration(abs: string, shown: string, stacks: Record<string, { workingDirectory?: unknown } | null>): void {
  const directories = Object.keys(stacks)
    .sort()
    .map((name) => stacks[name]?.workingDirectory)
    .filter((dir): dir is string => typeof dir === 'string')
    .map((dir) => dir.replace(/\/+$/, ''));
  const mismatch = generationMismatch(readGenerationMarkers(abs, directories));
  if (mismatch === undefined) return;
  const file = `${shown === '.' ? '' : `${shown}/`}${mismatch.found.path}`;
  const short = (g: string | undefined) => (g === undefined ? 'none' : g.slice(0, 12));
  throw new LintInputError(
    file,
    `${mismatch.found.generation === undefined ? 'missing' : `is from another synth (generation ${short(mismatch.found.generation)})`}, but the output's top marker says generation ${short(mismatch.expected)}: files of two synths are mixed; run cdktf synth again`,
  );
}

export function loadCdktfOut(abs: string, shown: string, cwd: string = process.cwd()): LoadedInput {
  const counter: Counter = { files: 0, bytes: 0, json: 0 };
  const manifestShown = `${shown === '.' ? '' : `${shown}/`}manifest.json`;
  let manifestText: string;
  try {
    manifestText = readFileSync(join(abs, 'manifest.json'), 'utf8');
  } catch {
    interruptedSynth(abs, shown, cwd);
    throw new LintInputError(manifestShown, 'missing: not a cdktf output directory (run `cdktf synth`, or pass a .json/.yaml host spec file)');
  }
  counter.files++;
  counter.bytes += manifestText.length;
  counter.json++;
  const manifest = parseJsonText(manifestText, manifestShown) as { stacks?: unknown };
  if (!manifest || typeof manifest !== 'object' || !manifest.stacks || typeof manifest.stacks !== 'object' || Array.isArray(manifest.stacks)) {
    throw new LintInputError(manifestShown, 'has no stacks map: not a cdktf manifest', '/stacks');
  }
  checkGeneration(abs, shown, manifest.stacks as Record<string, { workingDirectory?: unknown }>);
  const texts = new Map<string, string>([[manifestShown, manifestText]]);
  const stacks: StackUnderLint[] = [];
  const owner = new Map<string, string>();
  for (const name of Object.keys(manifest.stacks).sort()) {
    const loaded = loadStack(abs, shown === '.' ? '.' : shown, name, (manifest.stacks as Record<string, unknown>)[name], manifestShown, counter);
    for (const [k, v] of loaded.texts) texts.set(k, v);
    for (const host of loaded.stack.hosts) {
      const other = owner.get(host.model.fqdn);
      if (other !== undefined) throw new LintInputError(host.source.file, `host ${host.model.fqdn} is declared in stacks '${other}' and '${name}'; declare each host once`);
      owner.set(host.model.fqdn, name);
    }
    stacks.push(loaded.stack);
  }
  return {
    hosts: stacks.flatMap((s) => s.hosts),
    stacks,
    sources: [{ file: manifestShown, text: manifestText }],
    mode: 'artifacts',
    texts,
    stats: { filesRead: counter.files, bytesRead: counter.bytes, jsonParsed: counter.json },
  };
}
