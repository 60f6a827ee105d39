/**
 * End-to-end: inode exhaustion (the 2014 outage: restored files used up the
 * root filesystem's inodes while only space was alerted) on a real tmpfs
 * with 64 inodes and plenty of space, seen by
 * - the disk check icinga2 runs from the rendered configuration (ITL `disk`,
 *   i.e. check_disk with the host's -w/-c space and -W/-K inode thresholds;
 *   `vars.disk_exclude_type = []` so a tmpfs is checked): OK while empty,
 *   CRITICAL on inodes once full (the same argv re-run by hand);
 * - node_exporter's filesystem collector (tmpfs and the mount point not
 *   excluded): files 64, files_free 0;
 * - Prometheus with the mixin's rules, the fsSelector widened to admit tmpfs
 *   (the default excludes tmpfs-like filesystems; production volumes are
 *   ext4): the inode rules go pending live, and in `promtool test rules` on
 *   the scraped series held for 65 minutes FilesystemAlmostOutOfFiles
 *   (`for: 1h`) fires as warning and critical; no space rule fires.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HostModel } from '../../lib/model/types';
import { renderIcinga2 } from '../../lib/render/icinga2';
import { scrapeConfigs } from '../../lib/monitoring/scrape-config';
import { evaluateMixin } from '../../lib/monitoring/evaluate-mixin';
import { mixinConfig } from '../../lib/monitoring/mixin-config';
import { exampleHostModel } from '../fixtures/host-model';
import { NODE_EXPORTER_BIN, NodeExporterInstance, scrape, select, startNodeExporter, valueOf } from './harness/exporters';
import { PROMETHEUS_BIN, PROMTOOL_BIN, PrometheusInstance, promtoolTestRules, startPrometheus } from './harness/prometheus';
import { ICINGA2_BIN, rebaseCommand, runCheck, runIcingaOnce } from './harness/icinga';
import { loopbackTargets } from './harness/host-model';
import { TmpfsMount, mountTmpfs } from './harness/mount';
import { ProcRef, isAlive, waitFor } from './harness/proc';
import { arg } from './harness/monitoring-readings';

const FQDN = 'lists-e2e-inodes.example.org';
const NR_INODES = 64;
const REQUIRED_TOOLS = [NODE_EXPORTER_BIN, PROMETHEUS_BIN, PROMTOOL_BIN, ICINGA2_BIN, '/usr/lib/nagios/plugins/check_disk'];
/** The mixin's default fsSelector without `tmpfs`, so the test tmpfs is watched. */
const FS_SELECTOR_WITH_TMPFS = 'fstype!~"ramfs|devtmpfs|squashfs|iso9660|overlay|nsfs|autofs|fuse[.].*",fstype!=""';
/**
 * node_exporter 1.5's defaults exclude mount points under /dev, /proc, /run,
 * /sys, /mnt, /media and some filesystem types; keep only the kernel's
 * pseudo filesystems excluded, and never tmpfs.
 */
const NODE_EXPORTER_FS_ARGS = [
  '--collector.filesystem.mount-points-exclude=^/(proc|sys|dev)($|/)',
  '--collector.filesystem.fs-types-exclude=^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|fusectl|hugetlbfs|mqueue|nsfs|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|sysfs|tracefs)$',
];

