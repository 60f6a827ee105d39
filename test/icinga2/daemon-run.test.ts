/**
 * The rendered configuration run by a real icinga2 daemon against this
 * machine: the daemon builds every command line from the ITL and our
 * variables and runs the real plugins. Its state file records the exact
 * argv and the result of each check, which proves the variable names, the
 * `$$` escaping and the thresholds; the same argv is then run again by hand
 * (check_disk on `/`, on an inode-starved tmpfs; check_procs on a process
 * spawned here, before and after killing it by PID).
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HostModel, ProcessGroupModel, QueueModel } from '../../lib/model/types';
import { renderIcinga2 } from '../../lib/render/icinga2';
import { QUEUE_PLUGIN_NAME } from '../../lib/render/icinga2/names';
import { renderQueueCheckPlugin } from '../../lib/render/queue-check-plugin';
import { exampleHostModel } from '../fixtures/host-model';
import { run } from '../helpers/run';
import { daemonOutput, IcingaInstance, PLUGIN_DIR, readNetstrings, stopDaemon, waitFor } from './icinga';

const work = mkdtempSync(join(tmpdir(), 'listhost-icinga2-run-'));
const restoreMount = join(work, 'restore');
const pluginDir = join(work, 'plugins');
const queueRoot = join(work, 'queue');
const FQDN = 'localhost';
/** A second host whose model has no queue file pattern. */
const BARE_FQDN = '127.0.0.1';
/** A sleep argument no other process on the box has. */
const token = `86399.${randomInt(100000, 999999)}`;
const sleeperPattern = `^sleep ${token.replace('.', '\\.')}$`;

let sleeper: ChildProcess | undefined;
let daemon: ChildProcess | undefined;
let httpServer: HttpServer | undefined;
let tcpServer: TcpServer | undefined;
let mounted = false;

after(async () => {
  if (daemon) await stopDaemon(daemon);
  if (sleeper && sleeper.exitCode === null && sleeper.signalCode === null) process.kill(sleeper.pid!, 'SIGKILL');
  httpServer?.close();
  tcpServer?.close();
  if (mounted) run('umount', [restoreMount]);
  rmSync(work, { recursive: true, force: true });
});

function group(groupname: string, pattern: string, expected: number): ProcessGroupModel {
  return { groupname, role: groupname, expectedProcesses: expected, cmdlineRegex: pattern, pgrepPattern: pattern, user: userInfo().username, severity: 'critical', countedBy: 'process-exporter' };
}

function queue(name: string, extra: Partial<QueueModel> = {}): QueueModel {
  return {
    name,
    directory: join(queueRoot, name),
    pagesOnAge: false,
    ticketWhenNonEmpty: false,
    ageWarningSeconds: 900,
    ageCriticalSeconds: 1800,
    messagesWarning: 1000,
    ...extra,
  };
}

/** This machine as a list host: real filesystems, a process of ours, queues, a web server and a "database". */
function localHost(webPort: number, dbPort: number): HostModel {
  const base = exampleHostModel(FQDN);
  return {
    ...base,
    volumes: [
      { ...base.volumes[0], name: 'root', mountpoint: '/' },
      { ...base.volumes[2], name: 'restore', mountpoint: restoreMount, device: 'tmpfs', fstype: 'tmpfs' },
    ],
    service: {
      ...base.service,
      processGroups: [
        group('test-sleeper', sleeperPattern, 1),
        // Expects two: one is missing, like a REST worker short of its 3:3.
        group('test-pair', sleeperPattern, 2),
        group('test-absent', `^sleep ${token.replace('.', '\\.')}-absent$`, 1),
      ],
      queues: [
        queue('out', { pagesOnAge: true }),
        queue('retry', { pagesOnAge: true }),
        queue('bad', { ticketWhenNonEmpty: true }),
        queue('in'),
        queue('archive'),
      ],
    },
    webUrl: `http://127.0.0.1:${webPort}/postorius/lists/`,
    database: { host: '127.0.0.1', port: dbPort },
  };
}

