import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Testing } from 'cdktf';
import { MailingListHost } from '../../lib';
import { hostProps, newHost, newStack } from '../helpers/example-props';
import { exampleHostModel } from '../fixtures/host-model';

describe('MailingListHost defaults', () => {
  const host = newHost();

  it('derives the 13 runners of Mailman 3.3.8 plus the master, each checked on its own', () => {
    assert.equal(host.mailmanVersion, '3.3.8');
    const runners = host.processGroups.filter((g) => g.groupname.startsWith('mailman-runner-')).map((g) => g.groupname.slice('mailman-runner-'.length));
    assert.deepEqual(runners, ['archive', 'bounces', 'command', 'digest', 'in', 'lmtp', 'nntp', 'out', 'pipeline', 'rest', 'retry', 'task', 'virgin']);
    assert.equal(host.processGroups.at(-1)?.groupname, 'mailman-master');
  });

  it('has the collector count the master (a runner has its command line until it execs), process-exporter the runners', () => {
    assert.deepEqual(
      [...new Set(host.processGroups.filter((g) => g.groupname !== 'mailman-master').map((g) => g.countedBy))],
      ['process-exporter'],
    );
    assert.equal(host.processGroups.find((g) => g.groupname === 'mailman-master')?.countedBy, 'collector');
  });

  it('expects 1 + workers REST processes and 15 runner processes in all', () => {
    assert.equal(host.restWorkers, 2);
    assert.equal(host.processGroups.find((g) => g.groupname === 'mailman-runner-rest')?.expectedProcesses, 3);
    const total = host.processGroups.filter((g) => g.groupname.startsWith('mailman-runner-')).reduce((n, g) => n + g.expectedProcesses, 0);
    assert.equal(total, 15);
  });

  it('pages on the age of out and retry, tickets on shunt and bad', () => {
    assert.deepEqual(host.queues.filter((q) => q.pagesOnAge).map((q) => q.name), ['out', 'retry']);
    assert.deepEqual(host.queues.filter((q) => q.ticketWhenNonEmpty).map((q) => q.name), ['bad', 'shunt']);
    assert.equal(host.queues.find((q) => q.name === 'out')?.directory, '/srv/mailman3/queue/out');
  });

  it('formats the restore volume with the backup file count times the default headroom of 2', () => {
    const restore = host.model.volumes.find((v) => v.name === host.model.backup.restoreVolume);
    assert.equal(restore?.mountpoint, '/srv/restore');
    assert.equal(restore?.inodes, 2_000_000);
    assert.equal(restore?.managed, true);
  });

  it('accepts a restore volume on another partition of the data volume\'s disk (a filesystem of its own)', () => {
    const stack = newStack();
    const sibling = new MailingListHost(stack, 'sibling', {
      ...hostProps(),
      dataVolume: { ...hostProps().dataVolume, device: '/dev/nvme1n1p1' },
      backup: { ...hostProps().backup, restoreVolume: { ...hostProps().backup.restoreVolume, device: '/dev/nvme1n1p2' } },
    });
    assert.equal(sibling.model.volumes.find((v) => v.name === 'restore')?.device, '/dev/nvme1n1p2');
  });

  it('resolves to the hand-written fixture the renderer tests use', () => {
    assert.deepEqual(host.model, exampleHostModel());
  });
});