describe('inode exhaustion on a real tmpfs (64 inodes, 8 MiB)', () => {
  let work = '';
  let mount: TmpfsMount | undefined;
  let dir = '';
  let ne: NodeExporterInstance | undefined;
  let prom: PrometheusInstance | undefined;
  let host: HostModel;
  let rulesYaml = '';
  let diskArgv: string[] = [];
  const started: ProcRef[] = [];

  before(async () => {
    const missing = REQUIRED_TOOLS.filter((t) => !fs.existsSync(t));
    assert.deepEqual(missing, [], `tools missing (scripts/install-test-tools.sh installs them): ${missing.join(', ')}`);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'listhost-e2e-inodes-'));
    dir = path.join(work, 'restore');
    fs.mkdirSync(dir);
    mount = await mountTmpfs(dir, { size: '8M', nrInodes: NR_INODES });
    const base = exampleHostModel(FQDN, 'e2e', 'A');
    host = {
      ...base,
      volumes: [
        { name: 'root', mountpoint: '/', device: 'rootfs', fstype: 'ext4', sizeBytes: 21474836480, inodes: 1310720, managed: false },
        { name: 'restore', mountpoint: dir, device: 'tmpfs', fstype: 'tmpfs', sizeBytes: 8 * 2 ** 20, inodes: NR_INODES, managed: true },
      ],
      dataVolume: 'root',
      // only the filesystem concern here (the Mailman concerns run in mailman-e2e.test.ts)
      service: { ...base.service, processGroups: [], queues: [] },
      webUrl: null,
      database: null,
    };
    ne = await startNodeExporter({ collectors: ['filesystem'], extraArgs: NODE_EXPORTER_FS_ARGS });
    started.push(ne.ref);
    host = { ...host, exporters: { ...host.exporters, nodeExporterPort: ne.port } };
    rulesYaml = (await evaluateMixin(mixinConfig([host], { runbookBaseUrl: 'https://runbooks.example.org/', fsSelector: FS_SELECTOR_WITH_TMPFS })))
      .rulesYaml;
    // started here so its target discovery (about 5 s) overlaps the Icinga run; only node_exporter runs here
    const configs = loopbackTargets(scrapeConfigs([host]), host).filter((c) => c.job_name === 'node');
    prom = await startPrometheus({ rulesYaml, scrapeConfigs: configs });
  });

  after(async () => {
    const errors: unknown[] = [];
    for (const f of [() => prom?.stop(), () => ne?.stop(), () => mount?.umount()]) {
      try {
        await f();
      } catch (e) {
        errors.push(e);
      }
    }
    if (work) fs.rmSync(work, { recursive: true, force: true });
    assert.deepEqual([...started, ...(prom ? [prom.ref] : [])].filter(isAlive), [], 'every process the test started is gone');
    if (errors.length > 0) throw errors[0];
  });

  it('empty: icinga2 runs check_disk with the host thresholds on the tmpfs, OK; node_exporter reports its 64 inodes', async () => {
    const t = host.filesystemThresholds;
    const icinga = await runIcingaOnce({ files: renderIcinga2([host], { agentParentZone: null }), hostName: FQDN, expectedServices: 2 });
    assert.deepEqual([...icinga.results.keys()].sort(), ['disk-restore', 'disk-root']);
    const r = icinga.results.get('disk-restore')!;
    diskArgv = rebaseCommand(r.command, icinga.pluginDir);
    assert.equal(path.basename(diskArgv[0]), 'check_disk');
    assert.deepEqual(
      { w: arg(diskArgv, '-w'), c: arg(diskArgv, '-c'), W: arg(diskArgv, '-W'), K: arg(diskArgv, '-K'), p: arg(diskArgv, '-p') },
      {
        w: `${t.spaceFreeWarningPercent}%`,
        c: `${t.spaceFreeCriticalPercent}%`,
        W: `${t.inodesFreeWarningPercent}%`,
        K: `${t.inodesFreeCriticalPercent}%`,
        p: dir,
      },
    );
    assert.ok(!diskArgv.includes('-X'), `no filesystem type excluded (tmpfs would be): ${diskArgv.join(' ')}`);
    assert.equal(r.exit_status, 0, r.output);
    assert.match(r.output, /^DISK OK/);

    const s = await waitFor(
      async () => {
        const x = await scrape(ne!.url);
        return select(x, 'node_filesystem_files', { mountpoint: dir }).length === 1 ? x : undefined;
      },
      { timeoutMs: 10_000, what: `node_exporter to report ${dir}` },
    );
    const labels = select(s, 'node_filesystem_files', { mountpoint: dir })[0].labels;
    assert.equal(labels.fstype, 'tmpfs');
    assert.equal(valueOf(s, 'node_filesystem_files', { mountpoint: dir }), NR_INODES);
    assert.ok(valueOf(s, 'node_filesystem_files_free', { mountpoint: dir })! > 0);
  });

  it('filled until ENOSPC: the same check_disk argv is CRITICAL on inodes; node_exporter reports files_free 0', async () => {
    let created = 0;
    let error: NodeJS.ErrnoException | undefined;
    for (let i = 0; i < 10 * NR_INODES; i++) {
      try {
        fs.writeFileSync(path.join(dir, `restored-${i}`), '');
        created++;
      } catch (e) {
        error = e as NodeJS.ErrnoException;
        break;
      }
    }
    assert.equal(error?.code, 'ENOSPC', `stopped by ${error?.code} after ${created} files`);
    assert.ok(created > 0 && created < NR_INODES, `created ${created}`);

    const r = await runCheck(diskArgv);
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stdout, /^DISK CRITICAL/);
    assert.match(r.stdout, new RegExp(`${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} .*inode=0%`), 'the inodes are what is out');

    const s = await waitFor(
      async () => {
        const x = await scrape(ne!.url);
        return valueOf(x, 'node_filesystem_files_free', { mountpoint: dir }) === 0 ? x : undefined;
      },
      { timeoutMs: 10_000, what: 'node_exporter to report no free inodes' },
    );
    assert.equal(valueOf(s, 'node_filesystem_files', { mountpoint: dir }), NR_INODES);
    // space is not the problem: almost all of it is free
    const avail = valueOf(s, 'node_filesystem_avail_bytes', { mountpoint: dir })!;
    const size = valueOf(s, 'node_filesystem_size_bytes', { mountpoint: dir })!;
    assert.ok(avail / size > 0.9, `avail ${avail} of ${size}`);
  });

  it('Prometheus with the generated rules: the inode alerts for the tmpfs go pending; held 65 min in promtool they fire, no space alert', async () => {
    const sel = `instance="${FQDN}",mountpoint="${dir}"`;
    await waitFor(
      async () => (await prom!.query(`node_filesystem_files_free{${sel},job="node"} == 0`)).length === 1,
      { timeoutMs: 30_000, intervalMs: 250, what: 'Prometheus to scrape the full tmpfs' },
      () => prom!.log().slice(-2000),
    );
    await prom!.waitForEvaluations(3);
    const alerts = await prom!.query(`ALERTS{${sel}}`);
    const names = alerts.map((a) => `${a.metric.alertname}/${a.metric.severity}/${a.metric.alertstate}`).sort();
    assert.ok(names.includes('FilesystemAlmostOutOfFiles/critical/pending'), names.join(', '));
    assert.ok(names.includes('FilesystemAlmostOutOfFiles/warning/pending'), names.join(', '));
    assert.deepEqual(names.filter((n) => !n.startsWith('FilesystemFiles') && !n.startsWith('FilesystemAlmostOutOfFiles')), [], 'only inode alerts');
    for (const a of alerts) assert.equal(a.metric.instance, FQDN);

    const series = await prom!.query(`{${sel},__name__=~"node_filesystem_.+"}`);
    assert.ok(series.length >= 5, `series for promtool: ${series.length}`);
    const t = await promtoolTestRules({
      rulesYaml,
      series,
      samples: 70,
      tests: [
        {
          expr: `count by (alertname, severity) (ALERTS{alertstate="firing",alertname="FilesystemAlmostOutOfFiles",mountpoint="${dir}"})`,
          eval_time: '65m',
          exp_samples: [
            { labels: '{alertname="FilesystemAlmostOutOfFiles",severity="critical"}', value: 1 },
            { labels: '{alertname="FilesystemAlmostOutOfFiles",severity="warning"}', value: 1 },
          ],
        },
        { expr: `ALERTS{mountpoint="${dir}",alertname=~".*Space.*"}`, eval_time: '65m', exp_samples: [] },
      ],
    });
    assert.equal(t.code, 0, `promtool test rules (inodes used up, held):\n${t.stdout}${t.stderr}`);
  });
});