const sha1 = (i: number) => i.toString(16).padStart(40, '0');
function enqueue(name: string, ageSeconds: number, i: number): void {
  writeFileSync(join(queueRoot, name, `${Math.floor(Date.now() / 1000) - ageSeconds}.123456+${sha1(i)}.pck`), 'x');
}

interface CheckResult {
  readonly command: string[];
  readonly exit_status: number;
  readonly output: string;
  readonly performance_data: string[];
}
let results: Map<string, CheckResult>;
let model: HostModel;

/** status.dat: services (host!service) that have a check result. */
function checkedServices(statusPath: string): Set<string> | undefined {
  if (!existsSync(statusPath)) return undefined;
  const checked = new Set<string>();
  for (const block of readFileSync(statusPath, 'utf8').split('servicestatus {').slice(1)) {
    const host = /\n\s*host_name=(.*)\n/.exec(block)?.[1];
    const service = /\n\s*service_description=(.*)\n/.exec(block)?.[1];
    if (host && service && /\n\s*has_been_checked=1\n/.test(block)) checked.add(`${host}!${service}`);
  }
  return checked;
}

before(async () => {
  // Everything the checks look at.
  mkdirSync(restoreMount);
  const mount = run('mount', ['-t', 'tmpfs', '-o', 'size=8M,nr_inodes=64', 'tmpfs', restoreMount]);
  assert.equal(mount.status, 0, `mounting a tmpfs needs root: ${mount.stderr}`);
  mounted = true;
  sleeper = spawn('sleep', [token], { stdio: 'ignore' });
  httpServer = createHttpServer((req, res) => {
    res.writeHead(req.url === '/postorius/lists/' ? 200 : 404, { 'content-type': 'text/plain' });
    res.end('lists\n');
  });
  await new Promise<void>((resolve) => httpServer!.listen(0, '127.0.0.1', resolve));
  tcpServer = createTcpServer((socket) => socket.end());
  await new Promise<void>((resolve) => tcpServer!.listen(0, '127.0.0.1', resolve));
  model = localHost((httpServer.address() as AddressInfo).port, (tcpServer.address() as AddressInfo).port);
  const bare: HostModel = {
    ...model,
    fqdn: BARE_FQDN,
    volumes: [],
    webUrl: null,
    database: null,
    service: { ...model.service, processGroups: [], queues: [queue('out')], queueFilePattern: null },
  };
  for (const q of model.service.queues) if (q.name !== 'archive') mkdirSync(q.directory, { recursive: true });
  enqueue('out', 30, 1); // OK
  enqueue('retry', 1000, 2); // WARNING: older than 900 s
  enqueue('bad', 5, 3); // WARNING: any message in a ticket queue
  enqueue('in', 2000, 4); // CRITICAL: older than 1800 s
  // archive: no directory at all -> UNKNOWN

  // PluginDir: the monitoring plugins plus ours, as provisioning installs it.
  mkdirSync(pluginDir);
  for (const name of readdirSync(PLUGIN_DIR)) symlinkSync(join(PLUGIN_DIR, name), join(pluginDir, name));
  writeFileSync(join(pluginDir, QUEUE_PLUGIN_NAME), renderQueueCheckPlugin(model));
  chmodSync(join(pluginDir, QUEUE_PLUGIN_NAME), 0o755);

  const instance = new IcingaInstance(join(work, 'icinga'), { PluginDir: pluginDir });
  const commandPipe = join(instance.root, 'run', 'icinga2.cmd');
  const statusPath = join(instance.root, 'status.dat');
  instance.write(
    renderIcinga2([model, bare], { agentParentZone: null }),
    [
      'object CheckerComponent "checker" { }',
      `object ExternalCommandListener "command" { command_path = "${commandPipe}" }`,
      `object StatusDataWriter "status" { status_path = "${statusPath}"; objects_path = "${join(instance.root, 'objects.cache')}"; update_interval = 1s }`,
    ].join('\n'),
  );
  const validation = instance.validate();
  assert.equal(validation.status, 0, validation.stdout + validation.stderr);

  daemon = instance.start();
  await waitFor('the external command pipe', () => (existsSync(commandPipe) ? true : undefined));
  const now = Math.floor(Date.now() / 1000);
  for (const fqdn of [FQDN, BARE_FQDN]) writeFileSync(commandPipe, `[${now}] SCHEDULE_FORCED_HOST_SVC_CHECKS;${fqdn};${now}\n`);
  const expected = 2 + 3 + 5 + 2 + 1; // disks, process groups, queues, web + database; the bare host's queue
  await waitFor(`${expected} checked services in status.dat\n${daemonOutput(daemon)}`, () => {
    const checked = checkedServices(statusPath);
    return checked && checked.size >= expected ? checked : undefined;
  });
  await stopDaemon(daemon);
  results = new Map();
  for (const record of readNetstrings(instance.statePath)) {
    if (record.type !== 'Service') continue;
    const cr = record.update.last_check_result;
    if (cr) results.set(record.name.startsWith(`${FQDN}!`) ? record.name.slice(FQDN.length + 1) : record.name, cr);
  }
});

