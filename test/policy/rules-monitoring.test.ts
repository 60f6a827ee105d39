/**
 * The monitoring rules (LH001-LH008, LH013, LH017) over the artifacts the
 * library renders for the example hosts: each compliant as rendered, and
 * each non-compliant when one thing is broken the way a hand edit, a bad
 * selector or a wrong model would break it.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { buildArtifacts, changed, editAlerts, exampleModels, lintFiles, lintModels, messages, replaceIn, RULES_YML, runFor, runsOf, withoutAlerts } from './helpers';

const A = 'lists1001.example.org';
const B = 'lists2001.example.org';
const SERVICES = 'monitoring/icinga2/services.conf';
const HOSTS_CONF = 'monitoring/icinga2/hosts.conf';

describe('the rendered example is compliant with every rule', () => {
  it('every rule passes or does not apply for every target, with no finding', async () => {
    const report = lintFiles(await buildArtifacts(), exampleModels());
    assert.deepEqual(report.findings.map((f) => `${f.rule.id} ${f.message}`), []);
    assert.equal(report.exitCode, 0);
    for (const id of ['LH001', 'LH002', 'LH003', 'LH004', 'LH005', 'LH006', 'LH007', 'LH008', 'LH009', 'LH010', 'LH011', 'LH012', 'LH014', 'LH015', 'LH016']) {
      for (const host of [A, B]) assert.equal(runFor(report, id, host).status, 'pass', `${id} ${host}`);
    }
    for (const id of ['LH013', 'LH015', 'LH017']) assert.equal(runFor(report, id, 'stack:lists').status, 'pass', id);
  });
});

describe('LH001 FilesystemInodeAlerts', () => {
  it('fails when the fast-burst inode alert is deleted from rules.yml (the 2014 restore ate the inodes in 36 minutes)', async () => {
    const files = await buildArtifacts();
    files.set(RULES_YML, withoutAlerts(files.get(RULES_YML)!, (r) => r.alert === 'FilesystemFilesBurst'));
    const report = lintFiles(files, exampleModels());
    assert.equal(runFor(report, 'LH001', A).status, 'fail');
    assert.equal(runFor(report, 'LH001', A).findings.length, 3, 'one finding per volume');
    assert.match(messages(report, 'LH001')[0], /lacks inode alerts of kind burst-critical/);
    assert.equal(runFor(report, 'LH002', A).status, 'pass', 'space alerts are untouched');
    assert.equal(report.exitCode, 1);
  });

  for (const [alert, severity, kind] of [
    ['FilesystemAlmostOutOfFiles', 'critical', 'threshold-critical'],
    ['FilesystemAlmostOutOfFiles', 'warning', 'threshold-warning'],
    ['FilesystemFilesFillingUp', 'critical', 'trend-critical'],
    ['FilesystemFilesFillingUp', 'warning', 'trend-warning'],
  ] as const) {
    it(`fails when ${alert} (${severity}) is deleted: ${kind} is required`, async () => {
      const files = await buildArtifacts();
      files.set(RULES_YML, withoutAlerts(files.get(RULES_YML)!, (r) => r.alert === alert && r.labels?.severity === severity));
      const report = lintFiles(files, exampleModels());
      assert.equal(runFor(report, 'LH001', B).status, 'fail');
      assert.match(messages(report, 'LH001')[0], new RegExp(`kind ${kind}`));
    });
  }

  it("fails when the inode rules' fstype selector excludes the volumes' ext4", async () => {
    const files = await buildArtifacts();
    files.set(RULES_YML, editAlerts(files.get(RULES_YML)!, (r) => (/files_free/.test(r.expr) ? { ...r, expr: r.expr.replaceAll('fstype!=""', 'fstype!~"ext4|"') } : r)));
    const report = lintFiles(files, exampleModels());
    assert.equal(runFor(report, 'LH001', A).status, 'fail');
    assert.match(messages(report, 'LH001')[0], /no alerting rule matches it at all/);
  });

  it('fails when an inode rule sums over mountpoint (it would not say which filesystem)', async () => {
    const files = await buildArtifacts();
    files.set(
      RULES_YML,
      editAlerts(files.get(RULES_YML)!, (r) =>
        r.alert === 'FilesystemFilesBurst' ? { ...r, expr: 'sum by (instance) (predict_linear(node_filesystem_files_free{job="node"}[10m], 3600)) <= 0' } : r,
      ),
    );
    const report = lintFiles(files, exampleModels());
    assert.match(messages(report, 'LH001')[0], /burst-critical/);
  });

  it('fails for a tmpfs volume that the default fsSelector skips, and passes once the selector covers it', async () => {
    const models = exampleModels().map((m) => changed(m, (x) => x.volumes.push({ name: 'spool', mountpoint: '/var/spool/mailman', device: '/tmpfs', fstype: 'tmpfs', sizeBytes: 1 << 30, inodes: 65536, managed: false })));
    const files = await buildArtifacts(models);
    const report = lintFiles(files, models);
    const findings = report.findings.filter((f) => f.rule.id === 'LH001');
    assert.equal(findings.length, 2, 'the tmpfs volume of each host');
    assert.match(findings[0].message, /\/var\/spool\/mailman \(tmpfs on \/tmpfs\)/);
    files.set(RULES_YML, files.get(RULES_YML)!.replaceAll('fstype!~"tmpfs|', 'fstype!~"'));
    assert.equal(runFor(lintFiles(files, models), 'LH001', A).status, 'pass');
  });

  it('fails when rules.yml was not written, and does not apply to a host spec', async () => {
    const files = await buildArtifacts();
    files.delete(RULES_YML);
    const report = lintFiles(files, exampleModels());
    assert.match(runFor(report, 'LH001', A).findings[0].message, /rules\.yml was not written/);
    assert.equal(runFor(lintModels(exampleModels()), 'LH001', A).status, 'not-applicable');
  });

  it('the policy config can relax the required kinds', async () => {
    const files = await buildArtifacts();
    files.set(RULES_YML, withoutAlerts(files.get(RULES_YML)!, (r) => r.alert === 'FilesystemFilesFillingUp'));
    const config = { fleets: [], monitoring: { prometheus: true, icinga2: true }, filesystemAlerts: { require: ['threshold-critical', 'burst-critical'] as const, burstMaxWindowSeconds: 3600 } };
    assert.equal(runFor(lintFiles(files, exampleModels()), 'LH001', A).status, 'fail');
    assert.equal(runFor(lintFiles(files, exampleModels(), { config: { ...config, filesystemAlerts: { ...config.filesystemAlerts, require: [...config.filesystemAlerts.require] } } }), 'LH001', A).status, 'pass');
  });
});

describe('LH002 FilesystemSpaceAlerts', () => {
  it('fails when the critical "almost out of space" alert is deleted', async () => {
    const files = await buildArtifacts();
    files.set(RULES_YML, withoutAlerts(files.get(RULES_YML)!, (r) => r.alert === 'FilesystemAlmostOutOfSpace' && r.labels?.severity === 'critical'));
    const report = lintFiles(files, exampleModels());
    assert.equal(runFor(report, 'LH002', A).status, 'fail');
    assert.match(messages(report, 'LH002')[0], /lacks space alerts of kind threshold-critical/);
    assert.equal(runFor(report, 'LH001', A).status, 'pass');
  });
});

describe('LH003 IcingaDiskChecks', () => {
  it('fails when the disk service loses its inode threshold', async () => {
    const files = await buildArtifacts();
    replaceIn(files, SERVICES, /\n\s*vars\.disk_inode_cfree = [^\n]*/, '');
    const report = lintFiles(files, exampleModels());
    assert.equal(runFor(report, 'LH003', A).status, 'fail');
    assert.match(messages(report, 'LH003')[0], /vars\.disk_inode_cfree is not set/);
  });

  it('fails when a threshold differs from the model', async () => {
    const files = await buildArtifacts();
    replaceIn(files, SERVICES, 'vars.disk_inode_wfree = volume.inodes_free_warning_percent + "%"', 'vars.disk_inode_wfree = "1%"');
    assert.match(messages(lintFiles(files, exampleModels()), 'LH003')[0], /disk_inode_wfree is 1%, the model says 20%/);
  });

  it('fails for a volume the host object does not list, and when the Host object is gone', async () => {
    const files = await buildArtifacts();
    replaceIn(files, HOSTS_CONF, /"restore" = \{[^}]*\}/, '"restore-gone" = { }');
    const report = lintFiles(files, exampleModels());
    assert.ok(messages(report, 'LH003').some((m) => /no Icinga disk service checks \/srv\/restore/.test(m)));
    const gone = await buildArtifacts();
    replaceIn(gone, HOSTS_CONF, 'object Host "lists2001.example.org"', 'object Host "lists2001-renamed.example.org"');
    const r2 = lintFiles(gone, exampleModels());
    assert.equal(runFor(r2, 'LH003', A).status, 'pass');
    assert.match(runFor(r2, 'LH003', B).findings[0].message, /has no `object Host "lists2001.example.org"`/);
  });

  it('fails for a tmpfs volume when disk_exclude_type falls back to the ITL default', async () => {
    const models = exampleModels().map((m) => changed(m, (x) => x.volumes.push({ name: 'spool', mountpoint: '/var/spool/x', device: '/tmpfs', fstype: 'tmpfs', sizeBytes: 1 << 30, inodes: 65536, managed: false })));
    const files = await buildArtifacts(models);
    assert.equal(runFor(lintFiles(files, models), 'LH003', A).status, 'pass', 'rendered with disk_exclude_type = [ ]');
    replaceIn(files, SERVICES, /\n\s*vars\.disk_exclude_type = \[ \]/, '');
    assert.match(messages(lintFiles(files, models), 'LH003')[0], /fstype tmpfs is excluded \(the ITL default/);
  });
});

