/**
 * Runs the rendered Icinga 2 configuration once in a real icinga2 daemon on
 * this machine and returns what it executed: for every service, the argv
 * Icinga built from the ITL CheckCommand and our variables, its exit status
 * and output. Tests then re-run exactly those argvs by hand as the world
 * changes (a runner killed, messages queued, inodes used up), so what they
 * run is what Icinga would run, not a reconstruction of it.
 *
 * Everything Icinga writes lives in a temp dir; the daemon runs in the
 * foreground as the current user, is stopped by PID (SIGTERM, bounded wait,
 * SIGKILL) and the dir is removed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChildProcess, spawn } from 'node:child_process';
import { ProcRef, procRef, run, signalRef, terminate, waitFor, ExecResult } from './proc';
import { readNetstrings } from '../../icinga2/icinga';

export const ICINGA2_BIN = '/usr/sbin/icinga2';
export const NAGIOS_PLUGIN_DIR = '/usr/lib/nagios/plugins';

export interface IcingaCheckResult {
  /** The argv Icinga ran (argv[0] is the plugin path in the run's PluginDir). */
  readonly command: readonly string[];
  readonly exit_status: number;
  readonly output: string;
}

export interface IcingaRunOptions {
  /** Rendered files (name -> content), e.g. renderIcinga2([host], { agentParentZone: null }). */
  readonly files: Readonly<Record<string, string>>;
  /** Extra plugins (file name -> content) installed into the run's PluginDir next to the monitoring plugins. */
  readonly plugins?: Readonly<Record<string, string>>;
  /** The Host object name (the host's fqdn). */
  readonly hostName: string;
  /** Services expected to get a check result; the run waits (bounded) for all of them. */
  readonly expectedServices: number;
  /** @default 60000 */
  readonly timeoutMs?: number;
}

export interface IcingaRun {
  /** Service name -> last check result. */
  readonly results: ReadonlyMap<string, IcingaCheckResult>;
  /** The run's PluginDir (gone after the run; argv[0] of each command points into it). */
  readonly pluginDir: string;
}

function checkedServices(statusPath: string): Set<string> {
  const checked = new Set<string>();
  let text: string;
  try {
    text = fs.readFileSync(statusPath, 'utf8');
  } catch {
    return checked;
  }
  for (const block of text.split('servicestatus {').slice(1)) {
    const name = /\n\s*service_description=(.*)\n/.exec(block)?.[1];
    if (name && /\n\s*has_been_checked=1\n/.test(block)) checked.add(name);
  }
  return checked;
}

/**
 * The plugin a check ran, in the system PluginDir: argv[0] of an Icinga
 * result points into the run's temporary PluginDir (symlinks to the system
 * plugins, copies of ours); `ours` maps our plugin names to where the test
 * keeps them.
 */
export function rebaseCommand(command: readonly string[], pluginDir: string, ours: Readonly<Record<string, string>> = {}): string[] {
  const [bin, ...args] = command;
  if (path.dirname(bin) !== pluginDir) throw new Error(`${bin} is not in the run's PluginDir ${pluginDir}`);
  const name = path.basename(bin);
  return [ours[name] ?? path.join(NAGIOS_PLUGIN_DIR, name), ...args];
}

/** Runs an argv (a plugin) and returns its exit status and output. */
export function runCheck(argv: readonly string[]): Promise<ExecResult> {
  return run(argv[0], argv.slice(1), { timeoutMs: 30_000 });
}