function result(service: string): CheckResult {
  const r = results.get(service);
  assert.ok(r, `no check result for ${service}; have ${[...results.keys()].join(', ')}`);
  return r;
}

/** The value following `flag` in an argv. */
function arg(argv: readonly string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i < 0 ? undefined : argv[i + 1];
}

describe('icinga2 runs the rendered checks on this machine', () => {
  it('disk on / runs check_disk with space and inode thresholds, exact mountpoint, and is OK', () => {
    const r = result('disk-root');
    assert.equal(r.command[0], join(pluginDir, 'check_disk'));
    assert.deepEqual(
      { w: arg(r.command, '-w'), c: arg(r.command, '-c'), W: arg(r.command, '-W'), K: arg(r.command, '-K'), p: arg(r.command, '-p') },
      { w: '20%', c: '5%', W: '20%', K: '5%', p: '/' },
    );
    assert.ok(r.command.includes('-E'));
    assert.ok(!r.command.includes('-X'), 'no filesystem type is excluded from a named mountpoint');
    assert.equal(r.exit_status, 0, r.output);
    // The same argv by hand (the plugin, not Icinga, decides): exit 0 on this healthy box.
    const again = run(join(PLUGIN_DIR, 'check_disk'), r.command.slice(1));
    assert.equal(again.status, 0, again.stdout);
    assert.match(again.stdout, /^DISK OK/);
  });

  it('disk on a tmpfs volume is checked too, and its inode thresholds bite when the inodes run out', () => {
    const r = result('disk-restore');
    assert.equal(arg(r.command, '-p'), restoreMount);
    assert.equal(r.exit_status, 0, r.output);
    assert.match(r.output, new RegExp(`${restoreMount}.*inode=`));
    // Exhaust the inodes (2014): space stays nearly all free, only the inode threshold can fire.
    const fill = join(restoreMount, 'restored');
    mkdirSync(fill);
    for (let i = 0; ; i++) {
      try {
        writeFileSync(join(fill, String(i)), '');
      } catch {
        break;
      }
    }
    const starved = run(join(PLUGIN_DIR, 'check_disk'), r.command.slice(1));
    assert.equal(starved.status, 2, starved.stdout);
    assert.match(starved.stdout, /^DISK CRITICAL.*inode=0%/);
  });

  it('procs runs check_procs with the group regex ($ intact), user and exact range; OK, then CRITICAL once killed', async () => {
    const r = result('procs-test-sleeper');
    assert.equal(r.command[0], join(pluginDir, 'check_procs'));
    assert.equal(arg(r.command, '--ereg-argument-array'), sleeperPattern);
    assert.equal(arg(r.command, '-u'), userInfo().username);
    assert.equal(arg(r.command, '-c'), '1:1');
    assert.equal(arg(r.command, '-w'), '1:1');
    assert.equal(r.exit_status, 0, r.output);
    const alive = run(join(PLUGIN_DIR, 'check_procs'), r.command.slice(1));
    assert.equal(alive.status, 0, alive.stdout);
    assert.match(alive.stdout, /^PROCS OK: 1 process/);
    // Kill it by PID and wait until it is reaped (a zombie would still count).
    const gone = new Promise((resolve) => sleeper!.once('exit', resolve));
    process.kill(sleeper!.pid!, 'SIGKILL');
    await gone;
    const dead = run(join(PLUGIN_DIR, 'check_procs'), r.command.slice(1));
    assert.equal(dead.status, 2, dead.stdout);
    assert.match(dead.stdout, /^PROCS CRITICAL: 0 processes/);
  });

  it('a group short of its expected count is CRITICAL (2:2 with one process), so is a group with none', () => {
    assert.equal(arg(result('procs-test-pair').command, '-c'), '2:2');
    assert.equal(result('procs-test-pair').exit_status, 2, result('procs-test-pair').output);
    assert.equal(result('procs-test-absent').exit_status, 2, result('procs-test-absent').output);
  });

  it('queues run the library plugin with the queue thresholds and the host pattern ($ intact)', () => {
    const r = result('queue-out');
    assert.equal(r.command[0], join(pluginDir, QUEUE_PLUGIN_NAME));
    assert.equal(arg(r.command, '-d'), join(queueRoot, 'out'));
    assert.equal(arg(r.command, '-w'), '900');
    assert.equal(arg(r.command, '-c'), '1800');
    assert.equal(arg(r.command, '-W'), '1000');
    assert.equal(arg(r.command, '--pattern'), model.service.queueFilePattern);
    assert.equal(arg(r.command, '--glob'), model.service.queueFileGlob);
    assert.equal(arg(r.command, '--max-depth'), String(model.service.queueFileMaxDepth));
    assert.equal(r.exit_status, 0, r.output);
    // Icinga splits the status line at "|": the text, then the performance data.
    assert.match(r.output, /^QUEUE OK - out: 1 messages, oldest \d+s ?$/);
    assert.equal(r.performance_data.length, 2, String(r.performance_data));
    assert.equal(r.performance_data[0], 'messages=1;1000;;0');
    assert.match(r.performance_data[1], /^oldest_age=\d+s;900;1800;0$/);
  });

  it('a host without a queue file pattern runs the plugin with an empty one (age by mtime)', () => {
    const r = result(`${BARE_FQDN}!queue-out`);
    assert.equal(arg(r.command, '-d'), join(queueRoot, 'out'));
    assert.equal(arg(r.command, '--pattern'), '');
    assert.equal(r.exit_status, 0, r.output);
  });

  it('queue states: retry WARNING (age), bad WARNING (any message), in CRITICAL (age), archive UNKNOWN (no directory)', () => {
    assert.equal(result('queue-retry').exit_status, 1, result('queue-retry').output);
    assert.equal(arg(result('queue-bad').command, '-W'), '0');
    assert.equal(result('queue-bad').exit_status, 1, result('queue-bad').output);
    assert.equal(result('queue-in').exit_status, 2, result('queue-in').output);
    assert.equal(result('queue-archive').exit_status, 3, result('queue-archive').output);
    assert.match(result('queue-archive').output, /^QUEUE UNKNOWN - archive: .* does not exist/);
  });

  it('web runs check_http against the URL; database runs check_tcp against host:port', () => {
    const web = result('web');
    assert.equal(web.command[0], join(pluginDir, 'check_http'));
    assert.equal(arg(web.command, '-u'), '/postorius/lists/');
    assert.equal(arg(web.command, '-H'), '127.0.0.1');
    assert.equal(web.exit_status, 0, web.output);
    const db = result('database-tcp');
    assert.equal(db.command[0], join(pluginDir, 'check_tcp'));
    assert.equal(arg(db.command, '-H'), '127.0.0.1');
    assert.equal(arg(db.command, '-p'), String(model.database!.port));
    assert.equal(db.exit_status, 0, db.output);
  });
});
