/** The generic building block: any service with workers and queues. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ServiceHost, type ServiceDefinitionProps, type ServiceHostProps } from '../../lib';
import { hostProps, newStack } from '../helpers/example-props';

const relay: ServiceDefinitionProps = {
  kind: 'postfix',
  version: '3.7.11',
  metricPrefix: 'postfix',
  unit: 'postfix@-.service',
  configFile: '/etc/postfix/main.cf',
  processGroups: [
    { groupname: 'postfix-master', role: 'master', cmdlineRegex: '/usr/lib/postfix/sbin/master( |$)', user: 'root' },
    { groupname: 'postfix-qmgr', role: 'queue manager', cmdlineRegex: '(^| )qmgr( |$)', user: 'postfix' },
  ],
  queues: [
    { name: 'active', directory: '/var/spool/postfix/active', pagesOnAge: true },
    { name: 'deferred', directory: '/var/spool/postfix/deferred', pagesOnAge: true },
  ],
};

function props(service: ServiceDefinitionProps = relay): ServiceHostProps {
  const { fqdn, location, platform, rootVolume, backup } = hostProps('relay1001.example.org');
  return {
    fqdn, location, platform, rootVolume, service,
    dataVolume: { mountpoint: '/var/spool/postfix', device: '/dev/vdb1', size: '50GiB' },
    backup: { ...backup, paths: ['/etc/postfix'] },
  };
}

describe('ServiceHost with a service of its own', () => {
  it('resolves defaults: severity critical, one process, mtime ages, glob *, restart through systemctl', () => {
    const host = new ServiceHost(newStack(), 'relay', props());
    const { service } = host.model;
    assert.deepEqual(service.processGroups.map((g) => [g.groupname, g.expectedProcesses, g.severity, g.pgrepPattern]), [
      ['postfix-master', 1, 'critical', '/usr/lib/postfix/sbin/master( |$)'],
      ['postfix-qmgr', 1, 'critical', '(^| )qmgr( |$)'],
    ]);
    assert.equal(service.queueFilePattern, null);
    // Service-neutral words, no list admins, the check reads the directories.
    assert.deepEqual(service.vocabulary, {
      displayName: 'Postfix', worker: 'worker', workers: 'workers', supervisor: 'master', supervisorRestartsWorkers: false,
      burst: 'a burst of messages', requeue: 'requeue', webBackend: "the service's workers",
    });
    assert.equal(service.listVisibleOutages, false);
    assert.equal(service.queueCheckSource, 'directory');
    assert.equal(service.queueFileGlob, '*');
    assert.equal(service.queueFileMaxDepth, 1, 'messages directly in the queue directory by default');
    assert.deepEqual(service.restartCommand, ['systemctl', 'restart', 'postfix@-.service']);
    assert.equal(service.queues[0].ageCriticalSeconds, 1800);
    assert.equal(host.model.webUrl, null);
    assert.deepEqual(service.processGroups.map((g) => g.countedBy), ['process-exporter', 'process-exporter'], 'process-exporter counts by default');
  });

  it('a queue pages on growth only when it says so (pagesOnGrowth, default false), and the value must be a boolean', () => {
    const plain = new ServiceHost(newStack(), 'relay', props());
    assert.deepEqual(plain.model.service.queues.map((q) => [q.name, q.pagesOnGrowth]), [['active', false], ['deferred', false]]);
    const growing = new ServiceHost(newStack(), 'relay', props({
      ...relay,
      queues: [relay.queues[0], { ...relay.queues[1], pagesOnGrowth: true }],
    }));
    assert.deepEqual(growing.model.service.queues.map((q) => [q.name, q.pagesOnGrowth]), [['active', false], ['deferred', true]]);
    assert.throws(
      () => new ServiceHost(newStack(), 'relay', props({ ...relay, queues: [{ ...relay.queues[0], pagesOnGrowth: 'yes' as unknown as boolean }] })),
      /service\.queues\[0\]\.pagesOnGrowth/,
    );
  });

  it('a hashed spool (Postfix deferred/A/QUEUEID) declares queueFileMaxDepth 2', () => {
    const host = new ServiceHost(newStack(), 'relay', props({ ...relay, queueFileMaxDepth: 2 }));
    assert.equal(host.model.service.queueFileMaxDepth, 2);
  });

  it('a supervisor whose forked workers carry its command line until they exec can be counted by the collector', () => {
    const master = { ...relay.processGroups[0], countedBy: 'collector' as const };
    const host = new ServiceHost(newStack(), 'relay', props({ ...relay, processGroups: [master, relay.processGroups[1]] }));
    assert.deepEqual(host.model.service.processGroups.map((g) => [g.groupname, g.countedBy]), [
      ['postfix-master', 'collector'],
      ['postfix-qmgr', 'process-exporter'],
    ]);
  });

  const bad: Array<[string, Partial<ServiceDefinitionProps>, RegExp]> = [
    ['no process groups', { processGroups: [] }, /prop 'service.processGroups' is required: give at least one process group/],
    ['no queues', { queues: [] }, /prop 'service.queues' is required: give at least one queue/],
    ['metric prefix', { metricPrefix: 'Postfix-Relay' }, /prop 'service.metricPrefix' is "Postfix-Relay"/],
    ['unit', { unit: 'postfix' }, /prop 'service.unit' is "postfix"/],
    ['groupname', { processGroups: [{ ...relay.processGroups[0], groupname: 'Master' }] }, /prop 'service.processGroups\[0\].groupname'/],
    ['duplicate groupname', { processGroups: [relay.processGroups[0], relay.processGroups[0]] }, /prop 'service.processGroups\[1\].groupname' is "postfix-master", which is used by another process group/],
    ['regex invalid', { processGroups: [{ ...relay.processGroups[0], cmdlineRegex: '(' }] }, /prop 'service.processGroups\[0\].cmdlineRegex' is "\("; expected a valid regular expression/],
    ['regex with quote', { processGroups: [{ ...relay.processGroups[0], cmdlineRegex: "a'b" }] }, /prop 'service.processGroups\[0\].cmdlineRegex'/],
    ['expected processes', { processGroups: [{ ...relay.processGroups[0], expectedProcesses: 0 }] }, /prop 'service.processGroups\[0\].expectedProcesses' is 0/],
    ['severity', { processGroups: [{ ...relay.processGroups[0], severity: 'page' as never }] }, /prop 'service.processGroups\[0\].severity' is "page"/],
    ['user', { processGroups: [{ ...relay.processGroups[0], user: '' }] }, /prop 'service.processGroups\[0\].user'/],
    ['counted by', { processGroups: [{ ...relay.processGroups[0], countedBy: 'pgrep' as never }] }, /prop 'service.processGroups\[0\].countedBy' is "pgrep"; expected "process-exporter" or "collector"/],
    ['queue directory', { queues: [{ name: 'active', directory: 'spool' }] }, /prop 'service.queues\[0\].directory'/],
    ['duplicate queue', { queues: [relay.queues[0], relay.queues[0]] }, /prop 'service.queues\[1\].name' is "active", which is used by another queue/],
    ['thresholds', { queueThresholds: { ageWarningSeconds: 3000 } }, /prop 'service.queueThresholds.ageCriticalSeconds' is 1800, which must be above ageWarningSeconds \(3000\)/],
    ['restart command', { restartCommand: [] }, /prop 'service.restartCommand'/],
    ['queue file depth 0', { queueFileMaxDepth: 0 }, /prop 'service.queueFileMaxDepth' is 0; expected a whole number from 1 to 4/],
    ['queue file depth 5', { queueFileMaxDepth: 5 }, /prop 'service.queueFileMaxDepth' is 5; expected a whole number from 1 to 4/],
    ['queue file depth 1.5', { queueFileMaxDepth: 1.5 }, /prop 'service.queueFileMaxDepth' is 1.5/],
    ['kind', { kind: 'post fix' }, /prop 'service.kind'/],
    ['config file', { configFile: 'main.cf' }, /prop 'service.configFile'/],
    ['vocabulary not an object', { vocabulary: 'daemon' as never }, /prop 'service.vocabulary' is "daemon"; expected an object of words/],
    ['vocabulary with a template', { vocabulary: { worker: '{{ $value }}' } }, /prop 'service.vocabulary.worker' is "\{\{ \$value \}\}"; expected plain words for alerts and runbooks/],
    ['vocabulary too long', { vocabulary: { burst: 'a'.repeat(61) } }, /prop 'service.vocabulary.burst'/],
    ['vocabulary whose derived plural is too long', { vocabulary: { worker: 'w'.repeat(60) } }, /prop 'service.vocabulary.worker' is "w{60}"; expected words short enough that service.vocabulary.workers, made from it as "w{60}s", stays within 60 characters; or set service.vocabulary.workers too/],
    ['vocabulary flag', { vocabulary: { supervisorRestartsWorkers: 'yes' as never } }, /prop 'service.vocabulary.supervisorRestartsWorkers' is "yes"; expected true or false/],
    ['notify list admins', { notifyListAdmins: 1 as never }, /prop 'service.notifyListAdmins' is 1; expected true or false/],
    ['queue check source', { queueCheckSource: 'sudo' as never }, /prop 'service.queueCheckSource' is "sudo"; expected "directory" .* or "collector"/],
  ];
  for (const [name, change, message] of bad) {
    it(`rejects ${name}`, () => {
      assert.throws(() => new ServiceHost(newStack(), 'relay', props({ ...relay, ...change })), message);
    });
  }
});