describe('LH004 ProcessGroupAlerts', () => {
  it('fails when the runner alert is a total count (2023: 14 of 15 looked fine)', async () => {
    const files = await buildArtifacts();
    files.set(
      RULES_YML,
      editAlerts(files.get(RULES_YML)!, (r) =>
        r.alert === 'MailmanRunnerDown' ? { ...r, expr: 'sum by (instance) (namedprocess_namegroup_num_procs{job="process",groupname=~"mailman-runner-.+"}) < 14' } : r,
      ),
    );
    const report = lintFiles(files, exampleModels());
    const findings = runFor(report, 'LH004', A).findings;
    assert.equal(findings.length, 13, 'each runner group; the master has its own alert');
    assert.match(findings[0].message, /aggregates groupname away/);
  });

  it('fails when the runner alert compares with neither the expected series nor the right number', async () => {
    const files = await buildArtifacts();
    files.set(
      RULES_YML,
      editAlerts(files.get(RULES_YML)!, (r) =>
        r.alert === 'MailmanRunnerDown' ? { ...r, expr: 'sum by (instance, groupname) (namedprocess_namegroup_num_procs{job="process",groupname=~"mailman-runner-.+"}) < 1' } : r,
      ),
    );
    const findings = runFor(lintFiles(files, exampleModels()), 'LH004', A).findings;
    assert.deepEqual(findings.map((f) => f.key), ['group:mailman-runner-rest'], '"< 1" is right for every runner but REST, which runs 3');
  });

  it('fails when the master alert only opens a ticket', async () => {
    const files = await buildArtifacts();
    files.set(RULES_YML, editAlerts(files.get(RULES_YML)!, (r) => (r.alert === 'MailmanMasterDown' ? { ...r, labels: { ...r.labels, severity: 'warning' } } : r)));
    const findings = runFor(lintFiles(files, exampleModels()), 'LH004', B).findings;
    assert.deepEqual(findings.map((f) => f.key), ['group:mailman-master:severity']);
  });

  it('passes for the master counted by the collector: its alert reads the live count the collector script exports', async () => {
    const files = await buildArtifacts();
    assert.doesNotMatch(files.get(`hosts/${A}/rootfs/etc/prometheus/process-exporter.yml`)!, /mailman-master/, 'process-exporter has no master group');
    assert.match(files.get(`hosts/${A}/rootfs/usr/local/lib/listhost/mailman-queue-collector`)!, /^count_group 'mailman-master' 'list' /m);
    assert.equal(runFor(lintFiles(files, exampleModels()), 'LH004', A).status, 'pass');
  });

  it('fails when the master alert reads process-exporter, which has no master group, instead of the collector', async () => {
    const files = await buildArtifacts();
    files.set(
      RULES_YML,
      editAlerts(files.get(RULES_YML)!, (r) =>
        r.alert === 'MailmanMasterDown' ? { ...r, expr: r.expr.replaceAll('mailman_process_group_live_processes{job="node",', 'namedprocess_namegroup_num_procs{job="process",') } : r,
      ),
    );
    const findings = runFor(lintFiles(files, exampleModels()), 'LH004', A).findings;
    assert.deepEqual(findings.map((f) => f.key), ['group:mailman-master']);
    assert.match(findings[0].message, /none selects mailman_process_group_live_processes\{job="node",groupname="mailman-master"\}/);
  });

  it('fails when the collector does not count the master', async () => {
    const files = await buildArtifacts();
    replaceIn(files, `hosts/${A}/rootfs/usr/local/lib/listhost/mailman-queue-collector`, /^count_group 'mailman-master' .*\n/m, '');
    const report = lintFiles(files, exampleModels());
    const findings = runFor(report, 'LH004', A).findings;
    assert.deepEqual(findings.map((f) => f.key), ['collector:mailman-master']);
    assert.match(findings[0].message, /does not count group mailman-master/);
    assert.equal(runFor(report, 'LH004', B).status, 'pass');
  });

  it('fails when process-exporter gets a master group back, or runs without -recheck', async () => {
    const files = await buildArtifacts();
    replaceIn(files, `hosts/${A}/rootfs/etc/prometheus/process-exporter.yml`, /\n$/, "\n  - name: mailman-master\n    cmdline:\n      - '^[^ ]+ /usr/lib/mailman3/bin/master( |$)'\n");
    replaceIn(files, `hosts/${A}/rootfs/etc/default/prometheus-process-exporter`, ' -recheck"', '"');
    const findings = runFor(lintFiles(files, exampleModels()), 'LH004', A).findings;
    assert.deepEqual(findings.map((f) => f.key).sort(), ['exporter:mailman-master:collector', 'exporter:recheck']);
    assert.equal(findings.find((f) => f.key === 'exporter:mailman-master:collector')!.location.pointer, '/process_names/13');
  });

  it("fails when the host's process-exporter config lacks a group", async () => {
    const files = await buildArtifacts();
    replaceIn(files, `hosts/${A}/rootfs/etc/prometheus/process-exporter.yml`, /\n\s*- name: mailman-runner-out\n\s*cmdline:\n[^\n]*/, '');
    const report = lintFiles(files, exampleModels());
    assert.deepEqual(runFor(report, 'LH004', A).findings.map((f) => f.key), ['exporter:mailman-runner-out']);
    assert.equal(runFor(report, 'LH004', B).status, 'pass');
  });
});

