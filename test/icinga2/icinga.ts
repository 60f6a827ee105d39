/**
 * Running the real icinga2 binary from tests, inside a temporary directory:
 * every path Icinga writes (cache, state, logs, run dir, spool) is defined
 * into that directory and it runs as the current user, so nothing under /var
 * or /etc is touched.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { run, type RunResult } from '../helpers/run';

export const ICINGA2 = '/usr/sbin/icinga2';
export const PLUGIN_DIR = '/usr/lib/nagios/plugins';

/** An object as Icinga writes it to its objects cache (`icinga2.debug`) or state file. */
export interface IcingaObject {
  readonly type: string;
  readonly name: string;
  readonly properties: Record<string, any>;
}

/** Icinga's cache and state files: netstrings (`LEN:JSON,`) of JSON records. */
export function readNetstrings(path: string): any[] {
  const data = readFileSync(path);
  const records: any[] = [];
  let i = 0;
  while (i < data.length) {
    const colon = data.indexOf(0x3a, i);
    const length = Number(data.subarray(i, colon).toString('ascii'));
    records.push(JSON.parse(data.subarray(colon + 1, colon + 1 + length).toString('utf8')));
    if (data[colon + 1 + length] !== 0x2c) throw new Error(`${path}: malformed netstring at ${i}`);
    i = colon + 2 + length;
  }
  return records;
}

/** A temporary Icinga instance: a main file including the rendered files, and private runtime dirs. */
export class IcingaInstance {
  readonly confDir: string;
  readonly mainFile: string;

  constructor(
    readonly root: string,
    private readonly constants: Record<string, string> = {},
  ) {
    this.confDir = join(root, 'conf.d');
    this.mainFile = join(root, 'main.conf');
    for (const d of ['conf.d', 'cache', 'data', 'log', 'run/icinga2', 'spool']) mkdirSync(join(root, d), { recursive: true });
  }

  /** Writes the rendered files and a main file: ITL, plugins, `head`, then the rendered files. */
  write(files: Record<string, string>, head = ''): void {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(this.confDir, name), content);
    writeFileSync(this.mainFile, `include <itl>\ninclude <plugins>\n${head}\ninclude "${this.confDir}/*.conf"\n`);
  }

  defines(): string[] {
    const user = userInfo().username;
    const group = run('id', ['-gn']).stdout.trim();
    const constants: Record<string, string> = {
      PluginDir: PLUGIN_DIR,
      ...this.constants,
      'Configuration.CacheDir': join(this.root, 'cache'),
      'Configuration.DataDir': join(this.root, 'data'),
      'Configuration.LogDir': join(this.root, 'log'),
      'Configuration.InitRunDir': join(this.root, 'run'),
      'Configuration.SpoolDir': join(this.root, 'spool'),
      'Configuration.RunAsUser': user,
      'Configuration.RunAsGroup': group,
    };
    return Object.entries(constants).flatMap(([k, v]) => ['-D', `${k}=${v}`]);
  }

  /** `icinga2 daemon -C`: validates the configuration and writes the objects cache. */
  validate(): RunResult {
    if (!existsSync(ICINGA2)) throw new Error(`${ICINGA2} is missing: install the icinga2 Debian package (scripts/install-test-tools.sh)`);
    return run(ICINGA2, ['daemon', '-C', '-c', this.mainFile, ...this.defines()]);
  }

  /** The objects `daemon -C` loaded, after a successful `validate()`. */
  objects(): IcingaObject[] {
    return readNetstrings(join(this.root, 'cache', 'icinga2.debug')).map((r) => ({ type: r.type, name: r.properties.__name ?? r.name, properties: r.properties }));
  }

  /** Starts the daemon in the foreground (no fork); stop it with `stop()`. */
  start(): ChildProcess {
    const child = spawn(ICINGA2, ['daemon', '-c', this.mainFile, ...this.defines()], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    (child as ChildProcess & { output: () => string }).output = () => output;
    return child;
  }

  get statePath(): string {
    return join(this.root, 'data', 'icinga2.state');
  }
}

export function daemonOutput(child: ChildProcess): string {
  return (child as ChildProcess & { output?: () => string }).output?.() ?? '';
}

/** Stops a daemon this test started (by its PID) and waits for it to exit. */
export async function stopDaemon(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid!, 'SIGTERM');
  await exited;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `condition` until it returns a value, failing with `what` after
 * `limitMs` (a safety net against a hang, not a timing assertion).
 */
export async function waitFor<T>(what: string, condition: () => T | undefined, limitMs = 90_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = condition();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(200);
  }
}