describe('MailingListHost custom props', () => {
  it('honours instances, workers, directories, thresholds and version', () => {
    const host = newHost({
      ...hostProps(),
      mailmanVersion: '3.2.2',
      runners: { out: { instances: 4 }, in: { instances: 2 } },
      restWorkers: 4,
      varDirectory: '/srv/mailman3/var',
      queueThresholds: { ageWarningSeconds: 600, ageCriticalSeconds: 1200, messagesWarning: 50 },
      filesystemThresholds: { inodesFreeWarningPercent: 30, inodesFreeCriticalPercent: 10 },
      selfHeal: { minIntervalSeconds: 3600 },
      backup: { ...hostProps().backup, expectedFiles: 10, inodeHeadroom: 3, restoreVolume: { mountpoint: '/srv/restore', device: '/dev/vdc', size: '1GiB' } },
    });
    const byName = new Map(host.processGroups.map((g) => [g.groupname, g.expectedProcesses]));
    assert.equal(byName.get('mailman-runner-out'), 4);
    assert.equal(byName.get('mailman-runner-in'), 2);
    assert.equal(byName.get('mailman-runner-rest'), 5);
    assert.equal(byName.has('mailman-runner-task'), false, '3.2 has no task runner');
    assert.equal(host.queues.find((q) => q.name === 'out')?.directory, '/srv/mailman3/var/queue/out');
    assert.equal(host.queues[0].ageCriticalSeconds, 1200);
    assert.equal(host.model.filesystemThresholds.inodesFreeWarningPercent, 30);
    assert.equal(host.model.filesystemThresholds.spaceFreeWarningPercent, 20);
    assert.equal(host.model.selfHeal.minIntervalSeconds, 3600);
    assert.equal(host.model.volumes.find((v) => v.name === 'restore')?.inodes, 30);
  });
});

describe('provisioning', () => {
  it('declares one null_resource per host with file hashes as triggers and an ssh connection from variables', () => {
    const stack = newStack();
    new MailingListHost(stack, 'a', hostProps('lists1001.example.org'));
    new MailingListHost(stack, 'b', hostProps('lists2001.example.org', 'dc2', 'B'));
    const synthesized = Testing.synth(stack);
    const config = JSON.parse(synthesized);
    assert.equal(Object.keys(config.resource.null_resource).length, 2);
    assert.ok(Testing.toHaveResourceWithProperties(synthesized, 'null_resource', {
      connection: { type: 'ssh', host: 'lists1001.example.org', user: '${var.ssh_user}', private_key: '${var.ssh_private_key}' },
    }));
    const resource = Object.values(config.resource.null_resource)[0] as { triggers: Record<string, string> };
    assert.match(resource.triggers['/usr/local/lib/listhost/mailman-queue-collector'], /^[0-9a-f]{64}$/);
    assert.ok('/etc/prometheus/process-exporter.yml' in resource.triggers);
    assert.equal(config.variable.ssh_private_key.sensitive, true);
  });

  it('changes a trigger when a file changes', () => {
    const first = newHost();
    const second = newHost({ ...hostProps(), restWorkers: 3 });
    const trigger = (host: MailingListHost) => {
      const config = JSON.parse(Testing.synth(host.node.scope as never));
      const resource = Object.values(config.resource.null_resource)[0] as { triggers: Record<string, string> };
      return resource.triggers;
    };
    assert.notEqual(trigger(first)['/etc/prometheus/process-exporter.yml'], undefined);
    assert.equal(trigger(first)['/etc/prometheus/process-exporter.yml'], trigger(second)['/etc/prometheus/process-exporter.yml'], 'process groups do not depend on worker count');
    assert.notEqual(trigger(first)['/usr/local/lib/listhost/mailman-queue-collector'], trigger(second)['/usr/local/lib/listhost/mailman-queue-collector'], 'the collector exports the expected process count');
  });
});

describe('synth-time policy through the stack', () => {
  it('attaches a rule warning to the host it is about', async () => {
    const stack = newStack();
    const host = new MailingListHost(stack, 'host', { ...hostProps(), contacts: [] });
    const other = new MailingListHost(stack, 'other', hostProps('lists2001.example.org', 'dc2', 'B'));
    await stack.prepare();
    Testing.synth(stack, true);
    const warnings = (construct: MailingListHost) => construct.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    assert.equal(warnings(host).length, 1, warnings(host).join('\n'));
    assert.match(warnings(host)[0], /^\[LH016\] lists1001\.example\.org has no contacts/);
    assert.deepEqual(warnings(other), []);
  });
});
