/**
 * End-to-end: the library's generated monitoring against a real Mailman
 * 3.3.8 (Debian's mailman3, started by hand as user `list`), real
 * process-exporter and node_exporter with the configs provisioning installs,
 * the real queue collector and self-heal scripts, the real monitoring
 * plugins run with the argv a real icinga2 daemon built from the rendered
 * configuration, and a real Prometheus evaluating the rules.yml the mixin
 * produces.
 *
 * One Mailman per file, shared by the scenarios in this order:
 *   1. healthy        every check exits 0; Prometheus raises nothing;
 *   2. queue          posts while SMTP is refused wait in retry: the queue
 *                     plugin and the textfile collector see them, ageing;
 *   3. kill out       SIGKILL of the out runner (it stays a zombie: the master
 *                     does not reap it until signalled, FACTS.md): its
 *                     check_procs goes CRITICAL, the others stay OK, the
 *                     runner alert goes pending live and fires in promtool;
 *   4. self-heal      the rendered script restarts this Mailman once, the out
 *                     runner is back, the restart is counted; a second run
 *                     within the interval does not restart.
 *
 * Which rules are exercised for real, and how:
 * - Live Prometheus (1 s scrape and evaluation): every rule is evaluated on
 *   the real series; with nothing wrong nothing is pending or firing (any
 *   rule, any severity). A rule with `for:` only reaches `pending` within the
 *   test: MailmanRunnerDown (`for: 2m`) is asserted pending for the killed out
 *   runner; MailmanSelfHealRestarted (no `for`) is asserted firing after the
 *   restart.
 * - `promtool test rules` on the series Prometheus scraped at that moment,
 *   held constant (the state the host would stay in; the zombie does stay
 *   until the master is signalled): healthy, nothing pending or firing after
 *   65 minutes (covers the `for: 1h` rules); killed, exactly
 *   MailmanRunnerDown{groupname="mailman-runner-out"} firing after 5 minutes.
 * - Not exercised for real here: MailmanQueueStalled / QueueOldMessages /
 *   QueueLarge (they need messages older than 900 s or over 1000 messages;
 *   covered by test/mixin replays), MailmanQueueCollectorStale/Missing
 *   (need 10 minutes without a collector run), MailmanMasterDown firing
 *   (killing the master would take every runner down with it; it stays silent
 *   on the collector's pgrep count of the live master, as process-exporter
 *   has no master group), the blackbox rules (no web
 *   front end or database server in this test), and the filesystem rules on
 *   these tmpfs volumes (the default fsSelector excludes tmpfs; the inode
 *   rules run for real in inodes-e2e.test.ts).
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HostModel } from '../../lib/model/types';
import { PROCESS_EXPORTER_CONFIG, PROCESS_EXPORTER_DEFAULTS, processExporterFiles, renderProcessExporterConfig } from '../../lib/render/process-exporter';
import { renderQueueCollector } from '../../lib/render/queue-collector';
import { renderSelfHeal } from '../../lib/render/self-heal';
import { renderQueueCheckPlugin } from '../../lib/render/queue-check-plugin';
import { renderIcinga2 } from '../../lib/render/icinga2';
import { QUEUE_PLUGIN_NAME } from '../../lib/render/icinga2/names';
import { scrapeConfigs } from '../../lib/monitoring/scrape-config';
import { APPLY_SCRIPT, renderRootfs } from '../../lib/render/rootfs';
import { rootfsContributors } from '../../lib/render/contributors';
import { evaluateMixin } from '../../lib/monitoring/evaluate-mixin';
import { mixinConfig } from '../../lib/monitoring/mixin-config';
import { DEBIAN_PATH, MAILMAN_DEFAULT_RUNNERS, MailmanInstance, startMailman } from './harness/mailman';
import {
  NODE_EXPORTER_BIN,
  NodeExporterInstance,
  PROCESS_EXPORTER_BIN,
  ProcessExporterInstance,
  Samples,
  parsePrometheusText,
  scrape,
  select,
  startNodeExporter,
  startProcessExporter,
  valueOf,
} from './harness/exporters';
import { PROMETHEUS_BIN, PROMTOOL_BIN, PrometheusInstance, VectorSample, promtoolTestRules, startPrometheus } from './harness/prometheus';
import { ICINGA2_BIN, IcingaCheckResult, rebaseCommand, runCheck, runIcingaOnce } from './harness/icinga';
import { E2E_FQDN, loopbackTargets, mailmanE2eHostModel } from './harness/host-model';
import { TmpfsMount, mountTmpfs } from './harness/mount';
import { ProcRef, allPids, isAlive, procRef, readCmdline, readStat, run, runDaemonizing, terminate, waitFor } from './harness/proc';
import { spawn } from 'node:child_process';
import { parse as parseYaml } from 'yaml';

const FQDN = E2E_FQDN;
/** The user Debian's icinga2 runs its checks as (ICINGA2_USER in /etc/default/icinga2). */
const ICINGA_USER = 'nagios';
const LIST = 'e2e@example.org';
const MEMBER = 'sender@example.com';
const REQUIRED_TOOLS = [
  '/usr/bin/mailman',
  NODE_EXPORTER_BIN,
  PROCESS_EXPORTER_BIN,
  PROMETHEUS_BIN,
  PROMTOOL_BIN,
  ICINGA2_BIN,
  '/usr/lib/nagios/plugins/check_procs',
  '/usr/lib/nagios/plugins/check_disk',
  '/usr/bin/pgrep',
  '/usr/sbin/runuser',
];

