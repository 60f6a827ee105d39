/**
 * `npm run bench -- [--hosts N[,N...]]`: what synthesizing and linting a
 * fleet costs, against what cdktf itself and merely reading the files cost.
 *
 * For each N (default 10, 100, 1000, 10000), in one invocation, each
 * measurement a fresh node process (wall time from spawn to exit, peak RSS
 * from the child's own `process.resourceUsage().maxRSS`):
 *   (a) synth:    N MailingListHosts in stacks of 100, `await synthesize(app)`
 *                 (bench/apps/listhost-app.ts);
 *   (b) baseline: a bare cdktf app, the same stacks, one null_resource per
 *                 host, `app.synth()` (bench/apps/bare-app.ts);
 *   (b') shaped:  the same, each null_resource shaped like the library's
 *                 (12 triggers, ssh connection, 3 provisioners): what cdktf
 *                 alone costs for the library's Terraform JSON (--no-shaped
 *                 leaves it out);
 *   (c) lint:     `listhost lint <the synth's cdktf.out> --format json`;
 *   (d) floor:    reading the same files, JSON.parse / YAML-parse
 *                 (bench/lint-floor.ts).
 * (a), (b) and (b') take turns (a b b', b b' a, ...) after one warm-up of
 * each, as do (c) and (d). Medians over --runs runs (default 5; 3 from 10,000 hosts, said in
 * the output). The children are the compiled JavaScript (`dist/`, built
 * first with bench/tsconfig.json): tsx would transpile every module in every
 * measured process, a cost users of the published package do not pay.
 *
 * Output: progress on stderr; on stdout two tables and, as the last line,
 * one JSON object for the largest N, or an array of one object per N
 * (ascending) when several were measured:
 *   {"hosts","synth_ms","baseline_ms","lint_ms","parse_floor_ms","peak_rss_mb"}
 * (peak_rss_mb: the synth's, MiB; lint_ms null when the lint CLI is absent).
 *
 * Options: --hosts N[,N...] (repeatable), --runs R, --warmup W (default 1),
 * --per-stack K (default 100), --tmpdir DIR (default /dev/shm when it is a
 * writable tmpfs, else the OS temp directory), --runtime dist|tsx, --no-build,
 * --no-lint, --no-write-floor, --keep.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_HOSTS_PER_STACK } from './apps/fleet';
import { buildForBench, defaultOutputRoot, REPO } from './build';
import { figures, growth, mainTable, phaseTable, type Measurement, type Result } from './report';

const DEFAULT_SERIES = [10, 100, 1000, 10000];
const DEFAULT_RUNS = 5;
const LARGE_FLEET = 10000;
const LARGE_FLEET_RUNS = 3;

interface Options {
  readonly series: number[];
  readonly runs?: number;
  readonly warmup: number;
  readonly perStack: number;
  readonly root: string;
  readonly rootWhy: string;
  readonly runtime: 'dist' | 'tsx';
  readonly build: boolean;
  readonly lint: boolean;
  readonly writeFloor: boolean;
  readonly shaped: boolean;
  readonly keep: boolean;
}

function usage(message: string): never {
  process.stderr.write(`bench: ${message}\nusage: npm run bench -- [--hosts N[,N...]] [--runs R] [--warmup W] [--per-stack K] [--tmpdir DIR] [--runtime dist|tsx] [--no-build] [--no-lint] [--no-write-floor] [--no-shaped] [--keep]\n`);
  process.exit(2);
}

function positiveInt(flag: string, value: string | undefined, min = 1): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < min) usage(`${flag} needs an integer >= ${min}, got ${value ?? 'nothing'}`);
  return n;
}

function parseOptions(argv: readonly string[]): Options {
  const series: number[] = [];
  let runs: number | undefined;
  let warmup = 1;
  let perStack = DEFAULT_HOSTS_PER_STACK;
  let root: string | undefined;
  let runtime: 'dist' | 'tsx' = 'dist';
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (name) {
      case '--hosts':
        for (const part of (value() ?? '').split(',')) series.push(positiveInt('--hosts', part));
        break;
      case '--runs':
        runs = positiveInt('--runs', value());
        break;
      case '--warmup':
        warmup = positiveInt('--warmup', value(), 0);
        break;
      case '--per-stack':
        perStack = positiveInt('--per-stack', value());
        break;
      case '--tmpdir':
        root = value();
        if (!root) usage('--tmpdir needs a directory');
        break;
      case '--runtime': {
        const v = value();
        if (v !== 'dist' && v !== 'tsx') usage(`--runtime is dist or tsx, got ${v ?? 'nothing'}`);
        runtime = v;
        break;
      }
      case '--no-build':
      case '--no-lint':
      case '--no-write-floor':
      case '--no-shaped':
      case '--keep':
        flags.add(name);
        break;
      default:
        usage(`unknown argument ${arg}`);
    }
  }
  const chosen = root === undefined ? defaultOutputRoot() : { root, why: '--tmpdir' };
  return {
    series: series.length > 0 ? [...new Set(series)].sort((a, b) => a - b) : DEFAULT_SERIES,
    runs,
    warmup,
    perStack,
    root: chosen.root,
    rootWhy: chosen.why,
    runtime,
    build: runtime === 'dist' && !flags.has('--no-build'),
    lint: !flags.has('--no-lint'),
    writeFloor: !flags.has('--no-write-floor'),
    shaped: !flags.has('--no-shaped'),
    keep: flags.has('--keep'),
  };
}

/* ------------------------------------------------------------ measuring */

