/**
 * What the Mailman harness offers its tests: the facts of Debian 12's
 * mailman3 3.3.8 it relies on (runner and queue names, paths, the queue file
 * name), the options of startMailman() and the MailmanInstance it returns.
 * Imported through mailman.ts, which re-exports all of it.
 */
import type { ExecResult, ProcRef } from './proc';

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
