/**
 * The monitored Mailman that mailman-e2e.test.ts runs its scenarios against:
 * a real Mailman 3.3.8 with its var_dir on a tmpfs data volume (a tmpfs
 * restore volume beside it), node_exporter and process-exporter with the
 * configuration and flags provisioning installs, the rendered queue
 * collector, self-heal script and queue plugin, and a Prometheus evaluating
 * the mixin's rules on both exporters.
 *
 * start() (the suite's `before`) sets it all up and records each part as it
 * is created; stop() (its `after`) tears down whatever start() got to, every
 * process by PID, and asserts that every process the test started is gone.
 * The other methods are what the scenarios run against it: the collector,
 * self-heal, the checks icinga2 ran, queries to Prometheus.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { HostModel } from '../../../lib/model/types';
import { PROCESS_EXPORTER_CONFIG, PROCESS_EXPORTER_DEFAULTS, processExporterFiles, renderProcessExporterConfig } from '../../../lib/render/process-exporter';
import { renderQueueCollector } from '../../../lib/render/queue-collector';
import { renderSelfHeal } from '../../../lib/render/self-heal';
import { renderQueueCheckPlugin } from '../../../lib/render/queue-check-plugin';
import { QUEUE_PLUGIN_NAME } from '../../../lib/render/icinga2/names';
import { scrapeConfigs } from '../../../lib/monitoring/scrape-config';
import { evaluateMixin } from '../../../lib/monitoring/evaluate-mixin';
import { mixinConfig } from '../../../lib/monitoring/mixin-config';
import { DEBIAN_PATH, MailmanInstance, startMailman } from './mailman';
import {
  NODE_EXPORTER_BIN,
  NodeExporterInstance,
  PROCESS_EXPORTER_BIN,
  ProcessExporterInstance,
  Samples,
  parsePrometheusText,
  startNodeExporter,
  startProcessExporter,
} from './exporters';
import { PROMETHEUS_BIN, PROMTOOL_BIN, PrometheusInstance, VectorSample, startPrometheus } from './prometheus';
import { ICINGA2_BIN, runCheck } from './icinga';
import { E2E_FQDN, loopbackTargets, mailmanE2eHostModel } from './host-model';
import { TmpfsMount, mountTmpfs } from './mount';
import { ProcRef, allPids, isAlive, readCmdline, readStat, run, runDaemonizing } from './proc';

const FQDN = E2E_FQDN;
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

/** The rendered scripts in the work dir, and the file self-heal's output goes to. */
export interface RenderedScripts {
  readonly collector: string;
  readonly selfHeal: string;
  readonly queuePlugin: string;
  readonly selfHealOut: string;
}

/** What start() creates, in this order; stop() tears down the parts that exist. */
interface Parts {
  work: string;
  dataMount: TmpfsMount;
  restoreMount: TmpfsMount;
  mm: MailmanInstance;
  ne: NodeExporterInstance;
  pe: ProcessExporterInstance;
  host: HostModel;
  scripts: RenderedScripts;
  rulesYaml: string;
  prom: PrometheusInstance;
}

export class MonitoredMailman {
  /** Processes the test started besides Mailman and Prometheus; stop() asserts they are gone. */
  readonly started: ProcRef[] = [];
  /** Service name -> the argv icinga2 ran, rebased onto the real plugin paths. */
  readonly checks = new Map<string, string[]>();
  private readonly parts: Partial<Parts> = {};

  /** The Mailman under test (self-heal replaces its master: ask it, not a copy, for PIDs). */
  get mm(): MailmanInstance {
    return this.part('mm');
  }

  /** process-exporter with the rendered config and the provisioned flags. */
  get pe(): ProcessExporterInstance {
    return this.part('pe');
  }

  /** node_exporter: the test's own filesystems and the textfile directory. */
  get ne(): NodeExporterInstance {
    return this.part('ne');
  }

  /** Prometheus with the generated rules and scrape jobs. */
  get prom(): PrometheusInstance {
    return this.part('prom');
  }

  /** The host model the constructs build for this Mailman. */
  get host(): HostModel {
    return this.part('host');
  }

  /** The rules.yml the mixin produces for the host. */
  get rulesYaml(): string {
    return this.part('rulesYaml');
  }

  get scripts(): RenderedScripts {
    return this.part('scripts');
  }