class Bench {
  private seq = 0;

  constructor(
    private readonly options: Options,
    private readonly work: string,
  ) {}

  /** node argv for one of bench/'s scripts (`apps/listhost-app`, `lint-floor`, ...). */
  private script(name: string): string {
    return this.options.runtime === 'dist' ? join(REPO, 'dist/bench', `${name}.js`) : join(REPO, 'bench', `${name}.ts`);
  }

  lintCli(): string {
    return this.options.runtime === 'dist' ? join(REPO, 'dist/lib/cli/main.js') : join(REPO, 'lib/cli/main.ts');
  }

  fresh(prefix: string): string {
    return join(this.work, `${prefix}-${++this.seq}`);
  }

  /** Runs `node [tsx] script args` once; stdout to a file when `stdoutFile` is given (the lint report). */
  run(entry: string, args: readonly string[], what: string, okCodes: readonly number[] = [0], stdoutFile?: string): Measurement {
    const rssFile = join(this.work, `rss-${++this.seq}`);
    const nodeArgs = ['--require', join(REPO, 'bench/rss-probe.cjs'), ...(this.options.runtime === 'tsx' ? ['--import', 'tsx'] : []), entry, ...args];
    const out = stdoutFile === undefined ? 'pipe' : openSync(stdoutFile, 'w');
    const env = { ...process.env, CHECKPOINT_DISABLE: '1', BENCH_RSS_FILE: rssFile };
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, nodeArgs, { cwd: REPO, env, stdio: ['ignore', out, 'pipe'], encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    if (typeof out === 'number') closeSync(out);
    if (result.error) throw new Error(`${what}: could not run: ${result.error.message}`);
    if (result.status === null || !okCodes.includes(result.status)) {
      throw new Error(`${what}: exit ${result.status ?? result.signal}\n${(result.stderr ?? '').trim().split('\n').slice(-15).join('\n')}`);
    }
    const rssKb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    rmSync(rssFile, { force: true });
    const line = stdoutFile === undefined ? (result.stdout ?? '').trim().split('\n').pop() ?? '' : '';
    const report = line.startsWith('{') ? (JSON.parse(line) as Record<string, number>) : {};
    return { wallMs, rssKb, report };
  }

  app(side: AppSide, hosts: number, outdir: string): Measurement {
    const [script, extra]: [string, string[]] =
      side === 'synth' ? ['listhost-app', []] : side === 'baseline' ? ['bare-app', ['--shape', 'bare']] : ['bare-app', ['--shape', 'provisioned']];
    return this.run(this.script(`apps/${script}`), ['--hosts', String(hosts), '--outdir', outdir, '--per-stack', String(this.options.perStack), ...extra], `${script} ${extra.join(' ')} --hosts ${hosts}`);
  }

  lint(dir: string): Measurement {
    const reportFile = join(this.work, 'lint-report.json');
    // Exit 1 is "error findings", still a complete run; 2 is unusable input.
    const m = this.run(this.lintCli(), ['lint', dir, '--format', 'json'], `listhost lint ${dir}`, [0, 1], reportFile);
    rmSync(reportFile, { force: true });
    return m;
  }

  parseFloor(dir: string): Measurement {
    return this.run(this.script('lint-floor'), [dir], `lint-floor ${dir}`);
  }

  writeFloor(src: string, dest: string): Measurement {
    return this.run(this.script('write-floor'), [src, dest], `write-floor ${src}`);
  }
}

/** Lets the kernel settle between measurements: written-back pages of the previous run are not billed to the next. */
function settle(): void {
  spawnSync('sync', [], { stdio: 'ignore' });
}

/* ------------------------------------------------------------ one N */

/** synth: the library; baseline: bare null_resources; shaped: null_resources shaped like the library's. */
type AppSide = 'synth' | 'baseline' | 'shaped';

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

function measureN(bench: Bench, options: Options, hosts: number, lintAvailable: boolean): Result {
  const runs = options.runs ?? (hosts >= LARGE_FLEET ? LARGE_FLEET_RUNS : DEFAULT_RUNS);
  const stacks = Math.ceil(hosts / options.perStack);
  const measured: Record<AppSide, Measurement[]> = { synth: [], baseline: [], shaped: [] };
  const sides: AppSide[] = options.shaped ? ['synth', 'baseline', 'shaped'] : ['synth', 'baseline'];
  let kept: string | undefined;

  const once = (side: AppSide, keep: boolean): Measurement => {
    const outdir = bench.fresh(side);
    const m = bench.app(side, hosts, outdir);
    if (keep) {
      if (kept) rmSync(kept, { recursive: true, force: true });
      kept = outdir;
    } else {
      rmSync(outdir, { recursive: true, force: true });
    }
    settle();
    return m;
  };

  for (let w = 0; w < options.warmup; w++) {
    progress(`  ${hosts} hosts: warm-up ${w + 1}/${options.warmup}`);
    for (const side of sides) once(side, false);
  }
  for (let r = 0; r < runs; r++) {
    // Rotated each run (a b c, b c a, ...): no side always runs right after another's writes.
    const order = sides.map((_, i) => sides[(i + r) % sides.length]);
    for (const side of order) measured[side].push(once(side, side === 'synth'));
    progress(`  ${hosts} hosts: run ${r + 1}/${runs}: ${sides.map((side) => `${side} ${measured[side].at(-1)!.wallMs.toFixed(0)} ms`).join(', ')}`);
  }
  const synth = measured.synth;
  const baseline = measured.baseline;
  const shaped = options.shaped ? measured.shaped : null;

  let lint: Measurement[] | null = null;
  let floor: Measurement[] | null = null;
  let write: Measurement[] | null = null;
  if (kept && options.lint) {
    floor = [];
    lint = lintAvailable ? [] : null;
    for (let w = 0; w < options.warmup; w++) {
      if (lint) bench.lint(kept);
      bench.parseFloor(kept);
    }
    for (let r = 0; r < runs; r++) {
      const order = r % 2 === 0 ? ['lint', 'floor'] : ['floor', 'lint'];
      for (const side of order) {
        if (side === 'lint' && lint) lint.push(bench.lint(kept));
        if (side === 'floor') floor.push(bench.parseFloor(kept));
      }
      progress(`  ${hosts} hosts: lint run ${r + 1}/${runs}: lint ${lint ? `${lint.at(-1)!.wallMs.toFixed(0)} ms` : 'n/a'}, parse floor ${floor.at(-1)!.wallMs.toFixed(0)} ms`);
    }
  }
  if (kept && options.writeFloor) {
    write = [];
    for (let r = 0; r < runs; r++) {
      const dest = bench.fresh('write-floor');
      write.push(bench.writeFloor(kept, dest));
      rmSync(dest, { recursive: true, force: true });
      settle();
    }
  }
  if (kept && !options.keep) rmSync(kept, { recursive: true, force: true });
  else if (kept) progress(`  ${hosts} hosts: synth output kept in ${kept}`);
  return { hosts, stacks, runs, synth, baseline, shaped, lint, floor, write };
}

/* ------------------------------------------------------------ main */

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  mkdirSync(options.root, { recursive: true });
  const work = mkdtempSync(join(options.root, 'listhost-bench-'));
  try {
    if (options.build) {
      progress('building lib/ and bench/ (tsc -p bench/tsconfig.json) ...');
      buildForBench();
    }
    const bench = new Bench(options, work);
    const lintAvailable = existsSync(bench.lintCli());
    if (options.lint && !lintAvailable) progress(`lint CLI not found (${bench.lintCli()}): lint is not measured, lint_ms is null`);
    progress(`node ${process.version}, ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; runtime ${options.runtime}; files written under ${options.root} (${options.rootWhy})`);

    const results: Result[] = [];
    for (const hosts of options.series) {
      progress(`${hosts} hosts (${Math.ceil(hosts / options.perStack)} stacks of up to ${options.perStack}):`);
      results.push(measureN(bench, options, hosts, lintAvailable));
    }

    const notes: string[] = [
      `node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${new Date().toISOString().slice(0, 10)}`,
      `runtime: ${options.runtime === 'dist' ? 'compiled dist/' : 'tsx'}; output under ${options.root} (${options.rootWhy}); ${options.warmup} warm-up run(s) per side, then medians of wall time (spawn to exit)`,
    ];
    for (const r of results) {
      if (r.runs < DEFAULT_RUNS) notes.push(`${r.hosts} hosts: ${r.runs} run(s) per side instead of ${DEFAULT_RUNS}${options.runs === undefined ? ' (a large fleet takes long; --runs 5 for more)' : ' (--runs)'}`);
    }
    if (options.lint && !lintAvailable) notes.push('lint: the lint CLI (lib/cli/main.ts) is missing, so lint was not measured');
    process.stdout.write(`${notes.join('\n')}\n\n${mainTable(results)}\n\n${phaseTable(results)}\n\n${growth(results).join('\n')}${results.length > 1 ? '\n\n' : ''}`);
    const json = results.map(figures);
    process.stdout.write(`${JSON.stringify(json.length === 1 ? json[0] : json)}\n`);
  } finally {
    if (!options.keep) rmSync(work, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error: unknown) {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
