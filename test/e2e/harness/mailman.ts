/**
 * A real Mailman 3 (Debian 12's mailman3 3.3.8) for end-to-end tests.
 *
 * `startMailman()` writes a mailman.cfg into a fresh temp dir (var_dir in that
 * dir, SQLite, REST and LMTP on free loopback ports, SMTP to a closed
 * loopback port so every delivery fails temporarily), chowns it to `list`,
 * starts `runuser -u list -- mailman -C CFG start [--force]` and waits,
 * bounded, until the master and every runner process are up and have logged
 * "<name> runner started.".
 *
 * Everything is tracked and stopped by PID (with the PID's start time, so a
 * reused PID is never signalled): the master's PID comes from the pid file,
 * runner PIDs from walking the master's process tree in /proc. See FACTS.md
 * for what was verified against the real thing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import {
  ProcRef,
  ProcStat,
  canConnect,
  cmdlineString,
  descendants,
  freePort,
  isAlive,
  procRef,
  readCmdline,
  readStat,
  run,
  runDaemonizing,
  ExecResult,
  signalRef,
  terminate,
  waitFor,
  waitGone,
} from './proc';
import { HostLock, acquireHostLock } from './lock';

/** The 13 runners Mailman 3.3.8 starts by default, in the order the master starts them. */
export const MAILMAN_DEFAULT_RUNNERS: readonly string[] = [
  'archive',
  'bounces',
  'command',
  'in',
  'lmtp',
  'nntp',
  'out',
  'pipeline',
  'rest',
  'retry',
  'task',
  'virgin',
  'digest',
];

/** Queue directories 3.3.8 creates under `<var_dir>/queue/` (verified; see FACTS.md). */
export const MAILMAN_QUEUES: readonly string[] = [
  'archive',
  'bad',
  'bounces',
  'command',
  'digest',
  'in',
  'nntp',
  'out',
  'pipeline',
  'retry',
  'shunt',
  'virgin',
];

export const MAILMAN_BIN = '/usr/bin/mailman';
export const MAILMAN_BIN_DIR = '/usr/lib/mailman3/bin';
export const MAILMAN_USER = 'list';
/** Debian's PATH only: pyenv's python3 must never be picked up. */
export const DEBIAN_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

/** A queue file name: `<repr(time.time())>+<sha1 hex>.pck` (`.bak` while a runner holds it). */
export const QUEUE_FILE_RE = /^(\d+(?:\.\d+)?)\+([0-9a-f]{40})\.(pck|bak)$/;

export interface MailmanOptions {
  /**
   * `[webservice] workers`: gunicorn workers the REST runner forks.
   * @default 2
   */
  readonly workers?: number;
  /**
   * `[runner.NAME] instances` overrides (each must be a power of 2).
   * @default {} (1 instance each)
   */
  readonly instances?: Readonly<Record<string, number>>;
  /**
   * `[mta] smtp_port`. Must be closed on 127.0.0.1 (checked at start) so
   * deliveries fail with a temporary error. Port 1 is used by default because
   * only root could ever bind it, so no concurrently started test server can
   * take it over.
   * @default 1
   */
  readonly smtpPort?: number;
  /**
   * Pass `--force` to `mailman start`, as Debian's mailman3.service does
   * (`ExecStart=/usr/bin/mailman -C /etc/mailman3/mailman.cfg start --force`).
   * It also appears in the master's command line.
   * @default true
   */
  readonly force?: boolean;
  /**
   * Bound for the start-up wait.
   * @default 120000 (an upper bound: about 9 s measured, 11 Python runners importing Mailman at once on 2 CPUs)
   */
  readonly readyTimeoutMs?: number;
  /** Appended verbatim to the generated mailman.cfg. */
  readonly extraConfig?: string;
  /**
   * Directory in which the instance's temp dir (config, var_dir) is created,
   * e.g. a test-owned mount standing for the host's data volume.
   * @default os.tmpdir()
   */
  readonly parentDir?: string;
}

export interface MailmanProcess {
  readonly pid: number;
  readonly ppid: number;
  /**
   * `master`; the runner name from `--runner=NAME:SLICE:COUNT`; `helper:gatenews`
   * for any child of the nntp runner, which runs `mailman gatenews` when it
   * starts and every `[nntp] gatenews_every` (5m) after (3.3.8,
   * runners/nntp.py); or `other:COMM` for anything else. Zombies are left out.
   */
  readonly role: string;
  /** /proc/PID/cmdline joined by spaces. */
  readonly cmdline: string;
}