  private part<K extends keyof Parts>(name: K): Parts[K] {
    const value = this.parts[name];
    if (value === undefined) throw new Error(`the monitored Mailman has no ${name}: start() did not get that far`);
    return value;
  }

  /** Sets it all up (the suite's `before`), recording each part as soon as it exists. */
  async start(): Promise<void> {
    const p = this.parts;
    const missing = REQUIRED_TOOLS.filter((t) => !fs.existsSync(t));
    assert.deepEqual(missing, [], `tools missing (scripts/install-test-tools.sh installs them): ${missing.join(', ')}`);
    const work = (p.work = fs.mkdtempSync(path.join(os.tmpdir(), 'listhost-e2e-mailman-work-')));
    // user list must reach its config and var_dir below it
    fs.chmodSync(work, 0o755);
    for (const d of ['data', 'restore', 'state', 'bin']) fs.mkdirSync(path.join(work, d));
    const stateDir = path.join(work, 'state');
    // The host's data volume (Mailman's var_dir lives on it) and its restore volume.
    const dataMount = (p.dataMount = await mountTmpfs(path.join(work, 'data'), { size: '256M' }));
    const restoreMount = (p.restoreMount = await mountTmpfs(path.join(work, 'restore'), { size: '8M', nrInodes: 4096 }));

    const mm = (p.mm = await startMailman({ parentDir: dataMount.dir }));
    const foreign = await foreignMailmanPids(mm);
    assert.deepEqual(foreign, [], `another Mailman runs on this host (PIDs ${foreign.join(', ')}); process counts would include it`);
    // node_exporter reports only this test's own filesystems (the host's volumes here), not the CI machine's
    const ne = (p.ne = await startNodeExporter({
      collectors: ['filesystem', 'textfile'],
      extraArgs: [`--collector.filesystem.mount-points-exclude=${notUnder(work + '/')}`],
    }));
    this.started.push(ne.ref);

    const model = (peport: number) =>
      mailmanE2eHostModel(mm, {
        textfileDirectory: ne.textfileDir,
        selfHealStateDirectory: stateDir,
        nodeExporterPort: ne.port,
        processExporterPort: peport,
        restartCommand: ['sh', '-c', RESTART_SCRIPT, 'restart-mailman', mm.configFile, path.join(mm.varDir, 'master.pid')],
        // the test's own volumes only: '/' belongs to the CI machine (test/icinga2/daemon-run.test.ts checks it)
        volumes: [
          { name: 'data', mountpoint: dataMount.dir, device: 'tmpfs', fstype: 'tmpfs', sizeBytes: 256 * 2 ** 20, inodes: 65536, managed: false },
          { name: 'restore', mountpoint: restoreMount.dir, device: 'tmpfs', fstype: 'tmpfs', sizeBytes: 8 * 2 ** 20, inodes: 4096, managed: true },
        ],
        dataVolume: 'data',
        restoreVolume: 'restore',
      });
    // process-exporter with the config and the flags provisioning installs (its port does not matter to them)
    const pe = (p.pe = await startProcessExporter({ configYaml: renderProcessExporterConfig(model(0)), extraArgs: provisionedProcessExporterFlags(model(0)) }));
    this.started.push(pe.ref);
    const host = (p.host = model(pe.port));

    const scripts = (p.scripts = {
      collector: path.join(work, 'bin', 'mailman-queue-collector'),
      selfHeal: path.join(work, 'bin', 'mailman-selfheal'),
      queuePlugin: path.join(work, 'bin', QUEUE_PLUGIN_NAME),
      selfHealOut: path.join(work, 'selfheal.out'),
    });
    fs.writeFileSync(scripts.collector, renderQueueCollector(host), { mode: 0o755 });
    fs.writeFileSync(scripts.selfHeal, renderSelfHeal(host), { mode: 0o755 });
    fs.writeFileSync(scripts.queuePlugin, renderQueueCheckPlugin(host), { mode: 0o755 });
    const rulesYaml = (p.rulesYaml = (await evaluateMixin(mixinConfig([host], { runbookBaseUrl: 'https://runbooks.example.org/' }))).rulesYaml);
    // started here so its target discovery (about 5 s) overlaps the first scenarios
    const configs = loopbackTargets(scrapeConfigs([host]), host);
    assert.deepEqual(configs.map((c) => c.job_name).sort(), ['node', 'process'], 'the generated scrape jobs');
    p.prom = await startPrometheus({ rulesYaml, scrapeConfigs: configs });
  }

