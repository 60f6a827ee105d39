/**
 * Real prometheus-node-exporter and prometheus-process-exporter (Debian 12
 * packages) on loopback ports for end-to-end tests, started and stopped by
 * PID, plus a scrape helper that parses the text format.
 *
 * Flag syntax (checked with --help on the installed versions):
 * - node exporter 1.5.0 (kingpin): `--web.listen-address=127.0.0.1:PORT`,
 *   `--collector.textfile.directory=DIR`, `--collector.disable-defaults`,
 *   `--collector.<name>`.
 * - process-exporter 0.7.10 (Go flag): `-config.path FILE`,
 *   `-web.listen-address 127.0.0.1:PORT`, `-children` (default true),
 *   `-threads` (default true), `-gather-smaps` (default true), `-recheck`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChildProcess, spawn } from 'node:child_process';
import { ProcRef, freePort, isAlive, procRef, signalRef, terminate, waitFor } from './proc';
import { Samples, parsePrometheusText } from './promtext';
import { MAILMAN_BIN_DIR, MAILMAN_DEFAULT_RUNNERS } from './mailman';

export type { Sample, Samples } from './promtext';
export { parsePrometheusText, select, valueOf } from './promtext';

export const NODE_EXPORTER_BIN = '/usr/bin/prometheus-node-exporter';
export const PROCESS_EXPORTER_BIN = '/usr/bin/prometheus-process-exporter';

export interface ExporterInstance {
  /** The temp dir holding this exporter's files (removed by stop()). */
  readonly dir: string;
  readonly port: number;
  /** http://127.0.0.1:PORT/metrics */
  readonly url: string;
  readonly pid: number;
  readonly ref: ProcRef;
  /** The full argv it was started with. */
  readonly argv: readonly string[];
  /** stdout+stderr so far. */
  output(): string;
  /** SIGTERM by PID, bounded wait, SIGKILL if needed; removes the dir. Idempotent. */
  stop(): Promise<void>;
}

export interface NodeExporterInstance extends ExporterInstance {
  /** `--collector.textfile.directory`. */
  readonly textfileDir: string;
}

export interface ProcessExporterInstance extends ExporterInstance {
  readonly configFile: string;
}

/** Why the exporters cannot run here, or undefined. */
export function exportersUnavailable(): string | undefined {
  for (const bin of [NODE_EXPORTER_BIN, PROCESS_EXPORTER_BIN]) {
    if (!fs.existsSync(bin)) return `${bin} is not installed`;
  }
  return undefined;
}

/** GETs a /metrics URL and parses it. */
export async function scrape(url: string): Promise<Samples> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return parsePrometheusText(await res.text());
}

const live = new Set<Exporter>();
let exitHookInstalled = false;

class Exporter implements ExporterInstance {
  private out = '';
  private stopped = false;
  readonly pid: number;
  readonly ref: ProcRef;
  readonly url: string;

  constructor(
    readonly dir: string,
    readonly port: number,
    readonly argv: readonly string[],
    private readonly child: ChildProcess,
  ) {
    this.pid = child.pid!;
    // the ref is taken right after spawn(), while the child cannot have been reaped yet
    this.ref = procRef(this.pid) ?? { pid: this.pid, startTime: '?' };
    this.url = `http://127.0.0.1:${port}/metrics`;
    child.stdout?.on('data', (d: Buffer) => (this.out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.out += d.toString()));
  }

  output(): string {
    return this.out;
  }

  exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  async waitReady(timeoutMs: number): Promise<void> {
    await waitFor(
      async () => {
        if (this.exited()) throw new Error(`exited (${this.child.exitCode ?? this.child.signalCode}): ${this.out}`);
        const res = await fetch(this.url, { signal: AbortSignal.timeout(2_000) });
        await res.arrayBuffer();
        return res.ok;
      },
      { timeoutMs, what: `${this.argv[0]} on ${this.url}` },
      () => this.out.slice(-2000),
    );
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    live.delete(this);
    try {
      if (!this.exited()) {
        const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
        const left = await terminate([this.ref], { graceMs: 10_000 });
        if (left.length > 0) throw new Error(`${this.argv[0]} (pid ${this.pid}) survived SIGKILL`);
        // let node reap it so no zombie is left behind
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      }
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }

  emergencyKill(): void {
    if (!this.exited()) signalRef(this.ref, 'SIGKILL');
    try {
      fs.rmSync(this.dir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
}

async function startExporter(
  dir: string,
  port: number,
  argv: readonly string[],
  readyTimeoutMs: number,
): Promise<Exporter> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const e of live) e.emergencyKill();
    });
  }
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  if (child.pid === undefined) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not spawn ${argv[0]}`);
  }
  const exp = new Exporter(dir, port, argv, child);
  live.add(exp);
  try {
    await exp.waitReady(readyTimeoutMs);
  } catch (e) {
    await exp.stop().catch(() => undefined);
    throw e;
  }
  return exp;
}

export interface NodeExporterOptions {
  /**
   * Collectors to enable on top of `--collector.disable-defaults`.
   * @default ['filesystem', 'textfile']
   */
  readonly collectors?: readonly string[];
  /** An existing textfile directory. @default a new dir inside the exporter's temp dir */
  readonly textfileDir?: string;
  /** More flags, e.g. `--collector.filesystem.mount-points-exclude=^/(proc|sys)($|/)`. */
  readonly extraArgs?: readonly string[];
  /** @default 15000 */
  readonly readyTimeoutMs?: number;
}

/**
 * Starts prometheus-node-exporter on 127.0.0.1:<free port>. Note Debian's
 * default `--collector.filesystem.mount-points-exclude` is
 * `^/(dev|proc|run|sys|mnt|media|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)`:
 * a test filesystem mounted under /mnt or /run is NOT reported unless
 * extraArgs overrides it.
 */
export async function startNodeExporter(opts: NodeExporterOptions = {}): Promise<NodeExporterInstance> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'listhost-e2e-node-exporter-'));
  const textfileDir = opts.textfileDir ?? path.join(dir, 'textfile');
  fs.mkdirSync(textfileDir, { recursive: true });
  const port = await freePort();
  const argv = [
    NODE_EXPORTER_BIN,
    `--web.listen-address=127.0.0.1:${port}`,
    '--collector.disable-defaults',
    ...(opts.collectors ?? ['filesystem', 'textfile']).map((c) => `--collector.${c}`),
    `--collector.textfile.directory=${textfileDir}`,
    ...(opts.extraArgs ?? []),
  ];
  const exp = await startExporter(dir, port, argv, opts.readyTimeoutMs ?? 15_000);
  return Object.assign(exp, { textfileDir }) as Exporter & { textfileDir: string };
}

/** One process-exporter group. */
export interface ProcessGroup {
  readonly name: string;
  /**
   * Go regexps; process-exporter matches each (unanchored, all must match)
   * against /proc/PID/cmdline joined by single spaces, argv[0] included.
   */
  readonly cmdline?: readonly string[];
  /** Exact process names (/proc/PID/stat comm, 15 chars max), any of which matches. */
  readonly comm?: readonly string[];
}

function yamlSingleQuoted(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** The YAML config file for process-exporter's `-config.path`. */
export function processExporterYaml(groups: readonly ProcessGroup[]): string {
  const lines = ['process_names:'];
  for (const g of groups) {
    lines.push(`  - name: ${yamlSingleQuoted(g.name)}`);
    if (g.comm) {
      lines.push('    comm:');
      for (const c of g.comm) lines.push(`      - ${yamlSingleQuoted(c)}`);
    }
    if (g.cmdline) {
      lines.push('    cmdline:');
      for (const re of g.cmdline) lines.push(`      - ${yamlSingleQuoted(re)}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The candidate regex for one runner's processes (REST workers share the command line). */
export function mailmanRunnerRegex(runner: string): string {
  return `${MAILMAN_BIN_DIR}/runner .*--runner=${runner}:`;
}

/** The candidate regex for the master. */
export const MAILMAN_MASTER_REGEX = `${MAILMAN_BIN_DIR}/master( |$)`;

/**
 * Anchored variant: the script must be argv[1] (argv[0] is the interpreter,
 * whatever its path), so a command line that merely mentions the pattern
 * (a `pgrep -f` or check_procs run, an editor) is not counted.
 */
export function mailmanRunnerRegexAnchored(runner: string): string {
  return `^\\S+ ${MAILMAN_BIN_DIR}/runner .*--runner=${runner}:`;
}

/** Anchored variant of the master regex. */
export const MAILMAN_MASTER_REGEX_ANCHORED = `^\\S+ ${MAILMAN_BIN_DIR}/master( |$)`;

/** One group per runner (`mailman-runner-<name>`) and `mailman-master`. */
export function mailmanProcessGroups(
  runners: readonly string[] = MAILMAN_DEFAULT_RUNNERS,
  regexFor: (runner: string) => string = mailmanRunnerRegex,
  masterRegex: string = MAILMAN_MASTER_REGEX,
): ProcessGroup[] {
  return [
    ...runners.map((r) => ({ name: `mailman-runner-${r}`, cmdline: [regexFor(r)] })),
    { name: 'mailman-master', cmdline: [masterRegex] },
  ];
}

export interface ProcessExporterOptions {
  /** The config as groups or as literal YAML. @default mailmanProcessGroups() */
  readonly groups?: readonly ProcessGroup[];
  readonly configYaml?: string;
  /** More flags, e.g. `-threads=false`. */
  readonly extraArgs?: readonly string[];
  /** @default 15000 */
  readonly readyTimeoutMs?: number;
}

/** Starts prometheus-process-exporter on 127.0.0.1:<free port> with a config file in its temp dir. */
export async function startProcessExporter(opts: ProcessExporterOptions = {}): Promise<ProcessExporterInstance> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'listhost-e2e-process-exporter-'));
  const configFile = path.join(dir, 'process-exporter.yml');
  fs.writeFileSync(configFile, opts.configYaml ?? processExporterYaml(opts.groups ?? mailmanProcessGroups()));
  const port = await freePort();
  const argv = [
    PROCESS_EXPORTER_BIN,
    '-config.path',
    configFile,
    '-web.listen-address',
    `127.0.0.1:${port}`,
    ...(opts.extraArgs ?? []),
  ];
  const exp = await startExporter(dir, port, argv, opts.readyTimeoutMs ?? 15_000);
  return Object.assign(exp, { configFile }) as Exporter & { configFile: string };
}

/** True while the exporter's own process still runs (for end-of-test checks). */
export function exporterAlive(e: ExporterInstance): boolean {
  return isAlive(e.ref);
}