/**
 * The service's restart command for self-heal, like `systemctl restart`
 * of Debian's mailman3.service: stop, wait until the old master has exited
 * (a zombie counts as exited: the test container's PID 1 may not reap), then
 * `start --force` as the unit does. Arguments: config file, master pid file.
 */
const RESTART_SCRIPT = [
  'cfg=$1 pidfile=$2',
  'pid=$(cat "$pidfile" 2>/dev/null) || pid=',
  'runuser -u list -- mailman -C "$cfg" stop || exit 1',
  'i=0',
  'while [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] && [ "$(cut -d " " -f 3 "/proc/$pid/stat")" != Z ]; do',
  '  i=$((i + 1)); [ "$i" -le 600 ] || exit 1',
  '  sleep 0.1',
  'done',
  'exec runuser -u list -- mailman -C "$cfg" start --force',
].join('\n');

/**
 * The flags of the provisioned /etc/default/prometheus-process-exporter
 * `ARGS`, without -config.path and -web.listen-address (the test passes its
 * own file and loopback port), so a flag the library adds is used here too.
 */
function provisionedProcessExporterFlags(host: HostModel): string[] {
  const file = processExporterFiles(host).find((f) => f.path === PROCESS_EXPORTER_DEFAULTS);
  assert.ok(file, `provisioning writes ${PROCESS_EXPORTER_DEFAULTS}`);
  const m = /^ARGS="([^"]*)"$/m.exec(file.content);
  assert.ok(m, `no ARGS="..." in ${PROCESS_EXPORTER_DEFAULTS}:\n${file.content}`);
  const words = m[1].split(/\s+/).filter((w) => w !== '');
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const [flag, inline] = words[i].split('=', 2);
    if (flag === '-config.path' || flag === '--config.path' || flag === '-web.listen-address' || flag === '--web.listen-address') {
      const value = inline ?? words[++i];
      if (flag.endsWith('config.path')) assert.equal(value, PROCESS_EXPORTER_CONFIG);
      continue;
    }
    out.push(words[i]);
  }
  return out;
}

/**
 * An RE2 regex (no lookahead) matching every string that does not start
 * with `prefix`: for node_exporter's mount-points-exclude, so only mounts
 * below `prefix` are reported.
 */
function notUnder(prefix: string): string {
  const lit = (c: string) => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  const alts = [...prefix].map((c, i) => `${[...prefix.slice(0, i)].map(lit).join('')}(?:$|[^${lit(c)}])`);
  return `^(?:${alts.join('|')})`;
}

/** Live processes on the host that run Mailman's master or runner scripts but are not `mm`'s. */
async function foreignMailmanPids(mm: MailmanInstance | undefined): Promise<number[]> {
  const ours = new Set((mm ? await mm.processes() : []).map((p) => p.pid));
  return allPids().filter((pid) => {
    if (ours.has(pid)) return false;
    const st = readStat(pid);
    if (!st || st.state === 'Z') return false;
    const argv = readCmdline(pid) ?? [];
    return /^\/usr\/lib\/mailman3\/bin\/(runner|master)$/.test(argv[1] ?? '');
  });
}

function groupCounts(s: Samples): Map<string, { numProcs: number; zombies: number }> {
  const m = new Map<string, { numProcs: number; zombies: number }>();
  for (const x of select(s, 'namedprocess_namegroup_num_procs')) {
    m.set(x.labels.groupname, {
      numProcs: x.value,
      zombies: valueOf(s, 'namedprocess_namegroup_states', { groupname: x.labels.groupname, state: 'Zombie' }) ?? 0,
    });
  }
  return m;
}

/** The queue plugin's perfdata: `messages=N;...` and `oldest_age=Ns;...`. */
function pluginQueue(stdout: string): { messages: number; age: number } {
  const m = /\|\s*messages=(\d+);.*\boldest_age=(\d+)s;/.exec(stdout);
  assert.ok(m, `no perfdata in queue plugin output: ${stdout}`);
  return { messages: Number(m[1]), age: Number(m[2]) };
}

/** `a -> b` argv pairs: the value following `flag`. */
function arg(argv: readonly string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i < 0 ? undefined : argv[i + 1];
}

