/**
 * Every prop rejects bad input at construction with a message naming the
 * prop and what is expected.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Testing } from 'cdktf';
import { ListhostStack, MailingListHost, type MailingListHostProps } from '../../lib';
import { hostProps, newStack, STACK_PROPS } from '../helpers/example-props';

type Mutate = (props: MailingListHostProps) => unknown;
const base = hostProps();
const restore = base.backup.restoreVolume;

const cases: Array<[string, Mutate, RegExp]> = [
  ['fqdn missing', (p) => ({ ...p, fqdn: undefined }), /prop 'fqdn' is required/],
  ['fqdn upper case / single label', (p) => ({ ...p, fqdn: 'LISTS' }), /prop 'fqdn' is "LISTS"; expected a lower-case fully qualified domain name/],
  ['fqdn with shell', (p) => ({ ...p, fqdn: 'a$(id).example.org' }), /prop 'fqdn'/],
  ['location missing', (p) => ({ ...p, location: undefined }), /prop 'location' is required: give \{ site, row \}/],
  ['site with space', (p) => ({ ...p, location: { site: 'dc 1', row: 'A' } }), /prop 'location.site' is "dc 1"/],
  ['row missing', (p) => ({ ...p, location: { site: 'dc1' } }), /prop 'location.row' is required/],
  ['rack with quote', (p) => ({ ...p, location: { site: 'dc1', row: 'A', rack: 'r"1' } }), /prop 'location.rack'/],
  ['platform missing', (p) => ({ ...p, platform: undefined }), /prop 'platform' is required/],
  ['platform agent missing', (p) => ({ ...p, platform: { os: 'debian', release: '12' } }), /prop 'platform.agent' is required/],
  ['agent version with newline', (p) => ({ ...p, platform: { os: 'debian', release: '12', agent: { name: 'puppet', version: '7\n' } } }), /prop 'platform.agent.version'/],
  ['os empty', (p) => ({ ...p, platform: { ...p.platform, os: '' } }), /prop 'platform.os'/],
  ['release missing', (p) => ({ ...p, platform: { ...p.platform, release: undefined } }), /prop 'platform.release' is required/],
  ['contact email', (p) => ({ ...p, contacts: [{ name: 'x', email: 'nope' }] }), /prop 'contacts\[0\].email' is "nope"; expected an e-mail address/],
  ['contact name', (p) => ({ ...p, contacts: [{ name: '', email: 'a@example.org' }] }), /prop 'contacts\[0\].name'/],
  ['root volume missing', (p) => ({ ...p, rootVolume: undefined }), /prop 'rootVolume' is required/],
  ['root volume not /', (p) => ({ ...p, rootVolume: { ...p.rootVolume, mountpoint: '/srv' } }), /prop 'rootVolume.mountpoint' is "\/srv"; expected "\/"/],
  ['data volume missing', (p) => ({ ...p, dataVolume: undefined }), /prop 'dataVolume' is required/],
  ['data volume on /', (p) => ({ ...p, dataVolume: { ...p.dataVolume, mountpoint: '/' } }), /prop 'dataVolume.mountpoint'/],
  ['data volume relative path', (p) => ({ ...p, dataVolume: { ...p.dataVolume, mountpoint: 'srv/mailman3' } }), /prop 'dataVolume.mountpoint' is "srv\/mailman3"; expected an absolute path/],
  ['data volume dot-dot', (p) => ({ ...p, dataVolume: { ...p.dataVolume, mountpoint: '/srv/../etc' } }), /prop 'dataVolume.mountpoint'/],
  ['device with space', (p) => ({ ...p, dataVolume: { ...p.dataVolume, device: '/dev/vdb 1' } }), /prop 'dataVolume.device'/],
  ['size unparsable', (p) => ({ ...p, dataVolume: { ...p.dataVolume, size: 'huge' } }), /prop 'dataVolume.size' is "huge"; expected a size such as "100GiB"/],
  ['size negative', (p) => ({ ...p, dataVolume: { ...p.dataVolume, size: -1 } }), /prop 'dataVolume.size'/],
  ['fstype bad', (p) => ({ ...p, dataVolume: { ...p.dataVolume, fstype: 'EXT4!' } }), /prop 'dataVolume.fstype'/],
  ['bytesPerInode too small', (p) => ({ ...p, dataVolume: { ...p.dataVolume, bytesPerInode: 10 } }), /prop 'dataVolume.bytesPerInode'/],
  ['inodes zero', (p) => ({ ...p, dataVolume: { ...p.dataVolume, inodes: 0 } }), /prop 'dataVolume.inodes'/],
  ['backup missing', (p) => ({ ...p, backup: undefined }), /prop 'backup' is required/],
  ['backup expectedFiles', (p) => ({ ...p, backup: { ...p.backup, expectedFiles: 0 } }), /prop 'backup.expectedFiles' is 0; expected a whole number/],
  ['backup headroom', (p) => ({ ...p, backup: { ...p.backup, inodeHeadroom: 0.5 } }), /prop 'backup.inodeHeadroom' is 0.5/],
  ['backup path relative', (p) => ({ ...p, backup: { ...p.backup, paths: ['srv'] } }), /prop 'backup.paths\[0\]'/],
  ['restore volume missing', (p) => ({ ...p, backup: { ...p.backup, restoreVolume: undefined } }), /prop 'backup.restoreVolume' is required/],
  ['restore on the root mount point', (p) => ({ ...p, backup: { ...p.backup, restoreVolume: { ...restore, mountpoint: '/' } } }), /prop 'backup.restoreVolume' .* shares its mount point with rootVolume/],
  ['restore on the data device', (p) => ({ ...p, backup: { ...p.backup, restoreVolume: { ...restore, device: '/dev/vdb1' } } }), /shares its device with dataVolume/],
  ['restore on the disk that holds the data partition', (p) => ({ ...p, backup: { ...p.backup, restoreVolume: { ...restore, device: '/dev/vdb' } } }),
    /prop 'backup.restoreVolume.device' is "\/dev\/vdb", which is the disk that holds dataVolume \(\/dev\/vdb1\): formatting it would destroy that volume/],
  ['restore on the disk that holds the root partition (NVMe naming)',
    (p) => ({ ...p, rootVolume: { ...p.rootVolume, device: '/dev/nvme0n1p1' }, backup: { ...p.backup, restoreVolume: { ...restore, device: '/dev/nvme0n1' } } }),
    /prop 'backup.restoreVolume.device' is "\/dev\/nvme0n1", which is the disk that holds rootVolume/],
  ['restore on a partition of the disk the data volume uses whole',
    (p) => ({ ...p, dataVolume: { ...p.dataVolume, device: '/dev/xvdb' }, backup: { ...p.backup, restoreVolume: { ...restore, device: '/dev/xvdb2' } } }),
    /prop 'backup.restoreVolume.device' is "\/dev\/xvdb2", which is a partition of \/dev\/xvdb, the whole disk dataVolume uses/],
  ['restore too few inodes', (p) => ({ ...p, backup: { ...p.backup, restoreVolume: { ...restore, inodes: 10 } } }), /prop 'backup.restoreVolume.inodes' is 10, which is fewer than the 2000000 a restore needs/],
  ['restore inodes more than its size holds', (p) => ({ ...p, backup: { ...p.backup, restoreVolume: { ...restore, size: '1GiB', inodes: 2_000_000 } } }),
    /prop 'backup.restoreVolume.inodes' is 2000000, which is more than the 1048576 inodes a "1GiB" ext4 volume can hold \(one per 1024 bytes, mke2fs's smallest ratio\), so mkfs would fail at terraform apply/],
  ['restore too small for the backup', (p) => ({ ...p, backup: { ...p.backup, expectedFiles: 50_000_000, restoreVolume: { ...restore, size: '10GiB' } } }),
    /prop 'backup.restoreVolume.size' is "10GiB", which is too small: the backup needs 100000000 inodes \(backup.expectedFiles x inodeHeadroom\), more than the 10485760 inodes/],
  ['restore not ext4', (p) => ({ ...p, backup: { ...p.backup, restoreVolume: { ...restore, fstype: 'xfs' } } }), /prop 'backup.restoreVolume.fstype' is "xfs"; expected "ext4"/],
  ['inode threshold out of range', (p) => ({ ...p, filesystemThresholds: { inodesFreeWarningPercent: 120 } }), /prop 'filesystemThresholds.inodesFreeWarningPercent' is 120/],
  ['inode critical above warning', (p) => ({ ...p, filesystemThresholds: { inodesFreeWarningPercent: 10, inodesFreeCriticalPercent: 15 } }), /inodesFreeCriticalPercent' is 15, which must be below inodesFreeWarningPercent \(10\)/],
  ['space critical above warning', (p) => ({ ...p, filesystemThresholds: { spaceFreeCriticalPercent: 30 } }), /spaceFreeCriticalPercent' is 30/],
  ['space threshold zero', (p) => ({ ...p, filesystemThresholds: { spaceFreeCriticalPercent: 0 } }), /spaceFreeCriticalPercent' is 0/],
  ['exporter port', (p) => ({ ...p, exporters: { nodeExporterPort: 70000 } }), /prop 'exporters.nodeExporterPort' is 70000/],
  ['process exporter port', (p) => ({ ...p, exporters: { processExporterPort: 0 } }), /prop 'exporters.processExporterPort'/],
  ['blackbox port', (p) => ({ ...p, exporters: { blackboxExporterPort: 1.5 } }), /prop 'exporters.blackboxExporterPort'/],
  ['textfile dir', (p) => ({ ...p, exporters: { textfileDirectory: 'x' } }), /prop 'exporters.textfileDirectory'/],
  ['self-heal interval', (p) => ({ ...p, selfHeal: { minIntervalSeconds: 5 } }), /prop 'selfHeal.minIntervalSeconds' is 5/],
  ['self-heal check interval', (p) => ({ ...p, selfHeal: { checkIntervalSeconds: 1 } }), /prop 'selfHeal.checkIntervalSeconds'/],
  ['database host', (p) => ({ ...p, database: { host: 'db;rm', port: 3306 } }), /prop 'database.host'/],
  ['database port', (p) => ({ ...p, database: { host: 'db1', port: 0 } }), /prop 'database.port'/],
  ['web url', (p) => ({ ...p, webUrl: 'ftp://x' }), /prop 'webUrl' is "ftp:\/\/x"; expected an absolute http: or https: URL/],
  ['web url with quote', (p) => ({ ...p, webUrl: 'https://x.example.org/"' }), /prop 'webUrl'/],
  ['mailman version unsupported', (p) => ({ ...p, mailmanVersion: '2.1.39' }), /prop 'mailmanVersion' is "2.1.39"; expected a Mailman version of a supported series \(3.2.x, 3.3.x\)/],
  ['unknown runner', (p) => ({ ...p, runners: { outgoing: {} } }), /prop 'runners.outgoing' is "outgoing"; expected one of Mailman 3.3.8's runners: archive, bounces/],
  ['instances not power of 2', (p) => ({ ...p, runners: { out: { instances: 3 } } }), /prop 'runners.out.instances' is 3; expected a power of 2/],
  ['instances zero', (p) => ({ ...p, runners: { out: { instances: 0 } } }), /prop 'runners.out.instances' is 0/],
  ['rest workers', (p) => ({ ...p, restWorkers: 0 }), /prop 'restWorkers' is 0/],
  ['var directory', (p) => ({ ...p, varDirectory: 'var' }), /prop 'varDirectory'/],
  ['queue directory', (p) => ({ ...p, queueDirectory: '/srv/q q' }), /prop 'queueDirectory'/],
  ['config file', (p) => ({ ...p, configFile: '~/mailman.cfg' }), /prop 'configFile'/],
  ['bin directory', (p) => ({ ...p, binDirectory: '' }), /prop 'binDirectory'/],
  ['user', (p) => ({ ...p, user: 'li st' }), /prop 'user'/],
  ['unit', (p) => ({ ...p, unit: 'mailman3' }), /prop 'unit' is "mailman3"; expected a systemd service name/],
  ['queue age critical below warning', (p) => ({ ...p, queueThresholds: { ageWarningSeconds: 900, ageCriticalSeconds: 600 } }), /prop 'queueThresholds.ageCriticalSeconds' is 600, which must be above ageWarningSeconds \(900\)/],
  ['queue age warning too small', (p) => ({ ...p, queueThresholds: { ageWarningSeconds: 1 } }), /prop 'queueThresholds.ageWarningSeconds' is 1/],
  ['queue messages', (p) => ({ ...p, queueThresholds: { messagesWarning: -5 } }), /prop 'queueThresholds.messagesWarning'/],
  // Misspelt props, which TypeScript lets through when the object is built with spreads or `any`: ignored, they would leave the default in place.
  ['misspelt optional prop', (p) => ({ ...p, filesystemThreshold: { inodesFreeWarningPercent: 30 } }),
    /prop 'filesystemThreshold' is not a prop of MailingListHost; did you mean 'filesystemThresholds'\? \(MailingListHost takes fqdn, location, .*, webUrl\)\.$/],
  ['unknown prop', (p) => ({ ...p, colour: 'blue' }), /prop 'colour' is not a prop of MailingListHost \(MailingListHost takes /],
  ['misspelt self-heal prop', (p) => ({ ...p, selfHeal: { minIntervalSecond: 3600 } }),
    /prop 'selfHeal.minIntervalSecond' is not a prop of selfHeal; did you mean 'minIntervalSeconds'\? \(selfHeal takes minIntervalSeconds, checkIntervalSeconds\)/],
  ['misspelt volume prop', (p) => ({ ...p, dataVolume: { ...p.dataVolume, bytesPerinode: 4096 } }), /prop 'dataVolume.bytesPerinode' is not a prop of a volume; did you mean 'bytesPerInode'\?/],
  ['misspelt restore volume prop', (p) => ({ ...p, backup: { ...p.backup, restoreVolume: { ...restore, inode: 10 } } }), /prop 'backup.restoreVolume.inode' is not a prop of a restore volume; did you mean 'inodes'\?/],
  ['misspelt backup prop', (p) => ({ ...p, backup: { ...p.backup, inodeHeadRoom: 3 } }), /prop 'backup.inodeHeadRoom' is not a prop of backup; did you mean 'inodeHeadroom'\?/],
  ['misspelt runner prop', (p) => ({ ...p, runners: { out: { instance: 2 } } }), /prop 'runners.out.instance' is not a prop of a runner; did you mean 'instances'\?/],
  ['misspelt contact prop', (p) => ({ ...p, contacts: [{ name: 'admins', emial: 'a@example.org' }] }), /prop 'contacts\[0\].emial' is not a prop of a contact; did you mean 'email'\?/],
  ['misspelt location prop', (p) => ({ ...p, location: { site: 'dc1', row: 'A', rck: '4' } }), /prop 'location.rck' is not a prop of location; did you mean 'rack'\?/],
];

describe('MailingListHost rejects bad props', () => {
  for (const [name, mutate, message] of cases) {
    it(name, () => {
      assert.throws(() => new MailingListHost(newStack(), 'host', mutate(hostProps()) as MailingListHostProps), (error: Error) => {
        assert.match(error.message, message);
        assert.match(error.message, /^lists\/host: prop '/, 'the message names the construct path');
        return true;
      });
    });
  }

  it('a host declared twice in one stack', () => {
    const stack = newStack();
    new MailingListHost(stack, 'a', hostProps());
    assert.throws(() => new MailingListHost(stack, 'b', hostProps()), /lists\/b: prop 'fqdn' is "lists1001.example.org", which is already declared by lists\/a/);
  });

  it('a host outside a ListhostStack', () => {
    assert.throws(() => new MailingListHost(Testing.app(), 'host', hostProps()), /declare hosts inside a ListhostStack/);
  });
});

describe('ListhostStack rejects bad props', () => {
  const stackCases: Array<[string, unknown, RegExp]> = [
    ['monitoring missing', {}, /prop 'monitoring' is required/],
    ['runbook base URL missing', { monitoring: { ...STACK_PROPS.monitoring, runbookBaseUrl: undefined } }, /prop 'monitoring.runbookBaseUrl' is required/],
    ['runbook base URL not a URL', { monitoring: { ...STACK_PROPS.monitoring, runbookBaseUrl: 'runbooks' } }, /prop 'monitoring.runbookBaseUrl' is "runbooks"; expected an absolute/],
    ['runbook base URL without slash', { monitoring: { ...STACK_PROPS.monitoring, runbookBaseUrl: 'https://x.example.org/rb' } }, /ending in "\/"/],
    ['alerting without pager', { monitoring: { ...STACK_PROPS.monitoring, alerting: { tickets: { name: 't', email: 't@example.org' } } } }, /prop 'monitoring.alerting' is required/],
    ['receiver with a bad e-mail', { monitoring: { ...STACK_PROPS.monitoring, alerting: { ...STACK_PROPS.monitoring.alerting, tickets: { name: 't', email: 'nope' } } } }, /: ListhostStack lists: prop 'monitoring.alerting.tickets.email'/],
    ['receiver with a secret in the webhook URL', { monitoring: { ...STACK_PROPS.monitoring, alerting: { ...STACK_PROPS.monitoring.alerting, pager: { name: 'p', webhookUrl: 'https://x.example.org/hook?token=s3cret' } } } }, /prop 'monitoring.alerting.pager.webhookUrl'/],
    ['two receivers with one name', { monitoring: { ...STACK_PROPS.monitoring, alerting: { ...STACK_PROPS.monitoring.alerting, tickets: { name: 'oncall-pager', email: 't@example.org' } } } }, /prop 'monitoring.alerting.tickets.name'/],
    ['misspelt stack prop', { monitoring: STACK_PROPS.monitoring, monitor: {} }, /ListhostStack lists: prop 'monitor' is not a prop of ListhostStack \(ListhostStack takes monitoring\)/],
    ['misspelt monitoring prop', { monitoring: { ...STACK_PROPS.monitoring, runbookBaseURL: 'https://x.example.org/' } }, /prop 'monitoring.runbookBaseURL' is not a prop of monitoring; did you mean 'runbookBaseUrl'\?/],
    ['misspelt alerting prop', { monitoring: { ...STACK_PROPS.monitoring, alerting: { ...STACK_PROPS.monitoring.alerting, smartHost: 'mx:25' } } }, /prop 'monitoring.alerting.smartHost' is not a prop of alerting; did you mean 'smarthost'\?/],
    ['misspelt receiver prop', { monitoring: { ...STACK_PROPS.monitoring, alerting: { ...STACK_PROPS.monitoring.alerting, tickets: { name: 't', email: 't@example.org', sendResolve: false } } } },
      /prop 'monitoring.alerting.tickets.sendResolve' is not a prop of a receiver; did you mean 'sendResolved'\?/],
  ];
  for (const [name, props, message] of stackCases) {
    it(name, () => assert.throws(() => new ListhostStack(Testing.app(), 'lists', props as never), message));
  }
});