describe('LH005 ExpectedProcessCounts (exported by the collector)', () => {
  it('fails when the collector script exports a wrong count', async () => {
    const files = await buildArtifacts();
    replaceIn(files, `hosts/${A}/rootfs/usr/local/lib/listhost/mailman-queue-collector`, 'mailman_runner_expected_processes{groupname="mailman-runner-rest"} 3', 'mailman_runner_expected_processes{groupname="mailman-runner-rest"} 2');
    const findings = runFor(lintFiles(files, exampleModels()), 'LH005', A).findings;
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /exports mailman_runner_expected_processes\{groupname="mailman-runner-rest"\} 2, the model expects 3/);
    assert.ok(findings[0].location.line! > 1, 'points at the line');
  });
});

describe('LH006 IcingaProcessChecks', () => {
  it('fails when a procs range accepts fewer processes than expected', async () => {
    const files = await buildArtifacts();
    replaceIn(files, SERVICES, 'vars.procs_critical = group.expected_processes + ":" + group.expected_processes', 'vars.procs_critical = "1:"');
    const findings = runFor(lintFiles(files, exampleModels()), 'LH006', A).findings;
    assert.deepEqual(findings.map((f) => f.key), ['group:mailman-runner-rest:range'], 'only REST expects more than 1');
    assert.match(findings[0].message, /accepts 1 processes, fewer than the 3 expected/);
  });

  it('fails when a group is missing from the host variables, or the user differs', async () => {
    const files = await buildArtifacts();
    replaceIn(files, HOSTS_CONF, /"mailman-runner-out" = \{[^}]*\}/, '');
    const r1 = lintFiles(files, exampleModels());
    assert.ok(runFor(r1, 'LH006', A).findings.some((f) => f.key === 'group:mailman-runner-out'));
    const f2 = await buildArtifacts();
    replaceIn(f2, SERVICES, 'vars.procs_user = group.user', 'vars.procs_user = "root"');
    assert.match(runFor(lintFiles(f2, exampleModels()), 'LH006', B).findings[0].message, /procs_user is root, the group runs as list/);
  });
});

