/**
 * The rules over the host model (LH005, LH009-LH012, LH014, LH016): each
 * compliant for the example hosts and non-compliant for a model that could
 * repeat a seed incident. Model rules apply to host specs as well, and to
 * the artifacts that implement them (mount unit, format script).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { resolvePolicyConfig } from '../../lib/policy/config';
import { buildArtifacts, changed, exampleModels, lintFiles, lintModels, replaceIn, runFor } from './helpers';

const A = 'lists1001.example.org';
const B = 'lists2001.example.org';
const C = 'lists3001.example.org';

function group(model: any, name: string) {
  return model.service.processGroups.find((g: { groupname: string }) => g.groupname === name);
}

describe('LH005 ExpectedProcessCounts (model)', () => {
  it('passes for Mailman 3.3.8 with 13 runners, REST 1 + 2 workers, and the master', () => {
    const report = lintModels(exampleModels());
    assert.equal(runFor(report, 'LH005', A).status, 'pass');
  });

  it('fails when REST expects 1 process (its gunicorn workers forgotten)', () => {
    const models = [changed(exampleModels()[0], (m) => (group(m, 'mailman-runner-rest').expectedProcesses = 1))];
    const findings = runFor(lintModels(models), 'LH005', A).findings;
    assert.deepEqual(findings.map((f) => f.key), ['runner:rest:count']);
    assert.equal(findings[0].location.pointer, '/0/service/processGroups/9/expectedProcesses');
  });

  it('fails when a runner expects a count that is not a power of 2', () => {
    const models = [changed(exampleModels()[0], (m) => (group(m, 'mailman-runner-out').expectedProcesses = 3))];
    assert.deepEqual(runFor(lintModels(models), 'LH005', A).findings.map((f) => f.key), ['runner:out:count']);
  });

  it('fails when the 3.3 task runner has no group, and when 3.2 has one', () => {
    const without = [changed(exampleModels()[0], (m) => (m.service.processGroups = m.service.processGroups.filter((g: { groupname: string }) => g.groupname !== 'mailman-runner-task')))];
    assert.deepEqual(runFor(lintModels(without), 'LH005', A).findings.map((f) => f.key), ['runner:task:missing']);
    const old = [changed(exampleModels()[0], (m) => (m.service.version = '3.2.2'))];
    assert.deepEqual(runFor(lintModels(old), 'LH005', A).findings.map((f) => f.key), ['runner:task:unknown']);
  });

  it('fails when a runner regex does not single out its runner, and when the master expects 2', () => {
    const models = [
      changed(exampleModels()[0], (m) => {
        group(m, 'mailman-runner-out').cmdlineRegex = '/usr/lib/mailman3/bin/runner';
        group(m, 'mailman-master').expectedProcesses = 2;
      }),
    ];
    assert.deepEqual(runFor(lintModels(models), 'LH005', A).findings.map((f) => f.key).sort(), ['master:count', 'runner:out:regex']);
  });

  it('fails when process-exporter counts the master (a runner first seen before its exec would count as the master for good)', () => {
    const models = [changed(exampleModels()[0], (m) => (group(m, 'mailman-master').countedBy = 'process-exporter'))];
    const findings = runFor(lintModels(models), 'LH005', A).findings;
    assert.deepEqual(findings.map((f) => f.key), ['master:counted-by']);
    assert.equal(findings[0].location.pointer, '/0/service/processGroups/13/countedBy');
    assert.match(findings[0].message, /between the master's fork and the runner's exec/);
  });
});

describe('LH009 RestoreVolumeSeparate', () => {
  it('passes for a restore volume of its own', () => {
    assert.equal(runFor(lintModels(exampleModels()), 'LH009', A).status, 'pass');
  });

  it('fails for a restore onto / (2014)', () => {
    const models = [changed(exampleModels()[0], (m) => (m.backup.restoreVolume = 'root'))];
    const keys = runFor(lintModels(models), 'LH009', A).findings.map((f) => f.key);
    assert.ok(keys.includes('restore:root'));
  });

  it('fails for a restore onto the data volume', () => {
    const models = [changed(exampleModels()[0], (m) => (m.backup.restoreVolume = 'data'))];
    assert.ok(runFor(lintModels(models), 'LH009', A).findings.some((f) => f.key === 'restore:data'));
  });

  it('fails for a restore volume on the device of another volume', () => {
    const models = [changed(exampleModels()[0], (m) => (m.volumes[2].device = m.volumes[1].device))];
    const findings = runFor(lintModels(models), 'LH009', A).findings;
    assert.deepEqual(findings.map((f) => f.key), ['restore:device:data']);
    assert.match(findings[0].message, /on \/dev\/vdb1, the device of volume 'data'/);
  });

  it('fails for a restore volume on the whole disk of another volume\'s partition, not on another partition of it', () => {
    const disk = [changed(exampleModels()[0], (m) => (m.volumes[2].device = '/dev/vdb'))];
    const findings = runFor(lintModels(disk), 'LH009', A).findings;
    assert.deepEqual(findings.map((f) => f.key), ['restore:device:data']);
    assert.match(findings[0].message, /the restore volume on \/dev\/vdb overlaps volume 'data' on \/dev\/vdb1 \(\/srv\/mailman3\): one is the whole disk the other is a partition of/);
    assert.deepEqual(findings[0].related.map((r) => r.pointer), ['/0/volumes/1/device']);
    const sibling = [changed(exampleModels()[0], (m) => (m.volumes[2].device = '/dev/vdb2'))];
    assert.equal(runFor(lintModels(sibling), 'LH009', A).status, 'pass');
  });

  it('fails when restoreVolume names no volume', () => {
    const models = [changed(exampleModels()[0], (m) => (m.backup.restoreVolume = 'nowhere'))];
    assert.deepEqual(runFor(lintModels(models), 'LH009', A).findings.map((f) => f.key), ['restore:missing']);
    assert.equal(runFor(lintModels(models), 'LH010', A).status, 'not-applicable');
  });

  it('fails when the mount unit written to the rootfs is missing or mounts another device', async () => {
    const files = await buildArtifacts();
    replaceIn(files, `hosts/${A}/rootfs/etc/systemd/system/srv-restore.mount`, 'What=/dev/vdc', 'What=/dev/vda1');
    assert.deepEqual(runFor(lintFiles(files, exampleModels()), 'LH009', A).findings.map((f) => f.key), ['restore:unit:What']);
    files.delete(`hosts/${B}/rootfs/etc/systemd/system/srv-restore.mount`);
    assert.deepEqual(runFor(lintFiles(files, exampleModels()), 'LH009', B).findings.map((f) => f.key), ['restore:unit-missing']);
  });
});

describe('LH010 RestoreVolumeInodes', () => {
  it('passes with 2,000,000 inodes for 1,000,000 files x 2', () => {
    assert.equal(runFor(lintModels(exampleModels()), 'LH010', A).status, 'pass');
  });

  it('fails with fewer inodes than the backup needs', () => {
    const models = [changed(exampleModels()[0], (m) => (m.volumes[2].inodes = 1_999_999))];
    const findings = runFor(lintModels(models), 'LH010', A).findings;
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /has 1999999 inodes; the backup's 1000000 files x headroom 2 need 2000000/);
  });

  it('fails with more inodes than the volume\'s size can hold (mkfs would fail)', () => {
    const models = [changed(exampleModels()[0], (m) => (m.volumes[2].sizeBytes = 1024 * 1024 * 1024))];
    const findings = runFor(lintModels(models), 'LH010', A).findings;
    assert.deepEqual(findings.map((f) => f.key), ['restore:inodes-fit']);
    assert.match(findings[0].message, /formatted with 2000000 inodes, more than the 1048576 its 1073741824 bytes can hold/);
    assert.equal(findings[0].location.pointer, '/0/volumes/2/inodes');
  });

  it('fails when the provisioning script was edited to accept fewer', async () => {
    const files = await buildArtifacts();
    replaceIn(files, `hosts/${A}/rootfs/usr/local/lib/listhost/prepare-restore-volume`, 'required=2000000', 'required=1000');
    const findings = runFor(lintFiles(files, exampleModels()), 'LH010', A).findings;
    assert.deepEqual(findings.map((f) => f.key), ['restore:script-required']);
    assert.ok(findings[0].location.line! > 1);
  });
});

function third(release = '12', agent = '7') {
  return changed(exampleModels()[1], (m) => {
    m.fqdn = C;
    m.platform.release = release;
    m.platform.agent.version = agent;
  });
}

describe('LH011 UniformOsRelease and LH012 UniformAgentVersion', () => {
  it('pass when every host runs Debian 12 and Puppet 7', () => {
    const report = lintModels([...exampleModels(), third()]);
    for (const host of [A, B, C]) {
      assert.equal(runFor(report, 'LH011', host).status, 'pass');
      assert.equal(runFor(report, 'LH012', host).status, 'pass');
    }
  });

  it('flag the one host still on Puppet 2.7 (2014), not the others', () => {
    const report = lintModels([...exampleModels(), third('12', '2.7')]);
    assert.equal(runFor(report, 'LH012', A).status, 'pass');
    const findings = runFor(report, 'LH012', C).findings;
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /runs config-management agent puppet 2\.7; fleet 'default' runs puppet 7 \(2 of 3 hosts, e\.g\. lists1001/);
    assert.equal(runFor(report, 'LH011', C).status, 'pass');
  });

  it('flag the older release on a tie', () => {
    const report = lintModels([exampleModels()[0], changed(exampleModels()[1], (m) => (m.platform.release = '11'))]);
    assert.equal(runFor(report, 'LH011', A).status, 'pass');
    assert.match(runFor(report, 'LH011', B).findings[0].message, /runs OS release debian 11; fleet 'default' runs debian 12/);
  });

  it('follow the fleets and pins of the policy config', () => {
    const models = [...exampleModels(), third('11', '6')];
    const separate = resolvePolicyConfig({ fleets: [{ name: 'legacy', hosts: ['lists3*'] }] }, 'policy.yml');
    const r1 = lintModels(models, { config: separate });
    assert.equal(runFor(r1, 'LH011', C).status, 'pass', 'alone in its fleet');
    const pinned = resolvePolicyConfig({ fleets: [{ name: 'lists', hosts: ['*.example.org'], release: '13' }] }, 'policy.yml');
    const r2 = lintModels(exampleModels(), { config: pinned });
    assert.match(runFor(r2, 'LH011', A).findings[0].message, /fleet 'lists' runs debian 13 \(pinned in the policy config\)/);
    assert.equal(runFor(r2, 'LH012', A).status, 'pass');
  });
});

describe('LH014 HostLocation', () => {
  it('fails for a placeholder site', () => {
    const report = lintModels([changed(exampleModels()[0], (m) => (m.location.site = 'unknown'))]);
    assert.deepEqual(runFor(report, 'LH014', A).findings.map((f) => f.key), ['location:site']);
    assert.equal(runFor(lintModels(exampleModels()), 'LH014', A).status, 'pass');
  });

  it('fails when the Icinga host does not carry the location', async () => {
    const files = await buildArtifacts();
    replaceIn(files, 'monitoring/icinga2/hosts.conf', '"row" = "B"', '"row" = "C"');
    const findings = runFor(lintFiles(files, exampleModels()), 'LH014', B).findings;
    assert.deepEqual(findings.map((f) => f.key), ['icinga-location:row']);
  });
});

describe('LH016 HostContacts', () => {
  it('warns about a host without contacts; warnings fail only with --strict', () => {
    const models = [changed(exampleModels()[0], (m) => (m.contacts = []))];
    const report = lintModels(models);
    assert.equal(runFor(report, 'LH016', A).findings[0].rule.level, 'warning');
    assert.equal(report.exitCode, 0);
    assert.equal(lintModels(models, { strict: true }).exitCode, 1);
    assert.equal(runFor(lintModels(exampleModels()), 'LH016', A).status, 'pass');
  });
});