export interface InjectOptions {
  /** @default 'sender@example.com' (a member if the list was created with it) */
  readonly from?: string;
  /** @default 'e2e test message' */
  readonly subject?: string;
  /** @default a short text */
  readonly body?: string;
  /** `mailman inject -q QUEUE`. @default the `in` queue (Mailman's default) */
  readonly queue?: string;
}

export interface MailmanInstance {
  /** The temp dir holding everything (removed by stop()). */
  readonly root: string;
  readonly configFile: string;
  readonly varDir: string;
  readonly queueDir: string;
  /** `<var_dir>/logs/mailman.log`. */
  readonly logFile: string;
  readonly restPort: number;
  readonly lmtpPort: number;
  readonly smtpPort: number;
  /** e.g. http://127.0.0.1:PORT/3.1 */
  readonly restUrl: string;
  /** `Authorization` header value for the REST API. */
  readonly restAuthorization: string;
  /** Process count per runner name when everything is up (REST: 1 + workers). */
  readonly expectedProcesses: ReadonlyMap<string, number>;
  /** The current master's PID (changes after start()). */
  readonly masterPid: number;
  /** Runner name -> PIDs (sorted) of the current master's live runner processes, REST workers included. */
  runnerPids(): Promise<Map<string, number[]>>;
  /** The master and all its live descendants with their command lines. */
  processes(): Promise<MailmanProcess[]>;
  /** Adopts a live master named by master.pid that the harness did not start (see stopProcesses). */
  adoptCurrentMaster(): Promise<boolean>;
  /** Runs `runuser -u list -- mailman -C CFG ARGS...` with Debian's PATH. */
  mailman(args: readonly string[]): Promise<ExecResult>;
  /** `mailman create` plus `mailman addmembers -W` (no welcome message). */
  createList(listname: string, opts?: { readonly members?: readonly string[] }): Promise<void>;
  /** Writes a message and `mailman inject`s it into the list; resolves with its Message-ID. */
  inject(listname: string, opts?: InjectOptions): Promise<string>;
  /** Queue directory names present under queueDir. */
  queueNames(): string[];
  /** File names (`.pck`/`.bak`, sorted) in one queue directory. */
  queueFiles(queue: string): string[];
  /**
   * Kills the runner process(es) of `name` that the master started (for REST
   * the gunicorn arbiter, whose workers then exit) with `signal`, and waits
   * (bounded) until they are gone. Resolves with the killed PIDs.
   */
  killRunner(name: string, opts?: { readonly signal?: NodeJS.Signals; readonly slice?: number }): Promise<number[]>;
  /** Waits (bounded) until the master and all expected runner processes are up and have logged their start. */
  waitReady(timeoutMs?: number): Promise<void>;
  /**
   * Stops the processes but keeps the temp dir: SIGTERM to the master's PID
   * (what `mailman stop` sends), bounded wait, then SIGKILL for any recorded
   * PID still alive.
   */
  stopProcesses(): Promise<void>;
  /** `mailman start` again (after stopProcesses()) and waitReady(). */
  start(opts?: { readonly force?: boolean }): Promise<void>;
  /** Every process identity this instance has seen (master and runners, across restarts). */
  recordedPids(): ProcRef[];
  /** stopProcesses() and remove the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** Why the e2e tests cannot run here, or undefined when they can. */
export function mailmanUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux /proc';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'needs root (runuser -u list)';
  if (!fs.existsSync(MAILMAN_BIN) || !fs.existsSync(path.join(MAILMAN_BIN_DIR, 'runner'))) {
    return 'Debian package mailman3 is not installed';
  }
  return undefined;
}