describe('LH007 QueueAlerts', () => {
  it('fails for out and retry when the paging queue alert is deleted (2023: 4k messages, two days)', async () => {
    const files = await buildArtifacts();
    files.set(RULES_YML, withoutAlerts(files.get(RULES_YML)!, (r) => r.alert === 'MailmanQueueStalled'));
    const keys = runFor(lintFiles(files, exampleModels()), 'LH007', A).findings.map((f) => f.key).sort();
    assert.deepEqual(keys, ['queue:out:age', 'queue:out:page', 'queue:retry:age', 'queue:retry:page']);
  });

  it('fails for the ordinary queues when the count alert is deleted (the failed-message queues keep theirs)', async () => {
    const files = await buildArtifacts();
    files.set(RULES_YML, withoutAlerts(files.get(RULES_YML)!, (r) => r.alert === 'MailmanQueueLarge'));
    const keys = runFor(lintFiles(files, exampleModels()), 'LH007', A).findings.map((f) => f.key);
    assert.equal(keys.length, 10);
    assert.ok(keys.every((k) => k.endsWith(':count')));
    assert.ok(!keys.includes('queue:shunt:count') && !keys.includes('queue:bad:count'));
  });

  it('fails for retry when the growth page is deleted (an SMTP outage resets its age every 15 minutes), and when the model stops it paging', async () => {
    const files = await buildArtifacts();
    files.set(RULES_YML, withoutAlerts(files.get(RULES_YML)!, (r) => r.alert === 'MailmanQueueGrowing'));
    assert.deepEqual(runFor(lintFiles(files, exampleModels()), 'LH007', A).findings.map((f) => f.key), ['queue:retry:growth']);
    const models = exampleModels().map((m) => changed(m, (x) => (x.service.queues.find((q: { name: string }) => q.name === 'retry').pagesOnGrowth = false)));
    assert.deepEqual(lintModels(models).findings.filter((f) => f.rule.id === 'LH007').map((f) => f.key), ['queue:retry:pagesOnGrowth', 'queue:retry:pagesOnGrowth']);
  });

  it('tells a count alert from a growth alert by what it compares, not by a range', async () => {
    const files = await buildArtifacts();
    // A count alert on a 5-minute average is still a count alert: no finding.
    files.set(RULES_YML, editAlerts(files.get(RULES_YML)!, (r) => (r.alert === 'MailmanQueueLarge' ? { ...r, expr: r.expr.replace(/mailman_queue_messages(\{[^}]*\})/, 'avg_over_time(mailman_queue_messages$1[5m])') } : r)));
    assert.match(files.get(RULES_YML)!, /avg_over_time\(mailman_queue_messages/);
    assert.deepEqual(runFor(lintFiles(files, exampleModels()), 'LH007', A).findings.map((f) => f.key), []);
    // A critical alert on a 5-minute maximum above a number is a size alert, not a growth page for retry.
    files.set(RULES_YML, editAlerts(files.get(RULES_YML)!, (r) => (r.alert === 'MailmanQueueGrowing' ? { ...r, expr: 'max_over_time(mailman_queue_messages{job="node",queue=~"retry"}[5m]) > 1000' } : r)));
    assert.deepEqual(runFor(lintFiles(files, exampleModels()), 'LH007', A).findings.map((f) => f.key), ['queue:retry:growth']);
  });

  it('fails for shunt and bad when the "any failed message" alert is deleted', async () => {
    const files = await buildArtifacts();
    files.set(RULES_YML, withoutAlerts(files.get(RULES_YML)!, (r) => r.alert === 'MailmanFailedMessagesQueued'));
    const keys = runFor(lintFiles(files, exampleModels()), 'LH007', A).findings.map((f) => f.key).sort();
    assert.deepEqual(keys, ['queue:bad:age', 'queue:shunt:age']);
  });

  it('fails when no alert watches the collector, and when the model stops out from paging', async () => {
    const files = await buildArtifacts();
    files.set(RULES_YML, withoutAlerts(files.get(RULES_YML)!, (r) => /QueueCollector/.test(r.alert ?? '')));
    assert.deepEqual(runFor(lintFiles(files, exampleModels()), 'LH007', A).findings.map((f) => f.key), ['collector']);
    const models = exampleModels().map((m) => changed(m, (x) => (x.service.queues.find((q: { name: string }) => q.name === 'out').pagesOnAge = false)));
    const report = lintModels(models);
    assert.deepEqual(runFor(report, 'LH007', A).findings.map((f) => f.key), ['queue:out:pagesOnAge']);
  });

  it('fails when the model drops the out queue', () => {
    const models = exampleModels().map((m) => changed(m, (x) => (x.service.queues = x.service.queues.filter((q: { name: string }) => q.name !== 'out'))));
    assert.deepEqual(runFor(lintModels(models), 'LH007', B).findings.map((f) => f.key), ['queue:out:model']);
  });
});