export async function runIcingaOnce(opts: IcingaRunOptions): Promise<IcingaRun> {
  if (!fs.existsSync(ICINGA2_BIN)) throw new Error(`${ICINGA2_BIN} is missing: install the icinga2 Debian package (scripts/install-test-tools.sh)`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'listhost-e2e-icinga-'));
  let child: ChildProcess | undefined;
  let ref: ProcRef | undefined;
  let output = '';
  try {
    for (const d of ['conf.d', 'cache', 'data', 'log', 'run/icinga2', 'spool', 'plugins']) fs.mkdirSync(path.join(root, d), { recursive: true });
    const pluginDir = path.join(root, 'plugins');
    for (const name of fs.readdirSync(NAGIOS_PLUGIN_DIR)) fs.symlinkSync(path.join(NAGIOS_PLUGIN_DIR, name), path.join(pluginDir, name));
    for (const [name, content] of Object.entries(opts.plugins ?? {})) {
      fs.rmSync(path.join(pluginDir, name), { force: true });
      fs.writeFileSync(path.join(pluginDir, name), content, { mode: 0o755 });
    }
    const confDir = path.join(root, 'conf.d');
    for (const [name, content] of Object.entries(opts.files)) fs.writeFileSync(path.join(confDir, name), content);
    const commandPipe = path.join(root, 'run', 'icinga2', 'icinga2.cmd');
    const statusPath = path.join(root, 'status.dat');
    const mainFile = path.join(root, 'main.conf');
    fs.writeFileSync(
      mainFile,
      [
        'include <itl>',
        'include <plugins>',
        'object CheckerComponent "checker" { }',
        `object ExternalCommandListener "command" { command_path = ${JSON.stringify(commandPipe)} }`,
        `object StatusDataWriter "status" { status_path = ${JSON.stringify(statusPath)}; objects_path = ${JSON.stringify(path.join(root, 'objects.cache'))}; update_interval = 1s }`,
        `include ${JSON.stringify(confDir + '/*.conf')}`,
        '',
      ].join('\n'),
    );
    const user = os.userInfo().username;
    const group = (await run('id', ['-gn'])).stdout.trim();
    const defines = Object.entries({
      PluginDir: pluginDir,
      'Configuration.CacheDir': path.join(root, 'cache'),
      'Configuration.DataDir': path.join(root, 'data'),
      'Configuration.LogDir': path.join(root, 'log'),
      'Configuration.InitRunDir': path.join(root, 'run'),
      'Configuration.SpoolDir': path.join(root, 'spool'),
      'Configuration.RunAsUser': user,
      'Configuration.RunAsGroup': group,
    }).flatMap(([k, v]) => ['-D', `${k}=${v}`]);
    const validate = await run(ICINGA2_BIN, ['daemon', '-C', '-c', mainFile, ...defines]);
    if (validate.code !== 0) throw new Error(`icinga2 daemon -C failed:\n${validate.stdout}${validate.stderr}`);

    child = spawn(ICINGA2_BIN, ['daemon', '-c', mainFile, ...defines], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    ref = child.pid === undefined ? undefined : procRef(child.pid);
    const c = child;
    const describe = () => output.slice(-3000);
    await waitFor(
      () => {
        if (c.exitCode !== null || c.signalCode !== null) throw new Error(`icinga2 exited (${c.exitCode ?? c.signalCode})`);
        return fs.existsSync(commandPipe);
      },
      { timeoutMs: opts.timeoutMs ?? 60_000, what: 'the icinga2 external command pipe' },
      describe,
    );
    const now = Math.floor(Date.now() / 1000);
    // the host check (hostalive: ping the fqdn) is not what the tests look at; keep it from running
    fs.writeFileSync(
      commandPipe,
      `[${now}] DISABLE_HOST_CHECK;${opts.hostName}\n[${now}] SCHEDULE_FORCED_HOST_SVC_CHECKS;${opts.hostName};${now}\n`,
    );
    await waitFor(() => checkedServices(statusPath).size >= opts.expectedServices, {
      timeoutMs: opts.timeoutMs ?? 60_000,
      intervalMs: 200,
      what: `${opts.expectedServices} checked services in status.dat`,
    }, () => `${[...checkedServices(statusPath)].join(', ')}\n${describe()}`);
    // the state file (with each result's argv) is written on shutdown
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    if (ref) {
      const left = await terminate([ref], { graceMs: 30_000 });
      if (left.length > 0) throw new Error(`icinga2 (pid ${ref.pid}) survived SIGKILL`);
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    const results = new Map<string, IcingaCheckResult>();
    const prefix = `${opts.hostName}!`;
    for (const record of readNetstrings(path.join(root, 'data', 'icinga2.state'))) {
      if (record.type !== 'Service' || !String(record.name).startsWith(prefix)) continue;
      const cr = record.update?.last_check_result;
      if (cr) results.set(String(record.name).slice(prefix.length), { command: cr.command, exit_status: cr.exit_status, output: cr.output });
    }
    return { results, pluginDir };
  } finally {
    if (ref && child && child.exitCode === null && child.signalCode === null) {
      signalRef(ref, 'SIGKILL');
    }
    fs.rmSync(root, { recursive: true, force: true });
  }
}