describe('generated monitoring against a real Mailman 3.3.8', () => {
  let work = '';
  let dataMount: TmpfsMount | undefined;
  let restoreMount: TmpfsMount | undefined;
  let mm: MailmanInstance | undefined;
  let pe: ProcessExporterInstance | undefined;
  let ne: NodeExporterInstance | undefined;
  let prom: PrometheusInstance | undefined;
  let host: HostModel;
  let rulesYaml = '';
  const scripts = { collector: '', selfHeal: '', queuePlugin: '', selfHealOut: '' };
  let stateDir = '';
  /** Service name -> the argv icinga2 ran, rebased onto the real plugin paths. */
  const checks = new Map<string, string[]>();
  let icingaResults: ReadonlyMap<string, IcingaCheckResult> = new Map();
  const started: ProcRef[] = [];

  before(async () => {
    const missing = REQUIRED_TOOLS.filter((t) => !fs.existsSync(t));
    assert.deepEqual(missing, [], `tools missing (scripts/install-test-tools.sh installs them): ${missing.join(', ')}`);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'listhost-e2e-mailman-work-'));
    // user list must reach its config and var_dir below it
    fs.chmodSync(work, 0o755);
    for (const d of ['data', 'restore', 'state', 'bin']) fs.mkdirSync(path.join(work, d));
    stateDir = path.join(work, 'state');
    // The host's data volume (Mailman's var_dir lives on it) and its restore volume.
    dataMount = await mountTmpfs(path.join(work, 'data'), { size: '256M' });
    restoreMount = await mountTmpfs(path.join(work, 'restore'), { size: '8M', nrInodes: 4096 });

    mm = await startMailman({ parentDir: dataMount.dir });
    const foreign = await foreignMailmanPids(mm);
    assert.deepEqual(foreign, [], `another Mailman runs on this host (PIDs ${foreign.join(', ')}); process counts would include it`);
    // node_exporter reports only this test's own filesystems (the host's volumes here), not the CI machine's
    ne = await startNodeExporter({
      collectors: ['filesystem', 'textfile'],
      extraArgs: [`--collector.filesystem.mount-points-exclude=${notUnder(work + '/')}`],
    });
    started.push(ne.ref);

    const model = (peport: number) =>
      mailmanE2eHostModel(mm!, {
        textfileDirectory: ne!.textfileDir,
        selfHealStateDirectory: stateDir,
        nodeExporterPort: ne!.port,
        processExporterPort: peport,
        restartCommand: ['sh', '-c', RESTART_SCRIPT, 'restart-mailman', mm!.configFile, path.join(mm!.varDir, 'master.pid')],
        // the test's own volumes only: '/' belongs to the CI machine (test/icinga2/daemon-run.test.ts checks it)
        volumes: [
          { name: 'data', mountpoint: dataMount!.dir, device: 'tmpfs', fstype: 'tmpfs', sizeBytes: 256 * 2 ** 20, inodes: 65536, managed: false },
          { name: 'restore', mountpoint: restoreMount!.dir, device: 'tmpfs', fstype: 'tmpfs', sizeBytes: 8 * 2 ** 20, inodes: 4096, managed: true },
        ],
        dataVolume: 'data',
        restoreVolume: 'restore',
      });
    // process-exporter with the config and the flags provisioning installs (its port does not matter to them)
    pe = await startProcessExporter({ configYaml: renderProcessExporterConfig(model(0)), extraArgs: provisionedProcessExporterFlags(model(0)) });
    started.push(pe.ref);
    host = model(pe.port);

    scripts.collector = path.join(work, 'bin', 'mailman-queue-collector');
    scripts.selfHeal = path.join(work, 'bin', 'mailman-selfheal');
    scripts.queuePlugin = path.join(work, 'bin', QUEUE_PLUGIN_NAME);
    scripts.selfHealOut = path.join(work, 'selfheal.out');
    fs.writeFileSync(scripts.collector, renderQueueCollector(host), { mode: 0o755 });
    fs.writeFileSync(scripts.selfHeal, renderSelfHeal(host), { mode: 0o755 });
    fs.writeFileSync(scripts.queuePlugin, renderQueueCheckPlugin(host), { mode: 0o755 });
    rulesYaml = (await evaluateMixin(mixinConfig([host], { runbookBaseUrl: 'https://runbooks.example.org/' }))).rulesYaml;
    // started here so its target discovery (about 5 s) overlaps the first scenarios
    const configs = loopbackTargets(scrapeConfigs([host]), host);
    assert.deepEqual(configs.map((c) => c.job_name).sort(), ['node', 'process'], 'the generated scrape jobs');
    prom = await startPrometheus({ rulesYaml, scrapeConfigs: configs });
  });

  after(async () => {
    const errors: unknown[] = [];
    const attempt = async (f: () => Promise<void> | void) => {
      try {
        await f();
      } catch (e) {
        errors.push(e);
      }
    };
    await attempt(() => prom?.stop());
    await attempt(() => pe?.stop());
    await attempt(() => ne?.stop());
    let mailmanRefs: ProcRef[] = [];
    if (mm) {
      // stop() adopts a master self-heal started (from master.pid) and stops its whole tree by PID
      await attempt(() => mm!.stop());
      mailmanRefs = mm.recordedPids();
    }
    // Mailman's var_dir is on the data volume: unmount only after it stopped
    await attempt(() => dataMount?.umount());
    await attempt(() => restoreMount?.umount());
    if (work) fs.rmSync(work, { recursive: true, force: true });
    const alive = [...started, ...(prom ? [prom.ref] : []), ...mailmanRefs].filter(isAlive);
    assert.deepEqual(alive, [], 'every process the test started is gone');
    if (errors.length > 0) throw errors[0];
  });

  // ---- helpers over the shared state ---------------------------------------

  async function runCollector(): Promise<Samples> {
    const r = await run(scripts.collector, [], { env: { PATH: DEBIAN_PATH } });
    assert.equal(r.code, 0, `queue collector failed: ${r.stderr}`);
    return parsePrometheusText(fs.readFileSync(path.join(host.exporters.textfileDirectory, 'mailman_queues.prom'), 'utf8'));
  }

  async function runSelfHeal(): Promise<{ code: number; output: string; metrics: Samples }> {
    const r = await runDaemonizing(scripts.selfHeal, [], {
      outputFile: scripts.selfHealOut,
      env: { PATH: DEBIAN_PATH, LANG: 'C.UTF-8' },
      cwd: work,
      timeoutMs: 120_000,
    });
    const metrics = parsePrometheusText(fs.readFileSync(path.join(host.exporters.textfileDirectory, 'mailman_selfheal.prom'), 'utf8'));
    return { code: r.code, output: r.stdout, metrics };
  }

  /** The groups of the rendered process-exporter config, with the count each should have. */
  function exporterGroups(): Map<string, number> {
    const config = parseYaml(renderProcessExporterConfig(host)) as { process_names: { name: string }[] };
    const byName = new Map(host.service.processGroups.map((g) => [g.groupname, g.expectedProcesses]));
    return new Map(
      config.process_names.map((p) => {
        assert.ok(byName.has(p.name), `process-exporter group ${p.name} is a process group of the model`);
        return [p.name, byName.get(p.name)!];
      }),
    );
  }

  function masterPidFile(): number {
    return Number(fs.readFileSync(path.join(mm!.varDir, 'master.pid'), 'utf8').trim());
  }

  function check(service: string): string[] {
    const argv = checks.get(service);
    assert.ok(argv, `icinga2 ran no check ${service}; it ran ${[...checks.keys()].join(', ')}`);
    return argv;
  }

  async function procsChecks(): Promise<Map<string, { code: number; stdout: string }>> {
    const out = new Map<string, { code: number; stdout: string }>();
    for (const g of host.service.processGroups) {
      const r = await runCheck(check(`procs-${g.groupname}`));
      out.set(g.groupname, { code: r.code, stdout: r.stdout.trim() });
    }
    return out;
  }

  async function alertsFor(extra = ''): Promise<VectorSample[]> {
    return prom!.query(`ALERTS{instance="${FQDN}"${extra ? ',' + extra : ''}}`);
  }

  const describeAlerts = (a: readonly VectorSample[]) =>
    JSON.stringify(a.map((x) => ({ ...x.metric, __name__: undefined })));

  /** The series the rules read, as Prometheus has them now, for promtool. */
  async function currentSeries(): Promise<VectorSample[]> {
    return prom!.query(
      `{instance="${FQDN}",__name__=~"namedprocess_namegroup_(num_procs|states)|mailman_.+|up|node_filesystem_.+"}`,
    );
  }

  // ---- 1. healthy ------------------------------------------------------------

  it('the model built by the constructs matches the running instance', async () => {
    const groups = new Map(host.service.processGroups.map((g) => [g.groupname, g]));
    assert.deepEqual(
      [...groups.keys()].sort(),
      [...MAILMAN_DEFAULT_RUNNERS.map((r) => `mailman-runner-${r}`), 'mailman-master'].sort(),
    );
    for (const [runner, n] of mm!.expectedProcesses) assert.equal(groups.get(`mailman-runner-${runner}`)!.expectedProcesses, n, runner);
    assert.equal(groups.get('mailman-runner-rest')!.expectedProcesses, 3);
    assert.equal(groups.get('mailman-master')!.expectedProcesses, 1);
    for (const g of groups.values()) assert.equal(g.user, 'list');
    assert.deepEqual(host.service.queues.map((q) => q.name).sort(), mm!.queueNames());
    for (const q of host.service.queues) assert.equal(q.directory, path.join(mm!.queueDir, q.name));
    assert.equal(host.service.configFile, mm!.configFile);
  });

  it('healthy: process-exporter with the rendered config counts every group exactly (rest 3, others 1)', async () => {
    const expected = exporterGroups();
    for (const g of host.service.processGroups) {
      if (g.role !== 'master') assert.ok(expected.has(g.groupname), `runner group ${g.groupname} is in the process-exporter config`);
    }
    const got = await waitFor(
      async () => {
        const c = groupCounts(await scrape(pe!.url));
        return [...expected].every(([g, n]) => c.get(g)?.numProcs === n) ? c : undefined;
      },
      { timeoutMs: 20_000, what: 'process-exporter to count every group' },
      async () => JSON.stringify([...groupCounts(await scrape(pe!.url))]),
    );
    assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort(), 'one series per group, no other group');
    for (const [g, n] of expected) assert.deepEqual(got.get(g), { numProcs: n, zombies: 0 }, g);
    assert.equal(got.get('mailman-runner-rest')!.numProcs, 3);
  });

  it('process-exporter: a runner first seen between fork and exec (still the master command line) is counted in its runner group', async () => {
    // The master forks each runner and the child execs the runner script: until the exec, the child has
    // the master's command line. process-exporter names a process once, when it first sees it, so a scrape
    // in that window decides the runner's group for its whole life. Reproduced deterministically with a
    // stand-in whose command line first is the master's and then a runner's (perl's $0 rewrites
    // /proc/PID/cmdline in place: same PID, same start time, like an exec).
    const master = `/usr/bin/python3 /usr/lib/mailman3/bin/master --force -C ${mm!.configFile}`;
    const runner = `/usr/bin/python3 /usr/lib/mailman3/bin/runner -C ${mm!.configFile} --runner=out:0:1`;
    const decoy = spawn('/usr/bin/perl', ['-e', '$0 = shift; <STDIN>; $0 = shift; <STDIN>;', master, runner, 'x'.repeat(400)], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    const ref = await waitFor(() => (decoy.pid === undefined ? undefined : procRef(decoy.pid)), { timeoutMs: 5_000, what: 'the stand-in' });
    started.push(ref);
    try {
      await waitFor(() => readCmdline(ref.pid)?.join(' ') === master, { timeoutMs: 5_000, what: 'the stand-in to look like the master' });
      await scrape(pe!.url); // process-exporter sees it now, between "fork" and "exec"
      decoy.stdin!.write('exec\n');
      await waitFor(() => readCmdline(ref.pid)?.join(' ') === runner, { timeoutMs: 5_000, what: 'the stand-in to look like the out runner' });
      const expectedOut = host.service.processGroups.find((g) => g.groupname === 'mailman-runner-out')!.expectedProcesses + 1;
      await waitFor(
        async () => groupCounts(await scrape(pe!.url)).get('mailman-runner-out')?.numProcs === expectedOut,
        { timeoutMs: 5_000, what: `process-exporter to count the stand-in in mailman-runner-out (${expectedOut})` },
        async () =>
          `groups: ${JSON.stringify(Object.fromEntries([...groupCounts(await scrape(pe!.url))].map(([g, c]) => [g, c.numProcs])))}; ` +
          'a process named while it still had the master command line stays in the master group (process-exporter matches once; -recheck only re-matches unmatched processes)',
      );
    } finally {
      decoy.stdin!.end();
      const left = await terminate([ref], { graceMs: 5_000 });
      assert.deepEqual(left, []);
    }
    // back to the real processes only
    await waitFor(
      async () => {
        const c = groupCounts(await scrape(pe!.url));
        return [...exporterGroups()].every(([g, n]) => c.get(g)?.numProcs === n);
      },
      { timeoutMs: 15_000, what: 'process-exporter to forget the stand-in' },
    );
  });

  it('healthy: every check icinga2 runs from the rendered configuration exits 0', async () => {
    const files = renderIcinga2([host], { agentParentZone: null });
    const expectedServices = [
      ...host.volumes.map((v) => `disk-${v.name}`),
      ...host.service.processGroups.map((g) => `procs-${g.groupname}`),
      ...host.service.queues.map((q) => `queue-${q.name}`),
    ].sort();
    const icinga = await runIcingaOnce({
      files,
      plugins: { [QUEUE_PLUGIN_NAME]: fs.readFileSync(scripts.queuePlugin, 'utf8') },
      hostName: FQDN,
      expectedServices: expectedServices.length,
    });
    icingaResults = icinga.results;
    assert.deepEqual([...icingaResults.keys()].sort(), expectedServices, 'one service per volume, process group and queue');
    for (const [name, r] of icingaResults) checks.set(name, rebaseCommand(r.command, icinga.pluginDir, { [QUEUE_PLUGIN_NAME]: scripts.queuePlugin }));
    const failed = [...icingaResults].filter(([, r]) => r.exit_status !== 0).map(([n, r]) => `${n}: ${r.exit_status} ${r.output}`);
    assert.deepEqual(failed, [], 'every check OK');

    // what they ran: one exact-count check_procs per group as user list, the queue plugin per queue
    for (const g of host.service.processGroups) {
      const argv = check(`procs-${g.groupname}`);
      assert.equal(path.basename(argv[0]), 'check_procs');
      assert.equal(arg(argv, '--ereg-argument-array'), g.pgrepPattern);
      assert.equal(arg(argv, '-u'), 'list');
      assert.equal(arg(argv, '-c'), `${g.expectedProcesses}:${g.expectedProcesses}`);
      assert.match(icingaResults.get(`procs-${g.groupname}`)!.output, new RegExp(`^PROCS OK: ${g.expectedProcesses} process`));
    }
    for (const q of host.service.queues) {
      const argv = check(`queue-${q.name}`);
      assert.equal(argv[0], scripts.queuePlugin);
      assert.equal(arg(argv, '-d'), q.directory);
      assert.match(icingaResults.get(`queue-${q.name}`)!.output, new RegExp(`^QUEUE OK - ${q.name}: 0 messages`));
    }
    for (const v of host.volumes) {
      const argv = check(`disk-${v.name}`);
      assert.equal(path.basename(argv[0]), 'check_disk');
      assert.equal(arg(argv, '-p'), v.mountpoint);
      assert.equal(arg(argv, '-K'), `${host.filesystemThresholds.inodesFreeCriticalPercent}%`);
    }
    // the same argvs by hand give the same answer (later scenarios re-run them)
    const byHand = await procsChecks();
    assert.deepEqual([...byHand].filter(([, r]) => r.code !== 0), []);
    const q = await runCheck(check('queue-out'));
    assert.equal(q.code, 0, q.stdout);
  });

  it("healthy: the same checks run as the Icinga user of Debian's icinga2 (nagios), with the groups provisioning gives it, exit 0 too", async () => {
    // Debian's icinga2 (and an agent on the list host) runs its checks as user nagios, not root; Mailman
    // creates its queue directories 0770 list:list (Debian's /var/lib/mailman3/queue/* too). The
    // provisioned apply script adds nagios to the service users' groups (`usermod -a -G GROUP nagios`);
    // the test gives it those groups for the run instead of changing this machine's /etc/group.
    assert.ok(fs.readFileSync('/etc/passwd', 'utf8').split('\n').some((l) => l.startsWith(`${ICINGA_USER}:`)), `user ${ICINGA_USER} exists (the icinga2 package creates it)`);
    const apply = renderRootfs(host, rootfsContributors).find((f) => f.path === APPLY_SCRIPT)!.content;
    const groups = [...apply.matchAll(new RegExp(`usermod -a -G '?([a-z_][a-z0-9_-]*)'? ${ICINGA_USER}\\b`, 'g'))].map((m) => m[1]);
    const supp = [ICINGA_USER, ...groups].flatMap((g) => ['-G', g]);
    const failed: string[] = [];
    for (const [name, argv] of checks) {
      // the plugin copy lives in the test's work dir: readable and executable for everyone
      const r = await run('runuser', ['-u', ICINGA_USER, '-g', ICINGA_USER, ...supp, '--', ...argv], { env: { PATH: DEBIAN_PATH } });
      if (r.code !== 0) failed.push(`${name}: ${r.code} ${r.stdout.trim()}`);
    }
    assert.deepEqual(failed, [], `checks that fail as ${ICINGA_USER} (groups ${[ICINGA_USER, ...groups].join(', ')})`);
  });

  it('healthy: the queue collector reports every queue empty and the expected processes; node_exporter serves it', async () => {
    const s = await runCollector();
    for (const q of host.service.queues) {
      assert.equal(valueOf(s, 'mailman_queue_messages', { queue: q.name }), 0, q.name);
      assert.equal(valueOf(s, 'mailman_queue_oldest_message_age_seconds', { queue: q.name }), 0, q.name);
    }
    for (const g of host.service.processGroups) {
      assert.equal(valueOf(s, 'mailman_runner_expected_processes', { groupname: g.groupname }), g.expectedProcesses, g.groupname);
      // the groups the collector counts itself (pgrep; the master): their live count, here complete
      assert.equal(valueOf(s, 'mailman_process_group_live_processes', { groupname: g.groupname }), g.countedBy === 'collector' ? g.expectedProcesses : undefined, g.groupname);
    }
    assert.equal(host.service.processGroups.find((g) => g.role === 'master')?.countedBy, 'collector', 'the collector counts the master');
    const last = valueOf(s, 'mailman_queue_collector_last_success_timestamp_seconds');
    assert.ok(last !== undefined && Math.abs(last - Date.now() / 1000) < 300, `last success ${last}`);
    const scraped = await scrape(ne!.url);
    assert.equal(select(scraped, 'mailman_queue_messages').length, host.service.queues.length);
    assert.equal(select(scraped, 'mailman_runner_expected_processes').length, host.service.processGroups.length);
  });

  it('healthy: self-heal finds every group complete and restarts nothing', async () => {
    const master = procRef(mm!.masterPid)!;
    const r = await runSelfHeal();
    assert.equal(r.code, 0, r.output);
    assert.equal(valueOf(r.metrics, 'mailman_selfheal_restarts_total'), 0);
    assert.equal(valueOf(r.metrics, 'mailman_selfheal_short_groups'), 0, r.output);
    assert.equal(isAlive(master), true, 'the master was not restarted');
    assert.equal(masterPidFile(), master.pid);
  });

  it('healthy: Prometheus with the generated rules raises nothing for this host (live, and held 65 min in promtool)', async () => {
    const groups = host.service.processGroups.length;
    const exporterCounted = exporterGroups().size;
    const collectorCounted = host.service.processGroups.filter((g) => g.countedBy === 'collector').length;
    assert.equal(exporterCounted + collectorCounted, groups, 'every group is counted by process-exporter or by the collector');
    await waitFor(
      async () => {
        const up = await prom!.query(`up{instance="${FQDN}"} == 1`);
        const procs = await prom!.query(`namedprocess_namegroup_num_procs{instance="${FQDN}",job="process"}`);
        const live = await prom!.query(`mailman_process_group_live_processes{instance="${FQDN}",job="node"}`);
        const expected = await prom!.query(`mailman_runner_expected_processes{instance="${FQDN}",job="node"}`);
        const selfheal = await prom!.query(`mailman_selfheal_restarts_total{instance="${FQDN}",job="node"}`);
        return (
          up.length === 2 && procs.length === exporterCounted && live.length === collectorCounted && expected.length === groups && selfheal.length === 1
        );
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'Prometheus to scrape both exporters with instance = the fqdn' },
      () => prom!.log().slice(-2000),
    );
    await prom!.waitForEvaluations(3);
    const alerts = await alertsFor();
    assert.deepEqual(alerts, [], `alerts for a healthy host: ${describeAlerts(alerts)}`);

    // the same series held for 65 minutes: the rules with `for:` up to 1h stay silent too
    const series = await currentSeries();
    assert.ok(series.length > groups * 2, `series for promtool: ${series.length}`);
    const t = await promtoolTestRules({
      rulesYaml,
      series,
      samples: 70,
      tests: [{ expr: 'ALERTS', eval_time: '65m', exp_samples: [] }],
    });
    assert.equal(t.code, 0, `promtool test rules (healthy, held):\n${t.stdout}${t.stderr}`);
  });

  // ---- 2. queue ----------------------------------------------------------------

  it('queue: a post while SMTP is refused waits in retry; the queue plugin and the collector both see it, ageing', async () => {
    const m = mm!;
    await m.createList(LIST, { members: [MEMBER] });
    await m.inject(LIST, { from: MEMBER, subject: 'e2e: SMTP refused' });
    const inFlight = ['in', 'pipeline', 'out', 'virgin'];
    await waitFor(
      () => m.queueFiles('retry').length > 0 && inFlight.every((q) => m.queueFiles(q).length === 0),
      { timeoutMs: 30_000, what: 'the post to reach retry' },
      () => JSON.stringify(Object.fromEntries(m.queueNames().map((q) => [q, m.queueFiles(q)]))),
    );
    const files = m.queueFiles('retry').filter((f) => f.endsWith('.pck'));
    const measure = async () => {
      const p = await runCheck(check('queue-retry'));
      assert.equal(p.code, 0, `a young message is OK: ${p.stdout}`);
      const c = await runCollector();
      return {
        plugin: pluginQueue(p.stdout),
        collector: {
          messages: valueOf(c, 'mailman_queue_messages', { queue: 'retry' })!,
          age: valueOf(c, 'mailman_queue_oldest_message_age_seconds', { queue: 'retry' })!,
        },
        stdout: p.stdout.trim(),
      };
    };
    // the age is whole seconds from the enqueue time in the file name: poll (bounded) until both are > 0
    const first = await waitFor(
      async () => {
        const x = await measure();
        return x.plugin.age > 0 && x.collector.age > 0 ? x : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250, what: 'a queue age above 0' },
    );
    assert.equal(first.plugin.messages, files.length, first.stdout);
    assert.equal(first.collector.messages, files.length);
    assert.match(first.stdout, new RegExp(`^QUEUE OK - retry: ${files.length} messages, oldest \\d+s`));
    const second = await waitFor(
      async () => {
        const x = await measure();
        return x.plugin.age > first.plugin.age && x.collector.age > first.collector.age ? x : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250, what: 'the queue age to grow' },
    );
    assert.ok(second.plugin.age > first.plugin.age && second.collector.age > first.collector.age);
    assert.equal(second.plugin.messages, first.plugin.messages, 'the message is still waiting');
    // plugin and collector age it the same way (same second or the next)
    assert.ok(Math.abs(second.plugin.age - second.collector.age) <= 2, JSON.stringify(second));

    // node_exporter serves it and Prometheus has it under the host's fqdn (the collector runs again: its
    // file is what the next scrape reads)
    const seen = await waitFor(
      async () => {
        await runCollector();
        const n = await prom!.query(`mailman_queue_messages{instance="${FQDN}",job="node",queue="retry"}`);
        const a = await prom!.query(`mailman_queue_oldest_message_age_seconds{instance="${FQDN}",job="node",queue="retry"}`);
        return n.length === 1 && Number(n[0].value[1]) === files.length && a.length === 1 && Number(a[0].value[1]) > 0 ? { n, a } : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250, what: 'Prometheus to see the retry message with its age' },
      async () => JSON.stringify(await prom!.query(`{__name__=~"mailman_queue_.+",instance="${FQDN}",queue="retry"}`)),
    );
    assert.equal(seen.n[0].metric.instance, FQDN);
  });

  // ---- 3. kill the out runner -------------------------------------------------

  it('kill out: its check_procs goes CRITICAL, the others stay OK; the zombie is not counted; MailmanRunnerDown pending, firing in promtool', async () => {
    const m = mm!;
    const master = m.masterPid;
    const [killed] = await m.killRunner('out', { signal: 'SIGKILL' });
    // the 2023 state: the master never restarts it, and (not signalled yet) does not even reap it
    const st = readStat(killed);
    assert.equal(st?.state, 'Z', 'a freshly started master leaves the SIGKILLed runner a zombie (FACTS.md)');
    assert.equal(st?.ppid, master);

    // a post now stays in out: nobody delivers it
    const outBefore = new Set(m.queueFiles('out'));
    await m.inject(LIST, { from: MEMBER, subject: 'e2e: while out is dead' });
    await waitFor(
      () => m.queueFiles('out').some((f) => !outBefore.has(f)) && ['in', 'pipeline'].every((q) => m.queueFiles(q).length === 0),
      { timeoutMs: 30_000, what: 'the post to wait in out' },
      () => JSON.stringify(Object.fromEntries(m.queueNames().map((q) => [q, m.queueFiles(q)]))),
    );
    const outCheck = await runCheck(check('queue-out'));
    assert.equal(pluginQueue(outCheck.stdout).messages, m.queueFiles('out').filter((f) => f.endsWith('.pck')).length, outCheck.stdout);

    // Icinga: out CRITICAL, every other group OK
    const procs = await procsChecks();
    assert.equal(procs.get('mailman-runner-out')!.code, 2, procs.get('mailman-runner-out')!.stdout);
    assert.match(procs.get('mailman-runner-out')!.stdout, /^PROCS CRITICAL: 0 processes/);
    const othersNotOk = [...procs].filter(([g, r]) => g !== 'mailman-runner-out' && r.code !== 0);
    assert.deepEqual(othersNotOk, [], 'the other groups stay OK');

    // process-exporter: the zombie is still in num_procs, the Zombie state tells it is dead
    const view = await waitFor(
      async () => {
        const c = groupCounts(await scrape(pe!.url)).get('mailman-runner-out');
        return c && c.numProcs - c.zombies === 0 ? c : undefined;
      },
      { timeoutMs: 15_000, what: 'process-exporter to report no live out runner' },
      async () => JSON.stringify(groupCounts(await scrape(pe!.url)).get('mailman-runner-out')),
    );
    assert.ok(view.zombies === 1 || view.numProcs === 0, JSON.stringify(view));

    // live Prometheus: the runner alert for out is pending (for: 2m) or firing; nothing else about processes
    const down = await waitFor(
      async () => {
        const a = await alertsFor('alertname="MailmanRunnerDown",groupname="mailman-runner-out"');
        return a.length === 1 ? a[0] : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'MailmanRunnerDown for mailman-runner-out' },
      async () => `alerts: ${describeAlerts(await alertsFor())}; out group: ${JSON.stringify(view)}`,
    );
    assert.ok(['pending', 'firing'].includes(down.metric.alertstate), down.metric.alertstate);
    assert.equal(down.metric.severity, 'critical');
    await prom!.waitForEvaluations(2);
    const processAlerts = await alertsFor('alertname=~"MailmanRunnerDown|MailmanMasterDown"');
    assert.deepEqual(
      processAlerts.map((a) => `${a.metric.alertname}/${a.metric.groupname}`),
      ['MailmanRunnerDown/mailman-runner-out'],
      describeAlerts(processAlerts),
    );

    // promtool, on these very series held (the zombie stays until the master is signalled):
    // after the rule's `for`, exactly this one alert fires for the host
    const series = await currentSeries();
    const t = await promtoolTestRules({
      rulesYaml,
      series,
      samples: 10,
      tests: [
        {
          expr: `count by (alertname, groupname, severity) (ALERTS{alertstate="firing",instance="${FQDN}"})`,
          eval_time: '5m',
          exp_samples: [{ labels: '{alertname="MailmanRunnerDown",groupname="mailman-runner-out",severity="critical"}', value: 1 }],
        },
      ],
    });
    assert.equal(t.code, 0, `promtool test rules (out runner killed, held):\n${t.stdout}${t.stderr}`);
  });

  // ---- 4. self-heal ---------------------------------------------------------------

  it('self-heal: the rendered script restarts this Mailman once, out is back, the restart is counted; no second restart within the interval', async () => {
    const m = mm!;
    const masterBefore = m.masterPid;
    const r = await runSelfHeal();
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /short process groups: mailman-runner-out\(0\/1\); restarting/);
    assert.equal(valueOf(r.metrics, 'mailman_selfheal_restarts_total'), 1);
    assert.equal(valueOf(r.metrics, 'mailman_selfheal_short_groups'), 1);
    const lastRestart = valueOf(r.metrics, 'mailman_selfheal_last_restart_timestamp_seconds')!;
    assert.ok(Math.abs(lastRestart - Date.now() / 1000) < 300, `last restart ${lastRestart}`);

    // the harness adopts the new master from master.pid and records its runners (teardown kills them by PID)
    await m.waitReady(60_000);
    assert.notEqual(m.masterPid, masterBefore, 'a new master');
    const pids = await m.runnerPids();
    for (const [runner, n] of m.expectedProcesses) assert.equal(pids.get(runner)?.length, n, runner);

    const procs = await procsChecks();
    assert.deepEqual([...procs].filter(([, x]) => x.code !== 0), [], 'every check_procs OK again');
    await waitFor(
      async () => {
        const c = groupCounts(await scrape(pe!.url)).get('mailman-runner-out');
        return c?.numProcs === 1 && c.zombies === 0;
      },
      { timeoutMs: 15_000, what: 'process-exporter to count the out runner again' },
      async () => JSON.stringify(groupCounts(await scrape(pe!.url)).get('mailman-runner-out')),
    );
    // the revived out runner works off the post that waited in out (delivery fails again: on to retry)
    await waitFor(() => m.queueFiles('out').length === 0, { timeoutMs: 30_000, what: 'the out queue to drain' });

    // Prometheus: the runner alert is gone, the restart raises MailmanSelfHealRestarted (warning, no `for`)
    await waitFor(
      async () => {
        const down = await alertsFor('alertname="MailmanRunnerDown",groupname="mailman-runner-out"');
        const healed = await alertsFor('alertname="MailmanSelfHealRestarted",alertstate="firing"');
        return down.length === 0 && healed.length === 1 && healed[0].metric.severity === 'warning';
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'RunnerDown to resolve and SelfHealRestarted to fire' },
      async () => describeAlerts(await alertsFor()),
    );

    // a runner dying again within minIntervalSeconds: self-heal waits instead of restarting in a loop
    const masterAfter = procRef(m.masterPid)!;
    await m.killRunner('out', { signal: 'SIGKILL' });
    const again = await runSelfHeal();
    assert.equal(again.code, 0, again.output);
    assert.match(again.output, new RegExp(`waiting for ${host.selfHeal.minIntervalSeconds} s between restarts`));
    assert.equal(valueOf(again.metrics, 'mailman_selfheal_restarts_total'), 1, 'no second restart');
    assert.equal(valueOf(again.metrics, 'mailman_selfheal_short_groups'), 1);
    assert.equal(isAlive(masterAfter), true, 'the master was not restarted');
    assert.equal(masterPidFile(), masterAfter.pid);
    assert.equal((await m.runnerPids()).get('out'), undefined, 'out stays down until the interval has passed');
    assert.equal((await runCheck(check('procs-mailman-runner-out'))).code, 2);
  });
});