describe('LH008 IcingaQueueChecks', () => {
  it('fails when the out queue check stops paging', async () => {
    const files = await buildArtifacts();
    replaceIn(files, HOSTS_CONF, /("out" = \{[^}]*"routing" = )"page-critical"/, '$1"ticket"');
    const findings = runFor(lintFiles(files, exampleModels()), 'LH008', A).findings;
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /queue out: the queue pages on age, but vars\.listhost_routing is "ticket"/);
  });

  it('fails when the queue apply rule is gone', async () => {
    const files = await buildArtifacts();
    replaceIn(files, SERVICES, 'for (name => queue in host.vars.listhost_queues)', 'for (name => queue in host.vars.listhost_queues_gone)');
    assert.equal(runFor(lintFiles(files, exampleModels()), 'LH008', A).findings.length, 12);
  });
});

describe('LH013 CriticalAlertRunbooks', () => {
  it('fails when the runbook page of a critical alert is missing', async () => {
    const files = await buildArtifacts();
    assert.ok(files.delete('monitoring/runbooks/MailmanRunnerDown.md'));
    const run = runFor(lintFiles(files, exampleModels()), 'LH013', 'stack:lists');
    assert.equal(run.status, 'fail');
    assert.match(run.findings[0].message, /MailmanRunnerDown links to .*MailmanRunnerDown\.md, but stacks\/lists\/monitoring\/runbooks\/MailmanRunnerDown\.md was not written/);
  });

  it('fails when a critical alert has no runbook_url, not for a warning', async () => {
    const files = await buildArtifacts();
    files.set(RULES_YML, editAlerts(files.get(RULES_YML)!, (r) => {
      if (r.alert === 'MailmanQueueStalled' || r.alert === 'MailmanQueueLarge') delete r.annotations.runbook_url;
      return r;
    }));
    const report = lintFiles(files, exampleModels());
    assert.deepEqual(runFor(report, 'LH013', 'stack:lists').findings.map((f) => f.key), ['alert:MailmanQueueStalled']);
    assert.equal(runFor(report, 'LH017', 'stack:lists').findings.length, 2, 'both break the alert contract (a warning)');
  });
});