  /** Tears down what start() set up (the suite's `after`); every process the test started must be gone. */
  async stop(): Promise<void> {
    const { work, dataMount, restoreMount, mm, pe, ne, prom } = this.parts;
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
      await attempt(() => mm.stop());
      mailmanRefs = mm.recordedPids();
    }
    // Mailman's var_dir is on the data volume: unmount only after it stopped
    await attempt(() => dataMount?.umount());
    await attempt(() => restoreMount?.umount());
    if (work) fs.rmSync(work, { recursive: true, force: true });
    const alive = [...this.started, ...(prom ? [prom.ref] : []), ...mailmanRefs].filter(isAlive);
    assert.deepEqual(alive, [], 'every process the test started is gone');
    if (errors.length > 0) throw errors[0];
  }

  // ---- what the scenarios run against it --------------------------------------

  /** Runs the rendered queue collector and reads the textfile it wrote. */
  async runCollector(): Promise<Samples> {
    const r = await run(this.scripts.collector, [], { env: { PATH: DEBIAN_PATH } });
    assert.equal(r.code, 0, `queue collector failed: ${r.stderr}`);
    return parsePrometheusText(fs.readFileSync(path.join(this.host.exporters.textfileDirectory, 'mailman_queues.prom'), 'utf8'));
  }

  /** Runs the rendered self-heal script (it may start a new master) and reads the textfile it wrote. */
  async runSelfHeal(): Promise<{ code: number; output: string; metrics: Samples }> {
    const r = await runDaemonizing(this.scripts.selfHeal, [], {
      outputFile: this.scripts.selfHealOut,
      env: { PATH: DEBIAN_PATH, LANG: 'C.UTF-8' },
      cwd: this.part('work'),
      timeoutMs: 120_000,
    });
    const metrics = parsePrometheusText(fs.readFileSync(path.join(this.host.exporters.textfileDirectory, 'mailman_selfheal.prom'), 'utf8'));
    return { code: r.code, output: r.stdout, metrics };
  }

  /** The groups of the rendered process-exporter config, with the count each should have. */
  exporterGroups(): Map<string, number> {
    const host = this.host;
    const config = parseYaml(renderProcessExporterConfig(host)) as { process_names: { name: string }[] };
    const byName = new Map(host.service.processGroups.map((g) => [g.groupname, g.expectedProcesses]));
    return new Map(
      config.process_names.map((p) => {
        assert.ok(byName.has(p.name), `process-exporter group ${p.name} is a process group of the model`);
        return [p.name, byName.get(p.name)!];
      }),
    );
  }

  /** The master PID in Mailman's master.pid. */
  masterPidFile(): number {
    return Number(fs.readFileSync(path.join(this.mm.varDir, 'master.pid'), 'utf8').trim());
  }

  /** The argv icinga2 ran for `service`. */
  check(service: string): string[] {
    const argv = this.checks.get(service);
    assert.ok(argv, `icinga2 ran no check ${service}; it ran ${[...this.checks.keys()].join(', ')}`);
    return argv;
  }

  /** Group name -> the result of its check_procs, run by hand with icinga2's argv. */
  async procsChecks(): Promise<Map<string, { code: number; stdout: string }>> {
    const out = new Map<string, { code: number; stdout: string }>();
    for (const g of this.host.service.processGroups) {
      const r = await runCheck(this.check(`procs-${g.groupname}`));
      out.set(g.groupname, { code: r.code, stdout: r.stdout.trim() });
    }
    return out;
  }

  /** Prometheus's ALERTS for the host, narrowed by `extra` label matchers. */
  async alertsFor(extra = ''): Promise<VectorSample[]> {
    return this.prom.query(`ALERTS{instance="${FQDN}"${extra ? ',' + extra : ''}}`);
  }

  /** The series the rules read, as Prometheus has them now, for promtool. */
  async currentSeries(): Promise<VectorSample[]> {
    return this.prom.query(
      `{instance="${FQDN}",__name__=~"namedprocess_namegroup_(num_procs|states)|mailman_.+|up|node_filesystem_.+"}`,
    );
  }
}
