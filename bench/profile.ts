/**
 * CPU profile of one library synth: runs the listhost app under
 * `node --cpu-prof` and summarizes the profile's self time by function and
 * by module (package or library directory).
 *
 * Usage: tsx bench/profile.ts [--hosts 1000] [--per-stack 100] [--top 25] [--tmpdir DIR (default: as bench/run.ts)] [--no-build] [--keep]
 *        tsx bench/profile.ts --summarize FILE.cpuprofile [--top 25]
 * --inclusive REGEX: the scripts whose functions get an inclusive-time table (default /dist/lib/).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { argValue } from './apps/fleet';
import { buildForBench, defaultOutputRoot, REPO } from './build';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface ProfileEntry {
  readonly name: string;
  readonly selfMs: number;
  readonly percent: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Self time by function. */
  readonly functions: readonly ProfileEntry[];
  /** Self time by module (package or library directory). */
  readonly modules: readonly ProfileEntry[];
  /** Total time (self and callees, recursion counted once) by library function. */
  readonly inclusive: readonly ProfileEntry[];
}

/** Where a script URL belongs: `cdktf`, `yaml`, `lib/render`, `node:internal`, ... */
function moduleOf(url: string): string {
  if (url === '') return '(native/VM)';
  if (url.startsWith('node:')) return url.startsWith('node:internal') ? 'node:internal' : url;
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = path.slice(nm + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const rel = relative(REPO, path).replace(/^dist\//, '');
  const parts = rel.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : rel;
}

function location(frame: CallFrame): string {
  if (frame.url === '') return '';
  const path = frame.url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  const shown = nm >= 0 ? path.slice(nm + '/node_modules/'.length) : relative(REPO, path);
  return `${shown}:${frame.lineNumber + 1}`;
}

/** Self time per function (name + location) and per module, largest first. */
export function summarizeProfile(profile: CpuProfile, top = 25, inclusiveUrl: RegExp = /\/dist\/lib\//): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + delta);
  }
  const functions = new Map<string, number>();
  const modules = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const key = `${frame.functionName || '(anonymous)'} ${location(frame)}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + us);
    const mod = frame.url === '' && frame.functionName.startsWith('(') ? frame.functionName : moduleOf(frame.url);
    modules.set(mod, (modules.get(mod) ?? 0) + us);
    total += us;
  }
  // Inclusive time of the functions in matching scripts (default the library's, dist/lib/): walk the tree, each
  // function counted once per path, so recursion does not double its time.
  const inclusive = new Map<string, number>();
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const keyOf = (frame: CallFrame) => `${frame.functionName || '(anonymous)'} ${location(frame)}`.trim();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parentOf.get(n)) {
      const frame = byId.get(n)!.callFrame;
      if (!inclusiveUrl.test(frame.url)) continue;
      const key = keyOf(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const rank = (map: Map<string, number>): ProfileEntry[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: us / 1000, percent: (100 * us) / total }));
  return { totalMs: total / 1000, functions: rank(functions), modules: rank(modules), inclusive: rank(inclusive) };
}

export function renderSummary(summary: ProfileSummary): string {
  const table = (title: string, rows: readonly ProfileEntry[]) =>
    [`| ${title} | self ms | % |`, '| --- | ---: | ---: |', ...rows.map((r) => `| \`${r.name.replace(/\|/g, '\\|')}\` | ${r.selfMs.toFixed(0)} | ${r.percent.toFixed(1)} |`)].join('\n');
  return [
    `profile: ${summary.totalMs.toFixed(0)} ms sampled (idle = waiting, e.g. for the jsonnet worker thread)`,
    table('function', summary.functions),
    table('module', summary.modules),
    table('library function (inclusive)', summary.inclusive).replace('self ms', 'total ms'),
  ].join('\n\n') + '\n';
}

function main(): void {
  const argv = process.argv.slice(2);
  const top = Number(argValue(argv, '--top') ?? 25);
  const inclusiveArg = argValue(argv, '--inclusive');
  const inclusive = inclusiveArg === undefined ? undefined : new RegExp(inclusiveArg);
  const given = argValue(argv, '--summarize');
  if (given) {
    process.stdout.write(renderSummary(summarizeProfile(JSON.parse(readFileSync(given, 'utf8')) as CpuProfile, top, inclusive)));
    return;
  }
  const hosts = argValue(argv, '--hosts') ?? '1000';
  const perStack = argValue(argv, '--per-stack');
  if (!argv.includes('--no-build')) buildForBench();
  const work = mkdtempSync(join(argValue(argv, '--tmpdir') ?? defaultOutputRoot().root, 'listhost-profile-'));
  const profDir = join(work, 'prof');
  const args = [
    '--cpu-prof', '--cpu-prof-dir', profDir,
    join(REPO, 'dist/bench/apps/listhost-app.js'), '--hosts', hosts, '--outdir', join(work, 'cdktf.out'),
    ...(perStack ? ['--per-stack', perStack] : []),
  ];
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  if (result.status !== 0) throw new Error(`listhost app failed (${result.status}): ${result.stderr}`);
  const file = join(profDir, readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))!);
  process.stdout.write(`listhost app, ${hosts} hosts: ${result.stdout.trim()}\n`);
  process.stdout.write(renderSummary(summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, top, inclusive)));
  if (argv.includes('--keep')) process.stdout.write(`profile kept: ${resolve(file)}\n`);
  else rmSync(work, { recursive: true, force: true });
}

if (require.main === module) main();