describe('LH017 AlertContract', () => {
  it('warns about a bad severity, a missing summary and an expression that does not parse', async () => {
    const files = await buildArtifacts();
    files.set(RULES_YML, editAlerts(files.get(RULES_YML)!, (r) => {
      if (r.alert === 'MailmanWebUnavailable') r.labels.severity = 'page';
      if (r.alert === 'MailmanDatabaseUnreachable') delete r.annotations.summary;
      if (r.alert === 'MailmanSelfHealRestarted') r.expr = 'sum(rate(x[5m]) >';
      return r;
    }));
    const report = lintFiles(files, exampleModels());
    const found = runFor(report, 'LH017', 'stack:lists').findings.map((f) => f.message);
    assert.equal(found.length, 3);
    assert.ok(found.some((m) => /MailmanWebUnavailable: severity is "page"/.test(m)));
    assert.ok(found.some((m) => /MailmanDatabaseUnreachable: annotation\(s\) summary missing/.test(m)));
    assert.ok(found.some((m) => /MailmanSelfHealRestarted: its expression does not parse/.test(m)));
    assert.equal(report.exitCode, 0, 'warnings do not fail without --strict');
    assert.equal(lintFiles(files, exampleModels(), { strict: true }).exitCode, 1);
  });
});

describe('runs per target', () => {
  it('host rules run once per host, stack rules once per stack', async () => {
    const report = lintFiles(await buildArtifacts(), exampleModels());
    assert.equal(runsOf(report, 'LH001').length, 2);
    assert.equal(runsOf(report, 'LH013').length, 1);
    assert.equal(runsOf(report, 'LH015').length, 3, 'two hosts and the stack');
  });
});