function listIds(): { uid: number; gid: number } {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${MAILMAN_USER}:`));
  if (!line) throw new Error(`user ${MAILMAN_USER} not found in /etc/passwd (is mailman3 installed?)`);
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

function chownR(p: string, uid: number, gid: number): void {
  fs.chownSync(p, uid, gid);
  if (fs.statSync(p).isDirectory()) {
    for (const e of fs.readdirSync(p)) chownR(path.join(p, e), uid, gid);
  }
}

/** Instances not yet stopped: killed by PID if the test process exits without stop(). */
const live = new Set<Instance>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const inst of live) inst.emergencyKill();
  });
}

function runnerNameOf(cmdline: string[]): string | undefined {
  if (cmdline.length < 2 || cmdline[1] !== path.join(MAILMAN_BIN_DIR, 'runner')) return undefined;
  for (const a of cmdline) {
    const m = /^--runner=([^:]+)(?::|$)/.exec(a);
    if (m) return m[1];
  }
  return undefined;
}

function isMasterCmdline(cmdline: string[]): boolean {
  return cmdline.length >= 2 && cmdline[1] === path.join(MAILMAN_BIN_DIR, 'master');
}

class Instance implements MailmanInstance {
  readonly varDir: string;
  readonly queueDir: string;
  readonly logFile: string;
  readonly configFile: string;
  readonly restUrl: string;
  readonly restAuthorization: string;
  readonly expectedProcesses: ReadonlyMap<string, number>;
  private readonly pidFile: string;
  private readonly recorded = new Map<string, ProcRef>();
  private master: ProcRef | undefined;
  private stopped = false;
  private msgSeq = 0;
  /** The host-wide Mailman lock (see lock.ts), released by stop(). */
  lock: HostLock | undefined;

  constructor(
    readonly root: string,
    readonly restPort: number,
    readonly lmtpPort: number,
    readonly smtpPort: number,
    private readonly ids: { uid: number; gid: number },
    private readonly opts: MailmanOptions,
    restPass: string,
  ) {
    this.varDir = path.join(root, 'var');
    this.queueDir = path.join(this.varDir, 'queue');
    this.logFile = path.join(this.varDir, 'logs', 'mailman.log');
    this.configFile = path.join(root, 'mailman.cfg');
    this.pidFile = path.join(this.varDir, 'master.pid');
    this.restUrl = `http://127.0.0.1:${restPort}/3.1`;
    this.restAuthorization = 'Basic ' + Buffer.from(`restadmin:${restPass}`).toString('base64');
    const workers = opts.workers ?? 2;
    const expected = new Map<string, number>();
    for (const name of MAILMAN_DEFAULT_RUNNERS) {
      const instances = opts.instances?.[name] ?? 1;
      expected.set(name, name === 'rest' ? instances * (1 + workers) : instances);
    }
    this.expectedProcesses = expected;
  }

  get masterPid(): number {
    if (!this.master) throw new Error('Mailman master is not running');
    return this.master.pid;
  }

  private record(ref: ProcRef | undefined): void {
    if (ref) this.recorded.set(`${ref.pid}/${ref.startTime}`, ref);
  }

  recordedPids(): ProcRef[] {
    return [...this.recorded.values()];
  }

  private readMasterPid(): number | undefined {
    try {
      const n = Number(fs.readFileSync(this.pidFile, 'utf8').trim());
      return Number.isInteger(n) && n > 0 ? n : undefined;
    } catch {
      return undefined;
    }
  }

  async processes(): Promise<MailmanProcess[]> {
    if (!this.master || !isAlive(this.master)) return [];
    const out: MailmanProcess[] = [];
    const m = this.master;
    out.push({ pid: m.pid, ppid: readStat(m.pid)?.ppid ?? 0, role: 'master', cmdline: cmdlineString(m.pid) ?? '' });
    const seen: { pid: number; st: ProcStat; cmd: string[] }[] = [];
    for (const pid of descendants(m.pid)) {
      const cmd = readCmdline(pid);
      const st = readStat(pid);
      // A zombie has exited and only waits for its parent to reap it: nothing runs.
      if (!cmd || !st || st.state === 'Z' || st.state === 'X') continue;
      seen.push({ pid, st, cmd });
    }
    const nntpRunners = new Set(seen.filter((p) => p.st.ppid === m.pid && runnerNameOf(p.cmd) === 'nntp').map((p) => p.pid));
    for (const { pid, st, cmd } of seen) {
      // The nntp runner's only child is `mailman gatenews` (runners/nntp.py,
      // subprocess.run). Until that child execs it shows the runner's own
      // command line, and while it exits an empty one, so it is classified by
      // its parent, not by its cmdline.
      const name = nntpRunners.has(st.ppid) ? 'helper:gatenews' : runnerNameOf(cmd);
      this.record(procRef(pid));
      out.push({ pid, ppid: st.ppid, role: name ?? `other:${st.comm}`, cmdline: cmd.join(' ') });
    }
    return out;
  }

  async runnerPids(): Promise<Map<string, number[]>> {
    const byName = new Map<string, number[]>();
    for (const p of await this.processes()) {
      if (p.role === 'master' || p.role.startsWith('helper:') || p.role.startsWith('other:')) continue;
      const list = byName.get(p.role) ?? [];
      list.push(p.pid);
      byName.set(p.role, list);
    }
    for (const list of byName.values()) list.sort((a, b) => a - b);
    return byName;
  }

  mailman(args: readonly string[]): Promise<ExecResult> {
    return run('runuser', ['-u', MAILMAN_USER, '--', MAILMAN_BIN, '-C', this.configFile, ...args], {
      cwd: this.root,
      env: this.env(),
    });
  }

  private env(): NodeJS.ProcessEnv {
    return { PATH: DEBIAN_PATH, LANG: 'C.UTF-8', HOME: this.varDir };
  }

  private async mailmanOk(args: readonly string[]): Promise<ExecResult> {
    const r = await this.mailman(args);
    if (r.code !== 0) {
      throw new Error(`mailman ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    }
    return r;
  }

  async createList(listname: string, opts: { readonly members?: readonly string[] } = {}): Promise<void> {
    await this.mailmanOk(['create', '--quiet', listname]);
    const members = opts.members ?? [];
    if (members.length > 0) {
      const file = this.writeFile(`members-${++this.msgSeq}.txt`, members.join('\n') + '\n');
      await this.mailmanOk(['addmembers', '--no-welcome-msg', file, listname]);
    }
  }

  async inject(listname: string, opts: InjectOptions = {}): Promise<string> {
    const n = ++this.msgSeq;
    const messageId = `<e2e-${n}-${crypto.randomBytes(6).toString('hex')}@example.com>`;
    const text = [
      `From: ${opts.from ?? 'sender@example.com'}`,
      `To: ${listname}`,
      `Subject: ${opts.subject ?? 'e2e test message'}`,
      `Message-ID: ${messageId}`,
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset="us-ascii"',
      '',
      opts.body ?? 'A message injected by the cdktf-listhost e2e harness.',
      '',
    ].join('\n');
    const file = this.writeFile(`msg-${n}.eml`, text);
    const args = ['inject', '-f', file];
    if (opts.queue) args.push('-q', opts.queue);
    args.push(listname);
    await this.mailmanOk(args);
    return messageId;
  }

  private writeFile(name: string, content: string): string {
    const dir = path.join(this.root, 'input');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    fs.writeFileSync(file, content, { mode: 0o644 });
    fs.chownSync(dir, this.ids.uid, this.ids.gid);
    fs.chownSync(file, this.ids.uid, this.ids.gid);
    return file;
  }

  queueNames(): string[] {
    return fs
      .readdirSync(this.queueDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  }

  queueFiles(queue: string): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(path.join(this.queueDir, queue));
    } catch {
      return [];
    }
    return names.filter((f) => f.endsWith('.pck') || f.endsWith('.bak')).sort();
  }

  async killRunner(
    name: string,
    opts: { readonly signal?: NodeJS.Signals; readonly slice?: number } = {},
  ): Promise<number[]> {
    if (!this.master) throw new Error('Mailman master is not running');
    const masterPid = this.master.pid;
    const procs = (await this.processes()).filter((p) => p.role === name && p.ppid === masterPid);
    const targets = procs.filter(
      (p) => opts.slice === undefined || new RegExp(`--runner=${name}:${opts.slice}:`).test(p.cmdline),
    );
    if (targets.length === 0) throw new Error(`no running "${name}" runner under master ${masterPid}`);
    const refs = targets.map((p) => procRef(p.pid)).filter((r): r is ProcRef => !!r);
    for (const r of refs) signalRef(r, opts.signal ?? 'SIGKILL');
    const left = await waitGone(refs, 10_000);
    if (left.length > 0) throw new Error(`runner ${name} PIDs ${left.map((r) => r.pid).join(',')} survived ${opts.signal}`);
    return refs.map((r) => r.pid);
  }

  private startedInLog(pid: number, name: string): boolean {
    let log: string;
    try {
      log = fs.readFileSync(this.logFile, 'utf8');
    } catch {
      return false;
    }
    return log.includes(`(${pid}) ${name} runner started.`);
  }

  async waitReady(timeoutMs?: number): Promise<void> {
    const bound = timeoutMs ?? this.opts.readyTimeoutMs ?? 120_000;
    const deadline = Date.now() + bound;
    const left = () => Math.max(0, deadline - Date.now());
    const master = await waitFor(
      () => {
        const pid = this.readMasterPid();
        const ref = pid === undefined ? undefined : procRef(pid);
        return ref && isMasterCmdline(readCmdline(pid!) ?? []) ? ref : undefined;
      },
      { timeoutMs: left(), what: `master pid file ${this.pidFile}` },
      () => this.logTail(),
    );
    this.master = master;
    this.record(master);
    await waitFor(
      async () => {
        const pids = await this.runnerPids();
        for (const [name, n] of this.expectedProcesses) {
          const got = pids.get(name) ?? [];
          if (got.length !== n) return false;
          // the master's direct child of each runner logs "<name> runner started."
          for (const pid of got) {
            if (readStat(pid)?.ppid === master.pid && !this.startedInLog(pid, name)) return false;
          }
        }
        return (await canConnect(this.restPort)) && (await canConnect(this.lmtpPort));
      },
      { timeoutMs: left(), what: 'all Mailman runners to start', intervalMs: 200 },
      async () => `${JSON.stringify([...(await this.runnerPids())])}\n${this.logTail()}`,
    );
  }

  private logTail(): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '(no mailman.log yet)';
    }
  }

  async start(opts: { readonly force?: boolean } = {}): Promise<void> {
    if (this.master && isAlive(this.master)) throw new Error('Mailman is already running');
    const args = ['start'];
    if (opts.force ?? this.opts.force ?? true) args.push('--force');
    // the forked master keeps the caller's stdout/stderr open: no pipes here
    const r = await runDaemonizing(
      'runuser',
      ['-u', MAILMAN_USER, '--', MAILMAN_BIN, '-C', this.configFile, ...args],
      { outputFile: path.join(this.root, 'start.out'), cwd: this.root, env: this.env(), timeoutMs: 60_000 },
    );
    // whatever happened, the master may have been forked: pick it up for cleanup
    const pid = this.readMasterPid();
    if (pid !== undefined) this.record(procRef(pid));
    if (r.code !== 0) {
      throw new Error(`mailman start exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\n${this.logTail()}`);
    }
    await this.waitReady();
  }

  /**
   * Adopts the master named by master.pid when it is a live Mailman master
   * other than the one known (started by something else: a self-heal
   * restart), and records its tree, so stop() finds it by PID. Returns
   * whether the known master changed.
   */
  async adoptCurrentMaster(): Promise<boolean> {
    const pid = this.readMasterPid();
    const ref = pid === undefined ? undefined : procRef(pid);
    if (!ref || !isMasterCmdline(readCmdline(ref.pid) ?? [])) return false;
    if (this.master && this.master.pid === ref.pid && this.master.startTime === ref.startTime) return false;
    if (this.master) this.record(this.master);
    this.master = ref;
    this.record(ref);
    await this.processes();
    return true;
  }

  async stopProcesses(): Promise<void> {
    // a master started behind the harness' back (self-heal) is stopped too
    await this.adoptCurrentMaster();
    // refresh what we know about the current tree before signalling
    if (this.master && isAlive(this.master)) await this.processes();
    const master = this.master;
    this.master = undefined;
    if (master && isAlive(master)) {
      signalRef(master, 'SIGTERM');
      const left = await waitGone([master], 30_000);
      if (left.length > 0) signalRef(master, 'SIGKILL');
    }
    const leftovers = await terminate(this.recordedPids().filter(isAlive), { graceMs: 10_000 });
    if (leftovers.length > 0) {
      throw new Error(`Mailman processes survived SIGKILL: ${leftovers.map((r) => r.pid).join(', ')}`);
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.stopProcesses();
    } finally {
      this.stopped = true;
      live.delete(this);
      fs.rmSync(this.root, { recursive: true, force: true });
      this.lock?.release();
    }
  }

  /** Synchronous last resort from process 'exit': SIGKILL by recorded PID, remove the dir. */
  emergencyKill(): void {
    const pid = this.readMasterPid();
    if (pid !== undefined) this.record(procRef(pid));
    for (const r of this.recordedPids()) signalRef(r, 'SIGKILL');
    try {
      fs.rmSync(this.root, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
}

function configText(o: {
  varDir: string;
  restPort: number;
  lmtpPort: number;
  smtpPort: number;
  restPass: string;
  workers: number;
  instances: Readonly<Record<string, number>>;
  extra?: string;
}): string {
  const lines = [
    '# written by test/e2e/harness/mailman.ts',
    '[mailman]',
    'layout: e2e',
    'site_owner: postmaster@example.org',
    '',
    '[paths.e2e]',
    `var_dir: ${o.varDir}`,
    // the default ($argv) would be /usr/bin, where Debian has no master/runner scripts
    `bin_dir: ${MAILMAN_BIN_DIR}`,
    '',
    '[database]',
    'class: mailman.database.sqlite.SQLiteDatabase',
    'url: sqlite:///$DATA_DIR/mailman.db',
    '',
    '[webservice]',
    'hostname: 127.0.0.1',
    `port: ${o.restPort}`,
    'admin_user: restadmin',
    `admin_pass: ${o.restPass}`,
    `workers: ${o.workers}`,
    '',
    '[mta]',
    // the postfix default runs /usr/sbin/postmap at `mailman start`, which is not installed
    'incoming: mailman.mta.null.NullMTA',
    'smtp_host: 127.0.0.1',
    `smtp_port: ${o.smtpPort}`,
    'lmtp_host: 127.0.0.1',
    `lmtp_port: ${o.lmtpPort}`,
    '',
  ];
  for (const [name, n] of Object.entries(o.instances)) {
    if (!Number.isInteger(n) || n < 1 || (n & (n - 1)) !== 0) {
      throw new Error(`instances.${name} must be a power of 2, got ${n}`);
    }
    lines.push(`[runner.${name}]`, `instances: ${n}`, '');
  }
  if (o.extra) lines.push(o.extra, '');
  return lines.join('\n');
}

/** Starts a private Mailman 3 as user `list`; call `stop()` on the result (in `after`/finally). */
export async function startMailman(opts: MailmanOptions = {}): Promise<MailmanInstance> {
  const why = mailmanUnavailable();
  if (why) throw new Error(`cannot start Mailman: ${why}`);
  const ids = listIds();
  const smtpPort = opts.smtpPort ?? 1;
  if (await canConnect(smtpPort)) throw new Error(`smtp_port ${smtpPort} is open on 127.0.0.1; it must be closed`);
  // process-exporter, pgrep and check_procs see every Mailman on the host: one at a time
  const lock = await acquireHostLock();
  let root: string;
  let restPort: number;
  let lmtpPort: number;
  try {
    restPort = await freePort();
    lmtpPort = await freePort();
    while (lmtpPort === restPort) lmtpPort = await freePort();
    root = fs.mkdtempSync(path.join(opts.parentDir ?? os.tmpdir(), 'listhost-e2e-mailman-'));
  } catch (e) {
    lock.release();
    throw e;
  }
  const restPass = crypto.randomBytes(12).toString('hex');
  const inst = new Instance(root, restPort, lmtpPort, smtpPort, ids, opts, restPass);
  inst.lock = lock;
  live.add(inst);
  installExitHook();
  try {
    fs.mkdirSync(inst.varDir);
    fs.writeFileSync(
      inst.configFile,
      configText({
        varDir: inst.varDir,
        restPort,
        lmtpPort,
        smtpPort,
        restPass,
        workers: opts.workers ?? 2,
        instances: opts.instances ?? {},
        extra: opts.extraConfig,
      }),
      { mode: 0o640 },
    );
    chownR(root, ids.uid, ids.gid);
    // like Debian's /var/lib/mailman3 and /etc/mailman3 (0755): other users (a monitoring agent) may
    // traverse it; what Mailman creates below keeps Mailman's own modes (queue dirs 0770 list:list)
    fs.chmodSync(root, 0o755);
    await inst.start();
    return inst;
  } catch (e) {
    await inst.stop().catch(() => undefined);
    throw e;
  }
}
