/**
 * The running test Mailman behind a MailmanInstance: its paths and ports,
 * the processes it has seen (recorded by PID and start time, so a reused
 * PID is never signalled), `mailman` commands and message injection as user
 * `list`, its queue directories, and starting, waiting for and stopping it.
 * startMailman() in mailman.ts creates it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import {
  ProcRef,
  canConnect,
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
import { HostLock } from './lock';
import {
  DEBIAN_PATH,
  InjectOptions,
  MAILMAN_BIN,
  MAILMAN_DEFAULT_RUNNERS,
  MAILMAN_USER,
  MailmanInstance,
  MailmanOptions,
  MailmanProcess,
} from './mailman-api';
import { isMasterCmdline, mailmanProcessTree, runnerPidsByName } from './mailman-processes';

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

/** Kills `inst` by its recorded PIDs if the test process exits before its stop(). */
export function killAtExitUnlessStopped(inst: Instance): void {
  live.add(inst);
  installExitHook();
}

export class Instance implements MailmanInstance {
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
    return mailmanProcessTree(this.master, (pid) => this.record(procRef(pid)));
  }

  async runnerPids(): Promise<Map<string, number[]>> {
    return runnerPidsByName(await this.processes());
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
